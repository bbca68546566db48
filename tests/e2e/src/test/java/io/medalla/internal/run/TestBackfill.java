package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.SampleDataGenerator;
import io.medalla.demo.product.ProductEventsGenerator;
import io.medalla.internal.cli.CliRunner;
import io.medalla.internal.spark.SparkSessions;
import io.medalla.testkit.SharedSpark;
import io.medalla.testkit.TableContents;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfills through the CLI on the product domain: a dry run plans without running, a repeated
 * backfill gives identical tables, a failed or killed (kill -9, a real child process) backfill
 * resumes without redoing finished runs and ends identical to an uninterrupted one.
 */
class TestBackfill {
  private static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
  private static final LocalDate LAST = FIRST.plusDays(2);
  private static final List<String> TABLES =
      List.of("bronze/product/events", "silver/product/events", "gold/product/daily_active_users");
  private static final String[] BACKFILL = {
    "backfill",
    "bronze_product.events",
    "silver_product.events",
    "gold_product.daily_active_users",
    "--from",
    FIRST.toString(),
    "--to",
    LAST.toString(),
    "--batch-days",
    "3"
  };
  private static final Pattern BACKFILL_ID = Pattern.compile("Backfill (backfill-[0-9a-f]+)");

  @TempDir Path directory;

  @Test
  void repeatedAndResumedBackfillsGiveIdenticalTables() throws Exception {
    Path reference = landedWarehouse("reference");
    CliRunner.Outcome dryRun = medalla(reference, "--dry-run");
    assertThat(dryRun.status()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .contains("5 runs, 5 to do (dry run: nothing is run)")
        .contains("silver_product.events")
        .contains(FIRST + ".." + LAST)
        .containsPattern("product/events/" + FIRST + " \\([0-9.]+ KiB\\)");
    assertThat(Files.exists(reference.resolve("_ops/run_ledger"))).isFalse();

    CliRunner.Outcome first = medalla(reference);
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).contains(": 5 of 5 runs to do");
    Map<String, List<List<Object>>> expected = contents(reference);

    CliRunner.Outcome again = medalla(reference);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out())
        .as("a finished backfill is not resumed")
        .contains(": 5 of 5 runs to do");
    assertThat(contents(reference)).isEqualTo(expected);

    Path interrupted = landedWarehouse("interrupted");
    Path thirdDay = interrupted.resolve("_landing/product/events/" + LAST);
    Path aside = interrupted.resolve("aside");
    Files.move(thirdDay, aside);
    CliRunner.Outcome failed = medalla(interrupted);
    assertThat(failed.status()).isEqualTo(1);
    assertThat(failed.err()).contains("Cannot read landing folder");
    Files.move(aside, thirdDay);

    CliRunner.Outcome resumed = medalla(interrupted);
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("(resumed): 3 of 5 runs to do");
    assertThat(backfillId(resumed)).isEqualTo(backfillId(failed));
    assertThat(successfulRuns(interrupted, backfillId(resumed)))
        .as("each run of the backfill succeeded once")
        .hasSize(5)
        .doesNotHaveDuplicates();
    assertThat(contents(interrupted)).isEqualTo(expected);

    CliRunner.Outcome forced = medalla(interrupted, "--force");
    assertThat(forced.status()).as(forced.err()).isZero();
    assertThat(forced.out()).contains(": 5 of 5 runs to do").doesNotContain("(resumed)");
    assertThat(contents(interrupted)).isEqualTo(expected);

    Path killed = landedWarehouse("killed");
    killMidway(killed);
    for (String table : TABLES) {
      Path path = killed.resolve(table);
      if (Files.exists(path)) {
        assertThat(SharedSpark.session().read().format("delta").load(path.toString()).count())
            .as("%s is readable at its latest committed version", table)
            .isNotNegative();
      }
    }
    CliRunner.Outcome afterKill = medalla(killed);
    assertThat(afterKill.status()).as(afterKill.err()).isZero();
    assertThat(afterKill.out()).contains("(resumed)");
    assertThat(contents(killed)).isEqualTo(expected);
  }

  /** Runs the backfill in a child JVM and kills it (SIGKILL) after its second successful run. */
  private void killMidway(Path warehouse) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(SparkSessions.JAVA_17_FLAGS.split(" ")));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.medalla.cli.MedallaCli"));
    command.addAll(List.of(BACKFILL));
    command.addAll(List.of("--warehouse", warehouse.toString()));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> secondSuccessOrEnd = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              int succeeded = 0;
              try (BufferedReader lines = process.inputReader()) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  output.add(line);
                  if (line.startsWith("SUCCEEDED") && ++succeeded == 2) {
                    secondSuccessOrEnd.complete(null);
                  }
                }
              } catch (IOException e) {
                output.add("Cannot read the backfill's output: " + e);
              } finally {
                secondSuccessOrEnd.complete(null);
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      secondSuccessOrEnd.completeOnTimeout(null, 4, TimeUnit.MINUTES).join();
      assertThat(process.isAlive())
          .as("the backfill is still running: %s", String.join("\n", output))
          .isTrue();
    } finally {
      process.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
      assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }
  }

  private Path landedWarehouse(String name) throws Exception {
    Path warehouse = directory.resolve(name);
    new ProductEventsGenerator()
        .generate(
            new SampleDataGenerator.Request(
                warehouse.resolve("_landing"), FIRST, 3, 1, 42, Set.of()));
    return warehouse;
  }

  private CliRunner.Outcome medalla(Path warehouse, String... options) {
    List<String> args = new ArrayList<>(List.of(BACKFILL));
    args.addAll(List.of(options));
    args.addAll(List.of("--warehouse", warehouse.toString()));
    return new CliRunner(directory, Map.of()).run(args.toArray(String[]::new));
  }

  private static String backfillId(CliRunner.Outcome outcome) {
    Matcher matcher = BACKFILL_ID.matcher(outcome.out());
    assertThat(matcher.find()).as(outcome.out()).isTrue();
    return matcher.group(1);
  }

  /** The (pipeline, dates) of the backfill's successful runs. */
  private static List<String> successfulRuns(Path warehouse, String backfillId) {
    Dataset<Row> ledger =
        SharedSpark.session()
            .read()
            .format("delta")
            .load(warehouse.resolve("_ops/run_ledger").toString());
    return ledger
        .where(
            get_json_object(col("parameters"), "$.backfill_id")
                .equalTo(backfillId)
                .and(col("status").isin("SUCCEEDED", "SKIPPED")))
        .select("pipeline", "dates")
        .collectAsList()
        .stream()
        .map(row -> row.getString(0) + " " + row.getList(1))
        .toList();
  }

  private static Map<String, List<List<Object>>> contents(Path warehouse) {
    Map<String, List<List<Object>>> contents = new HashMap<>();
    for (String table : TABLES) {
      contents.put(
          table,
          TableContents.of(
              SharedSpark.session()
                  .read()
                  .format("delta")
                  .load(warehouse.resolve(table).toString())));
    }
    return contents;
  }
}
