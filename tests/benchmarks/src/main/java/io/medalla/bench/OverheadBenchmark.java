package io.medalla.bench;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMetrics;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.table.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code overhead}: the lifecycle's fixed cost per run. A gold pipeline that only adds a date
 * column to an input table runs through {@link PipelineRunner} (one partition-overwrite commit per
 * run) and is compared with bare Spark reading the same input and writing the same rows with {@code
 * replaceWhere} to another path. Both warm up once, then alternate.
 */
@Command(
    name = "overhead",
    mixinStandardHelpOptions = true,
    description = "Fixed cost of the run lifecycle against a bare Delta write of the same rows.")
final class OverheadBenchmark implements Callable<Integer> {
  private static final LocalDate LOGICAL_DATE = LocalDate.of(2026, 11, 1);
  private static final TableId INPUT = TableId.parse("silver_bench.numbers");
  private static final String FRAMEWORK_RUN = "PipelineRunner.run, partition overwrite";
  private static final String BARE_WRITE = "bare Delta write, replaceWhere";

  /** The bare writes' run id for {@link RunJobs}, which counts job groups named like a run's. */
  private static final String BARE_RUN_ID = "bare-write";

  private static final List<String> LIFECYCLE_PARTS =
      List.of(
          "Delta table existence check",
          "latest commit lookup (transaction log)",
          "ledger append (RunLedger.record)",
          "cache-and-count pass (runs with checks only)");

  @Option(names = "--rows", paramLabel = "N", defaultValue = "100000", description = "Rows.")
  long rows;

