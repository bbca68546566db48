package io.medalla.demo.product;

import io.medalla.api.SampleDataGenerator;
import io.medalla.pipelines.product.BronzeEvents;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Deterministic product events. {@code 700 × scale} users exist on the first day and {@code 50 ×
 * scale} more sign up every day after, each with a session on the day they join. Sessions pick
 * users with a strong skew (a few heavy users with many sessions a day, a long tail seen now and
 * then) and walk down the funnel with drop-off at every step. Each day's file also holds a few late
 * events of the day before, repeated events and malformed lines, as real landings do. A day's file
 * depends only on the seed, the first date and the day.
 */
public final class ProductEventsGenerator implements SampleDataGenerator {
  private static final String[] PLATFORMS = {"ios", "android", "web"};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

  /** Events per day of each contract-breaking kind: unknown type, unknown platform, no user. */
  public static final int BAD_EVENTS_PER_KIND = 2;

  @Override
  public String domain() {
    return "product";
  }

  @Override
  public Generated generate(Request request) throws IOException {
    Path landingRoot = request.landingRoot();
    LocalDate firstDate = request.firstDate();
    int days = request.days();
    int scale = request.scale();
    long seed = request.seed();
    long written = 0;
    for (int day = 0; day < days; day++) {
      LocalDate date = firstDate.plusDays(day);
      SplittableRandom random = new SplittableRandom(seed * 31 + date.toEpochDay());
      List<String> lines = new ArrayList<>();
      int users = users(scale, day);
      for (int session = 0; session < 1200 * scale; session++) {
        long user = skewedUser(random, users);
        addSession(lines, random, date, user, date + "-" + session);
      }
      if (day > 0) {
        for (long joined = users(scale, day - 1) + 1L; joined <= users; joined++) {
          addSession(lines, random, date, joined, date + "-first-" + joined);
        }
        for (int late = 0; late < 5 * scale; late++) {
          long user = skewedUser(random, users(scale, day - 1));
          addSession(lines, random, date.minusDays(1), user, date + "-late-" + late);
        }
      }
      int lineCount = lines.size();
      for (int repeat = 0; repeat < 10 * scale; repeat++) {
        lines.add(lines.get(random.nextInt(lineCount)));
      }
      for (int bad = 0; bad < BAD_EVENTS_PER_KIND; bad++) {
        String id = date + "-bad-" + bad;
        long second = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC) + 3600L * (bad + 1);
        lines.add(event(id, 0, 7, "page_veiw", "web", second));
        lines.add(event(id, 1, 7, "page_view", "windows_phone", second));
        lines.add(
            event(id, 2, 7, "page_view", "web", second)
                .replace("\"user_id\":7", "\"user_id\":null"));
      }
      lines.add("{\"event_id\": \"" + date + "-broken\", \"user_id\": 1, \"event_ty");
      lines.add(
          "{\"event_id\":\""
              + date
              + "-badtype\",\"user_id\":\"not-a-number\","
              + "\"session_id\":\"s\",\"event_type\":\"page_view\",\"platform\":\"web\","
              + "\"occurred_at\":\""
              + date
              + "T12:00:00Z\"}");
      written +=
          write(landingRoot.resolve(BronzeEvents.LANDING_FOLDER).resolve(date.toString()), lines);
    }
    return new Generated(written, Map.of());
  }

  /** The users who have signed up by the end of day {@code day} (0 for the first date). */
  private static int users(int scale, int day) {
    return 700 * scale + 50 * scale * day;
  }

  /** A user id in [1, users], heavy users far more often than others. */
  private static long skewedUser(SplittableRandom random, int users) {
    double u = random.nextDouble();
    return 1 + (long) (users * u * u * u);
  }

  private static void addSession(
      List<String> lines, SplittableRandom random, LocalDate date, long user, String sessionId) {
    String platform = PLATFORMS[(int) (user % PLATFORMS.length)];
    long second = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC) + random.nextInt(86_000);
    int views = 1 + random.nextInt(6);
    for (int view = 0; view < views; view++) {
      lines.add(event(sessionId, lines.size(), user, "page_view", platform, second + view * 20L));
    }
    String[] funnel = {"add_to_cart", "checkout", "purchase"};
    double[] reach = {0.35, 0.6, 0.7};
    for (int step = 0; step < funnel.length && random.nextDouble() < reach[step]; step++) {
      lines.add(
          event(sessionId, lines.size(), user, funnel[step], platform, second + 200L + step * 60L));
    }
  }

  private static String event(
      String sessionId, int sequence, long user, String type, String platform, long epochSecond) {
    return String.format(
        "{\"event_id\":\"%s-%d\",\"user_id\":%d,\"session_id\":\"%s\",\"event_type\":\"%s\","
            + "\"platform\":\"%s\",\"occurred_at\":\"%s\"}",
        sessionId,
        sequence,
        user,
        sessionId,
        type,
        platform,
        TIME.format(java.time.Instant.ofEpochSecond(epochSecond)));
  }

  private static long write(Path folder, List<String> lines) throws IOException {
    if (Files.isDirectory(folder)) {
      try (Stream<Path> old = Files.list(folder)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(folder);
    try (BufferedWriter writer =
        Files.newBufferedWriter(folder.resolve("events-0.jsonl"), StandardCharsets.UTF_8)) {
      for (String line : lines) {
        writer.write(line);
        writer.newLine();
      }
    }
    return lines.size();
  }
}
