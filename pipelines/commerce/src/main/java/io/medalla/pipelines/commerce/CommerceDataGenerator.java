package io.medalla.pipelines.commerce;

import io.medalla.api.SampleDataGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Deterministic commerce data. Customers live in a PostgreSQL database that changes every day (new
 * customers, moves between countries, deletions, one malformed email); orders arrive as Debezium
 * change events, shuffled within each day's file and with a few events delivered twice.
 */
public final class CommerceDataGenerator implements SampleDataGenerator {
  private static final String[] COUNTRIES = {"CL", "AR", "PE", "ES", "US"};
  private static final String[] CURRENCIES = {"CLP", "USD", "EUR"};

  private Request request;
  private CommerceDatabase database;

  @Override
  public String domain() {
    return "commerce";
  }

  @Override
  public Generated generate(Request request) throws IOException {
    this.request = request;
    long records = writeOrders(request);
    if (request.configuredConnections().contains(CommerceDatabase.CONNECTION)) {
      return new Generated(records, Map.of());
    }
    database = CommerceDatabase.start(request.landingRoot().resolve("_demo_db"), request.seed());
    return new Generated(
        records, database.connectionSettings(request.landingRoot().resolve("_demo_secrets")));
  }

  /** Applies the day's customer changes to the demo database (none for a configured one). */
  @Override
  public void advanceTo(LocalDate date) {
    if (database == null) {
      return;
    }
    int day = (int) (date.toEpochDay() - request.firstDate().toEpochDay());
    Random random = new Random(request.seed() * 31 + date.toEpochDay());
    long base = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    int customers = customers(request.scale());
    List<Object[]> inserts = new ArrayList<>();
    if (day == 0) {
      for (long id = 1; id <= customers; id++) {
        inserts.add(customer(id, COUNTRIES[(int) (id % COUNTRIES.length)], base + 3600 + id));
      }
      inserts.add(
          new Object[] {
            customers + 1L, "Customer without email", "not-an-email", "CL", time(base + 7200)
          });
    } else {
      long first = customers + 2L + (day - 1) * 10L * request.scale();
      for (long id = first; id < first + 10L * request.scale(); id++) {
        inserts.add(customer(id, COUNTRIES[random.nextInt(COUNTRIES.length)], base + 1800 + id));
      }
      List<Object[]> moves = new ArrayList<>();
      for (int move = 0; move < customers / 20; move++) {
        long id = 1 + random.nextInt(customers);
        moves.add(
            new Object[] {
              COUNTRIES[random.nextInt(COUNTRIES.length)], time(base + 36_000 + move), id
            });
      }
      database.batch(
          "UPDATE public.customers SET country = ?, updated_at = ? WHERE customer_id = ?", moves);
      database.execute(
          "DELETE FROM public.customers WHERE customer_id = " + (day * 7L % customers + 1));
    }
    database.batch(
        "INSERT INTO public.customers (customer_id, name, email, country, updated_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING",
        inserts);
  }

  private static Object[] customer(long id, String country, long epochSecond) {
    return new Object[] {
      id, "Customer " + id, "customer" + id + "@example.com", country, time(epochSecond)
    };
  }

  private static Timestamp time(long epochSecond) {
    return Timestamp.from(Instant.ofEpochSecond(epochSecond));
  }

  private static int customers(int scale) {
    return 200 * scale;
  }

  private static long writeOrders(Request request) throws IOException {
    long lsn = 1_000;
    long written = 0;
    long orderId = 1;
    for (int day = 0; day < request.days(); day++) {
      LocalDate date = request.firstDate().plusDays(day);
      Random random = new Random(request.seed() * 17 + date.toEpochDay());
      long base = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      List<String> events = new ArrayList<>();
      for (int index = 0; index < 60 * request.scale(); index++) {
        long customer = 1 + random.nextInt(customers(request.scale()));
        long cents = 500 + random.nextInt(50_000);
        String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
        long second = base + random.nextInt(80_000);
        long[] order = {orderId++, customer, cents};
        String created = image(order, "created", currency, second);
        events.add(envelope(null, created, "c", lsn++, second));
        if (random.nextDouble() < 0.7) {
          String paid = image(order, "paid", currency, second + 600);
          events.add(envelope(created, paid, "u", lsn++, second + 600));
          if (random.nextDouble() < 0.1) {
            events.add(
                envelope(
                    paid,
                    image(order, "refunded", currency, second + 1200),
                    "u",
                    lsn++,
                    second + 1200));
          }
        } else if (random.nextDouble() < 0.3) {
          events.add(
              envelope(
                  created,
                  image(order, "cancelled", currency, second + 900),
                  "u",
                  lsn++,
                  second + 900));
        }
      }
      if (orderId > 10) {
        long[] removed = {orderId - 5 - day, 1, 1000};
        String image = image(removed, "created", "USD", base);
        events.add(envelope(image, null, "d", lsn++, base + 85_000));
      }
      Collections.shuffle(events, random);
      for (int replay = 0; replay < 3; replay++) {
        events.add(events.get(random.nextInt(events.size())));
      }
      written += writeDay(request.landingRoot().resolve(BronzeOrders.LANDING_FOLDER), date, events);
    }
    return written;
  }

  private static String image(long[] order, String status, String currency, long epochSecond) {
    return String.format(
        Locale.ROOT,
        "{\"order_id\":%d,\"customer_id\":%d,\"status\":\"%s\",\"amount\":%d.%02d,"
            + "\"currency\":\"%s\",\"updated_at\":\"%s\"}",
        order[0],
        order[1],
        status,
        order[2] / 100,
        order[2] % 100,
        currency,
        Instant.ofEpochSecond(epochSecond));
  }

  private static String envelope(String before, String after, String op, long lsn, long second) {
    long millis = second * 1000;
    return String.format(
        "{\"before\":%s,\"after\":%s,\"op\":\"%s\",\"ts_ms\":%d,"
            + "\"source\":{\"lsn\":%d,\"ts_ms\":%d}}",
        before == null ? "null" : before,
        after == null ? "null" : after,
        op,
        millis + 20,
        lsn,
        millis);
  }

  private static long writeDay(Path folder, LocalDate date, List<String> events)
      throws IOException {
    Path day = folder.resolve(date.toString());
    if (Files.isDirectory(day)) {
      try (Stream<Path> old = Files.list(day)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(day);
    Files.write(day.resolve("orders-changes.jsonl"), events, StandardCharsets.UTF_8);
    return events.size();
  }
}
