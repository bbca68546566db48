package io.medalla.bench;

import io.medalla.api.Pipeline;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.SampleDataGenerator;
import io.medalla.cli.MedallaCli;
import io.medalla.demo.product.ProductEventsGenerator;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.Backfill;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.spark.SparkSessions;
import io.medalla.pipelines.product.BronzeEvents;
import io.medalla.pipelines.product.GoldDailyActiveUsers;
import io.medalla.pipelines.product.SilverEvents;
import io.medalla.testkit.TableContents;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code incremental}: on the product domain (bronze events, silver events, daily active users), an
 * incremental run of silver and gold after about 1 % new data against a full refresh of both at the
 * same size (the two must give the same tables); then a backfill of {@code --backfill-days} dates
 * in one batch against the same dates run one by one in this JVM, and against separate {@code run
 * --date} processes as a scheduler would start them.
 */
@Command(
    name = "incremental",
    mixinStandardHelpOptions = true,
    description = "Incremental runs against full refreshes; a backfill against separate runs.")
final class IncrementalBenchmark implements Callable<Integer> {
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 10, 1);
  private static final List<Pipeline> DOWNSTREAM =
      List.of(new SilverEvents(), new GoldDailyActiveUsers());

  @Option(names = "--scale", defaultValue = "8", description = "Generator scale.")
  int scale;

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "Days ingested before the increment.")
  int days;

  @Option(
      names = "--new-percent",
      defaultValue = "1",
      description = "The increment, in percent of the silver rows.")
  double newPercent;

  @Option(
      names = "--processes",
      defaultValue = "30",
      description = "Separate run --date processes to time (0 to skip).")
  int processes;

  @Option(
      names = "--whole-process-runs",
      defaultValue = "3",
      description = "Fresh gold run processes, and plain Spark job processes, to time (0 to skip).")
  int wholeProcessRuns;

  @Override
  public Integer call() throws Exception {
    Path directory = Files.createTempDirectory("medalla-bench-incremental");
    try {
      MedallaSettings settings = Benchmarks.settings(directory);
      SparkSession spark = Benchmarks.spark(settings);
      PipelineRunner runner = new PipelineRunner(spark, settings);
      Path landing = Path.of(settings.landing());
      long started = System.nanoTime();
      new ProductEventsGenerator()
          .generate(
              new SampleDataGenerator.Request(landing, FIRST_DAY, days + 1, scale, 42, Set.of()));
      for (int day = 0; day < days; day++) {
        require(runner.run(new BronzeEvents(), FIRST_DAY.plusDays(day), Map.of()));
      }
      LocalDate asOf = FIRST_DAY.plusDays(days);
      for (Pipeline pipeline : DOWNSTREAM) {
        require(run(runner, pipeline, RunMode.FULL_REFRESH, asOf));
      }
      long silverRows =
          spark
              .read()
              .format("delta")
              .load(runner.warehouse().path(new SilverEvents().spec().output()))
              .count();
      System.out.printf(
          "Product domain at scale %d: %d days ingested, %,d silver events; setup %.1f s%n%n",
          scale, days, silverRows, (System.nanoTime() - started) / 1e9);

      long newRows = Math.max(1, Math.round(silverRows * newPercent / 100));
      landIncrement(landing.resolve(BronzeEvents.LANDING_FOLDER).resolve(asOf.toString()), newRows);
      require(runner.run(new BronzeEvents(), asOf, Map.of()));
      System.out.printf(
          "Increment: %,d new events (%.2f %% of silver) ingested for %s%n",
          newRows, 100.0 * newRows / silverRows, asOf);
      double incremental = 0;
      for (Pipeline pipeline : DOWNSTREAM) {
        RunResult result = require(run(runner, pipeline, RunMode.INCREMENTAL, asOf));
        incremental += seconds(result);
        print("incremental", pipeline, result);
      }
      List<List<List<Object>>> afterIncrement = contents(spark, runner);
      double full = 0;
      for (Pipeline pipeline : DOWNSTREAM) {
        RunResult result = require(run(runner, pipeline, RunMode.FULL_REFRESH, asOf));
        full += seconds(result);
        print("full refresh", pipeline, result);
      }
      boolean same = contents(spark, runner).equals(afterIncrement);
      System.out.printf(
          "Incremental %.1f s vs full refresh %.1f s: ratio %.3fx; tables after both %s%n%n",
          incremental, full, incremental / full, same ? "identical" : "DIFFERENT");

      int backfillDays = days;
      LocalDate last = FIRST_DAY.plusDays(backfillDays - 1L);
      long backfillStarted = System.nanoTime();
      Backfill backfill = new Backfill(runner, settings.landing());
      Backfill.Plan plan =
          backfill.plan(DOWNSTREAM, List.of(), FIRST_DAY, last, backfillDays, true);
      for (RunResult result : backfill.execute(plan, result -> {})) {
        require(result);
      }
      double backfillSeconds = (System.nanoTime() - backfillStarted) / 1e9;
      long loopStarted = System.nanoTime();
      for (int day = 0; day < backfillDays; day++) {
        for (Pipeline pipeline : DOWNSTREAM) {
          require(runner.run(pipeline, FIRST_DAY.plusDays(day), Map.of("command", "benchmark")));
        }
      }
      double loopSeconds = (System.nanoTime() - loopStarted) / 1e9;
      System.out.printf(
          "Backfill of %d days (silver and gold, one batch each): %.1f s%n"
              + "The same %d days as %d run --date calls in this JVM: %.1f s: backfill ratio %.3fx%n",
          backfillDays,
          backfillSeconds,
          backfillDays,
          backfillDays,
          loopSeconds,
          backfillSeconds / loopSeconds);
      if (processes > 0) {
        double processSeconds =
            separateProcesses(directory, settings, Math.min(processes, backfillDays));
        double perProcess = processSeconds / Math.min(processes, backfillDays);
        System.out.printf(
            "%d separate run --date processes (silver and gold each): %.1f s, %.1f s each;"
                + " %d of them: %.1f s: backfill ratio %.3fx%n",
            Math.min(processes, backfillDays),
            processSeconds,
            perProcess,
            backfillDays,
            perProcess * backfillDays,
            backfillSeconds / (perProcess * backfillDays));
      }
      if (wholeProcessRuns > 0) {
        wholeProcesses(directory, settings, last, wholeProcessRuns);
      }
      return same ? 0 : 1;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  private static RunResult run(
      PipelineRunner runner, Pipeline pipeline, RunMode mode, LocalDate asOf) {
    return runner.run(pipeline, RunRequest.asOf(mode, asOf, Map.of("command", "benchmark")));
  }

  private static RunResult require(RunResult result) {
    if (result.exitStatus() != 0) {
      throw new IllegalStateException(
          result.record().pipeline() + " failed: " + result.record().errorMessage().orElse(""));
    }
    return result;
  }

  private static double seconds(RunResult result) {
    return result.record().duration().toMillis() / 1e3;
  }

  private static void print(String what, Pipeline pipeline, RunResult result) {
    System.out.printf(
        "  %-13s %-34s %6.1f s  partitions %3d  rows read %,11d  written %,10d%n",
        what,
        pipeline.name(),
        seconds(result),
        result.record().dates().size(),
        result.record().rowsRead(),
        result.record().rowsWritten());
  }

  /** Keeps the first {@code rows} lines of the day's landing files as its only file. */
  private static void landIncrement(Path folder, long rows) throws IOException {
    List<String> kept = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.sorted().toList();
    }
    for (Path file : files) {
      try (Stream<String> lines = Files.lines(file)) {
        lines.limit(rows - kept.size()).forEach(kept::add);
      }
      Files.delete(file);
    }
    Files.write(folder.resolve("increment.json"), kept);
  }

  private static List<List<List<Object>>> contents(SparkSession spark, PipelineRunner runner) {
    List<List<List<Object>>> contents = new ArrayList<>();
    for (Pipeline pipeline : DOWNSTREAM) {
      contents.add(
          TableContents.of(
              spark
                  .read()
                  .format("delta")
                  .load(runner.warehouse().path(pipeline.spec().output()))));
    }
    return contents;
  }

  /**
   * Runs {@code count} dates as separate {@code medalla run --date} processes, one after another.
   */
  private static double separateProcesses(Path directory, MedallaSettings settings, int count)
      throws IOException, InterruptedException {
    double seconds = 0;
    for (int day = 0; day < count; day++) {
      seconds +=
          process(
              directory,
              "process-" + day,
              MedallaCli.class,
              "run",
              "silver_product.events",
              "gold_product.daily_active_users",
              "--date",
              FIRST_DAY.plusDays(day).toString(),
              "--warehouse",
              settings.warehouse(),
              "--set",
              "medalla.log.level=warn");
    }
    return seconds;
  }

  /**
   * Times {@code runs} fresh {@code run gold_product.daily_active_users --date D} processes against
   * as many fresh processes of the plain Spark job doing the same read, aggregate and replaceWhere
   * write, alternately; prints the medians.
   */
  private static void wholeProcesses(
      Path directory, MedallaSettings settings, LocalDate date, int runs)
      throws IOException, InterruptedException {
    List<Double> framework = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    String plainOutput = directory.resolve("plain/daily_active_users").toString();
    for (int run = 0; run < runs; run++) {
      framework.add(
          process(
              directory,
              "gold-" + run,
              MedallaCli.class,
              "run",
              "gold_product.daily_active_users",
              "--date",
              date.toString(),
              "--warehouse",
              settings.warehouse(),
              "--set",
              "medalla.log.level=warn"));
      plain.add(
          process(
              directory,
              "plain-" + run,
              PlainDailyActiveUsers.class,
              settings.warehouse(),
              plainOutput,
              date.toString()));
    }
    double medianFramework = median(framework);
    double medianPlain = median(plain);
    System.out.printf(
        "Whole process, %d each, median: run gold_product.daily_active_users --date %s %.2f s"
            + " (all %s) vs the plain Spark job %.2f s (all %s): ratio %.2fx%n",
        runs, date, medianFramework, framework, medianPlain, plain, medianFramework / medianPlain);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
  }

  /** Runs {@code main} with {@code args} in a fresh JVM of this class path; returns its seconds. */
  private static double process(Path directory, String name, Class<?> main, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(SparkSessions.JAVA_17_FLAGS.split(" ")));
    // Absolute entries: the child runs in the benchmark's directory.
    String classPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    command.addAll(List.of("-cp", classPath, main.getName()));
    command.addAll(List.of(args));
    Path log = directory.resolve(name + ".log");
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException(main.getSimpleName() + " failed: " + Files.readString(log));
    }
    return (System.nanoTime() - started) / 1e9;
  }
}
