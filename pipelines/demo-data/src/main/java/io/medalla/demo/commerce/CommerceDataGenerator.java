package io.medalla.demo.commerce;

import io.medalla.api.SampleDataGenerator;
import io.medalla.pipelines.commerce.BronzeCustomers;
import io.medalla.pipelines.commerce.BronzeOrders;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Deterministic commerce data. Customers live in a PostgreSQL database that changes every day (new
 * customers, moves between countries, deletions, one malformed email). Orders arrive as Debezium
 * change events in the file of the day each change happened, shuffled within the file and with a
 * few events delivered twice: a few loyal customers buy far more often than the rest, each in the
 * currency of their home country; orders move from created to paid, shipped, refunded or cancelled
 * over several days; a test order is deleted every day.
 */
public final class CommerceDataGenerator implements SampleDataGenerator {
  private static final String[] COUNTRIES = {"CL", "AR", "PE", "ES", "US"};

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
    if (request.configuredConnections().contains(BronzeCustomers.CONNECTION)) {
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
        inserts.add(customer(id, base + 3600 + id));
      }
      inserts.add(
          new Object[] {
            customers + 1L, "Customer without email", "not-an-email", "CL", time(base + 7200)
          });
    } else {
      long first = customers + 2L + (day - 1) * 10L * request.scale();
      for (long id = first; id < first + 10L * request.scale(); id++) {
        inserts.add(customer(id, base + 1800 + id));
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

  private static Object[] customer(long id, long epochSecond) {
    return new Object[] {
      id, "Customer " + id, "customer" + id + "@example.com", homeCountry(id), time(epochSecond)
    };
  }

  private static Timestamp time(long epochSecond) {
    return Timestamp.from(Instant.ofEpochSecond(epochSecond));
  }

  private static int customers(int scale) {
    return 200 * scale;
  }

  /**
   * Order change events, each in the file of the UTC day it happened: every order is created, then
   * most are paid within the hour and shipped one or two days later; some are refunded days later,
   * some cancelled before payment, the rest stay unpaid. Every day a test order is created and
   * deleted. LSNs follow the order of the changes; events after the last day are not written.
   */
  private static long writeOrders(Request request) throws IOException {
    LocalDate lastDate = request.firstDate().plusDays(request.days() - 1L);
    long end = lastDate.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    List<OrderChange> changes = new ArrayList<>();
    long orderId = 1;
    for (int day = 0; day < request.days(); day++) {
      LocalDate date = request.firstDate().plusDays(day);
      Random random = new Random(request.seed() * 17 + date.toEpochDay());
      long base = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      for (int index = 0; index < 60 * request.scale(); index++) {
        long customer = buyer(random, request.scale(), day);
        Order order =
            new Order(
                orderId++,
                customer,
                price(random, currency(customer)),
                currency(customer),
                base + random.nextInt(80_000));
        addLifecycle(changes, order, random);
      }
      Order test = new Order(orderId++, 1, 100, "USD", base + 60);
      changes.add(new OrderChange(test.createdAt(), null, test.image("created", test.createdAt())));
      changes.add(new OrderChange(base + 85_000, test.image("created", test.createdAt()), null));
    }
    changes.removeIf(change -> change.second() >= end);
    changes.sort(Comparator.comparingLong(OrderChange::second));
    Map<LocalDate, List<String>> days = new TreeMap<>();
    long lsn = 1_000;
    for (OrderChange change : changes) {
      LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(change.second(), 86_400));
      days.computeIfAbsent(date, ignored -> new ArrayList<>()).add(change.envelope(lsn++));
    }
    long written = 0;
    for (Map.Entry<LocalDate, List<String>> day : days.entrySet()) {
      List<String> events = day.getValue();
      Random random = new Random(request.seed() * 19 + day.getKey().toEpochDay());
      Collections.shuffle(events, random);
      for (int replay = 0; replay < 3; replay++) {
        events.add(events.get(random.nextInt(events.size())));
      }
      written +=
          writeDay(
              request.landingRoot().resolve(BronzeOrders.LANDING_FOLDER), day.getKey(), events);
    }
    return written;
  }

  private static void addLifecycle(List<OrderChange> changes, Order order, Random random) {
    long created = order.createdAt();
    changes.add(new OrderChange(created, null, order.image("created", created)));
    if (random.nextDouble() < 0.75) {
      long paid = addChange(changes, order, "created", created, "paid", 60 + random.nextInt(3_600));
      String status = "paid";
      long last = paid;
      if (random.nextDouble() < 0.85) {
        last = addChange(changes, order, status, paid, "shipped", days(random, 1, 2));
        status = "shipped";
      }
      if (random.nextDouble() < 0.08) {
        addChange(changes, order, status, last, "refunded", days(random, 1, 4));
      }
    } else if (random.nextDouble() < 0.5) {
      addChange(changes, order, "created", created, "cancelled", 3_600 + random.nextInt(100_000));
    }
  }

  /** Adds the change from status {@code from} (set at {@code since}) to {@code to}, later. */
  private static long addChange(
      List<OrderChange> changes, Order order, String from, long since, String to, long after) {
    long second = since + after;
    changes.add(new OrderChange(second, order.image(from, since), order.image(to, second)));
    return second;
  }

  /** Between {@code min} and {@code max} days, in seconds. */
  private static long days(Random random, int min, int max) {
    return 86_400L * min + random.nextInt(86_400 * (max - min + 1));
  }

  /** A customer of day {@code day}, the most loyal ones (lowest ids) far more often than others. */
  private static long buyer(Random random, int scale, int day) {
    int initial = customers(scale);
    int newcomers = 10 * scale * day;
    double u = random.nextDouble();
    int index = (int) ((initial + newcomers) * u * u);
    // Day one's customers are 1..initial; initial + 1 is the one without an email.
    return index < initial ? index + 1 : index + 2L;
  }

  /** The currency a customer pays in: their home country's at sign-up. */
  private static String currency(long customer) {
    return switch (homeCountry(customer)) {
      case "CL" -> "CLP";
      case "ES" -> "EUR";
      default -> "USD";
    };
  }

  private static String homeCountry(long customer) {
    return COUNTRIES[(int) (customer % COUNTRIES.length)];
  }

  /** An order amount in cents: mostly small baskets, a few large ones; whole pesos for CLP. */
  private static long price(Random random, String currency) {
    double u = random.nextDouble();
    long cents = 500 + (long) (50_000 * u * u);
    return currency.equals("CLP") ? cents * 900 / 100 * 100 : cents;
  }

  /** One order's fixed attributes; its status changes over time. */
  private record Order(long id, long customer, long cents, String currency, long createdAt) {
    String image(String status, long updatedAt) {
      return String.format(
          Locale.ROOT,
          "{\"order_id\":%d,\"customer_id\":%d,\"status\":\"%s\",\"amount\":%d.%02d,"
              + "\"currency\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\"}",
          id,
          customer,
          status,
          cents / 100,
          cents % 100,
          currency,
          Instant.ofEpochSecond(createdAt),
          Instant.ofEpochSecond(updatedAt));
    }
  }

  /** A change at the source: a create (no before image), an update, or a delete (no after). */
  private record OrderChange(long second, String before, String after) {
    String envelope(long lsn) {
      String op = before == null ? "c" : after == null ? "d" : "u";
      return CommerceDataGenerator.envelope(before, after, op, lsn, second);
    }
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