  @Option(
      names = "--iterations",
      paramLabel = "K",
      defaultValue = "5",
      description = "Measured runs of each, after one warm-up.")
  int iterations;

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("medalla-bench-overhead");
    try {
      MedallaSettings settings = Benchmarks.settings(directory);
      SparkSession spark = Benchmarks.spark(settings);
      PipelineRunner runner = new PipelineRunner(spark, settings);
      String inputPath = runner.warehouse().path(INPUT);
      spark.range(rows).write().format("delta").save(inputPath);
      Round round =
          new Round(
              spark,
              settings,
              runner,
              inputPath,
              directory.resolve("bare/numbers_by_day").toString(),
              new ArrayList<>());
      round.run(new Timings());
      RunJobs jobs = new RunJobs();
      spark.sparkContext().addSparkListener(jobs);
      Timings timings = new Timings();
      for (int iteration = 0; iteration < iterations; iteration++) {
        round.run(timings);
      }
      jobs.awaitDelivery(spark);
      spark.sparkContext().removeSparkListener(jobs);
      print(timings);
      printJobs(jobs, round.runIds());
      return 0;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  private void print(Timings timings) {
    System.out.printf(
        "Framework overhead per run: %,d rows, %d iterations after one warm-up each,"
            + " local[*] on %d cores%n%n",
        rows, iterations, Runtime.getRuntime().availableProcessors());
    System.out.printf("%-42s %10s %10s %10s%n", "", "median ms", "mean ms", "min ms");
    for (String name : List.of(FRAMEWORK_RUN, BARE_WRITE)) {
      printRow(name, timings.median(name), timings.mean(name), timings.min(name));
    }
    printRow(
        "overhead (framework - bare)",
        timings.median(FRAMEWORK_RUN) - timings.median(BARE_WRITE),
        timings.mean(FRAMEWORK_RUN) - timings.mean(BARE_WRITE),
        timings.min(FRAMEWORK_RUN) - timings.min(BARE_WRITE));
    System.out.printf(
        "%-42s %9.2fx %9.2fx %9.2fx%n",
        "ratio framework / bare",
        timings.median(FRAMEWORK_RUN) / timings.median(BARE_WRITE),
        timings.mean(FRAMEWORK_RUN) / timings.mean(BARE_WRITE),
        timings.min(FRAMEWORK_RUN) / timings.min(BARE_WRITE));
    System.out.printf("%nLifecycle parts, each timed on its own (ms per call):%n");
    for (String name : LIFECYCLE_PARTS) {
      printRow(name, timings.median(name), timings.mean(name), timings.min(name));
    }
  }

  /**
   * The Spark jobs of a framework run and of a bare write, each a mean over the measured runs (so
   * that the Delta checkpoints written every tenth commit count in their share), by step and call
   * site for the framework.
   */
  private static void printJobs(RunJobs jobs, List<String> runIds) {
    List<String> measured = runIds.subList(1, runIds.size()); // the first is the warm-up
    Map<String, Double> byStep = meanJobs(jobs.stepJobs(), measured);
    Map<String, Double> bySite = meanJobs(jobs.callSiteJobs(), measured);
    double framework = byStep.values().stream().mapToDouble(Double::doubleValue).sum();
    double bare =
        meanJobs(jobs.stepJobs(), List.of(BARE_RUN_ID)).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum()
            / measured.size();
    System.out.printf(
        "%nSpark jobs per run, mean of %d: a framework run %.1f, a bare write %.1f,"
            + " beyond the bare write %.1f%n",
        measured.size(), framework, bare, framework - bare);
    for (String step : RunJobs.STEPS) {
      System.out.printf("  %-12s %5.1f%n", step, byStep.getOrDefault(step, 0.0));
    }
    System.out.printf("By call site:%n");
    bySite.forEach((site, count) -> System.out.printf("  %5.1f  %s%n", count, site));
  }

  /** The mean number of jobs per run of {@code runIds}, by key. */
  private static Map<String, Double> meanJobs(
      Map<String, Map<String, Integer>> jobsByRun, List<String> runIds) {
    Map<String, Double> mean = new TreeMap<>();
    for (String runId : runIds) {
      jobsByRun
          .getOrDefault(runId, Map.of())
          .forEach((key, count) -> mean.merge(key, (double) count / runIds.size(), Double::sum));
    }
    return mean;
  }

  private static void printRow(String name, double median, double mean, double min) {
    System.out.printf("%-42s %10.1f %10.1f %10.1f%n", name, median, mean, min);
  }

  /** One framework run, one bare write, then each lifecycle part on its own. */
  private record Round(
      SparkSession spark,
      MedallaSettings settings,
      PipelineRunner runner,
      String inputPath,
      String barePath,
      List<String> runIds) {
    private static final NumbersByDay PIPELINE = new NumbersByDay();

    void run(Timings timings) {
      String frameworkPath = runner.warehouse().path(PIPELINE.spec().output());
      timings.time(FRAMEWORK_RUN, this::runPipeline);
      timings.time(BARE_WRITE, this::writeBare);
      timings.time(LIFECYCLE_PARTS.get(0), () -> DeltaTables.exists(spark, frameworkPath));
      timings.time(LIFECYCLE_PARTS.get(1), () -> DeltaTables.latestCommit(spark, frameworkPath));
      timings.time(
          LIFECYCLE_PARTS.get(2),
          () -> runner.ledger().end(probeRecord(), new RunMetrics(List.of(), 0)));
      timings.time(LIFECYCLE_PARTS.get(3), this::cacheAndCount);
    }

    private void runPipeline() {
      RunResult result = runner.run(PIPELINE, LOGICAL_DATE, Map.of("command", "benchmark"));
      runIds.add(result.record().runId());
      result
          .failure()
          .ifPresent(
              error -> {
                throw new IllegalStateException("The benchmark pipeline failed", error);
              });
    }

    /** The framework's output rows: the input, the date column and a run id column. */
    private Dataset<Row> sameRows() {
      return NumbersByDay.withDay(spark.read().format("delta").load(inputPath), LOGICAL_DATE)
          .withColumn("_run_id", lit(UUID.randomUUID().toString()));
    }

    private void writeBare() {
      spark.sparkContext().setJobGroup("medalla-" + BARE_RUN_ID, "bare Delta write", false);
      try {
        writeBareRows();
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    }

    private void writeBareRows() {
      sameRows()
          .write()
          .format("delta")
          .mode("overwrite")
          .partitionBy(NumbersByDay.DAY)
          .option("replaceWhere", String.format("%s = DATE'%s'", NumbersByDay.DAY, LOGICAL_DATE))
          .save(barePath);
    }

    private void cacheAndCount() {
      Dataset<Row> candidate = sameRows().persist(StorageLevel.MEMORY_AND_DISK());
      candidate.agg(count(lit(1))).first();
      candidate.unpersist();
    }

    private RunRecord probeRecord() {
      Instant now = Instant.now();
      return new RunRecord(
          "ledger-probe-" + UUID.randomUUID(),
          PIPELINE.name(),
          settings.environment(),
          LOGICAL_DATE,
          Map.of("command", "benchmark-ledger-probe"),
          RunStatus.SUCCEEDED,
          now,
          now,
          0,
          0,
          0,
          0,
          0,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          spark.sparkContext().sparkUser(),
          RunMode.DATES,
          List.of(LOGICAL_DATE),
          Map.of());
    }
  }

  /** The input's rows in the logical date's partition: nothing but the lifecycle costs time. */
  private static final class NumbersByDay extends GoldPipeline {
    static final String DAY = "day";
    private static final PipelineSpec SPEC =
        PipelineSpec.builder("gold_bench.numbers_by_day")
            .owner("benchmarks@medalla.dev")
            .description("The input's numbers in the logical date's partition.")
            .inputs(INPUT.catalogName())
            .partitionedBy(DAY)
            .build();

    static Dataset<Row> withDay(Dataset<Row> numbers, LocalDate date) {
      return numbers.withColumn(DAY, lit(Date.valueOf(date)));
    }

    @Override
    public PipelineSpec spec() {
      return SPEC;
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return withDay(context.read(INPUT), context.logicalDate());
    }
  }
}
