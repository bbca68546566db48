package io.medalla.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.CountDistinct;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.metrics.Metric;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.medalla.internal.quality.QualityGate;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.quality.QualityVerdict;
import io.medalla.internal.quality.Thresholds;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.collection.JavaConverters;

/**
 * {@code quality}: the quality gate's cost per run. The same gold pipeline over an input of
 * purchases runs through {@link PipelineRunner} with a critical dataset's expectations (schema,
 * uniqueness, freshness, two completeness rules and an allowed-values rule, all {@code FAIL} and
 * all passing, so nothing is quarantined) and with none; both warm up once, then alternate, each
 * round starting with the other one. A Spark listener splits each run's time by lifecycle step and
 * by the call site of its Spark jobs. On the same rows cached as the runner caches its candidate,
 * it then times Deequ with every analyzer those checks need in one {@link AnalysisRunner} against
 * one per analyzer, and the gate's parts on their own: {@link QualityGate#evaluate}, the scan and
 * the grouping analyzers, and the two Delta appends of {@link QualityStore}.
 */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = "Cost of the quality gate per run, and what its single Deequ pass saves.")
final class QualityBenchmark implements Callable<Integer> {
  private static final LocalDate LOGICAL_DATE = LocalDate.of(2026, 11, 1);
  private static final TableId INPUT = TableId.parse("silver_bench.purchases");
  private static final String DAY = "day";
  private static final String TS_SECONDS = "ts_seconds";
  private static final String ID_HASH = "id_hash";
  private static final List<String> CATEGORIES =
      List.of("books", "games", "garden", "music", "toys");
  private static final double TARGET_RATIO = 1.25;
  private static final String OUTSIDE_JOBS = "outside Spark jobs (driver: planning, Delta log)";
  private static final String WALL = "PipelineRunner.run wall time";
  private static final String COLLECTION = "JVM garbage collection during the run (overlaps)";

  private static final String CHECKED_RUN = "PipelineRunner.run, 6 expectations";
  private static final String UNCHECKED_RUN = "PipelineRunner.run, no expectations";
  private static final String ONE_PASS = "one AnalysisRunner, all 6 analyzers";
  private static final String PASS_PER_ANALYZER = "one AnalysisRunner per analyzer (6 runs)";
  private static final String GATE_EVALUATE = "QualityGate.evaluate (one Deequ pass)";
  private static final String SCAN_ANALYZERS = "Deequ, 5 scan analyzers (no CountDistinct)";
  private static final String GROUPING_ANALYZER = "Deequ, CountDistinct(id) alone";
  private static final String HASHED_GROUPING_ANALYZER = "Deequ, CountDistinct(xxhash64(id)) alone";
  private static final String SPARK_DISTINCT = "Spark agg(count(id), count(distinct id))";
  private static final String RECORD_RESULTS = "QualityStore.recordResults (Delta append)";
  private static final String RECORD_METRICS = "QualityStore.recordMetrics (Delta append)";
  private static final List<String> GATE_PARTS =
      List.of(
          GATE_EVALUATE,
          SCAN_ANALYZERS,
          GROUPING_ANALYZER,
          HASHED_GROUPING_ANALYZER,
          SPARK_DISTINCT,
          RECORD_RESULTS,
          RECORD_METRICS);

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "Rows.")
  long rows;

  @Option(
      names = "--iterations",
      paramLabel = "K",
      defaultValue = "3",
      description = "Measured runs of each, after one warm-up.")
  int iterations;

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("medalla-bench-quality");
    try {
      MedallaSettings settings = Benchmarks.settings(directory);
      SparkSession spark = Benchmarks.spark(settings);
      PipelineRunner runner = new PipelineRunner(spark, settings);
      purchases(spark, rows).write().format("delta").save(runner.warehouse().path(INPUT));
      RunJobs steps = new RunJobs();
      spark.sparkContext().addSparkListener(steps);
      Warehouse scratch = new Warehouse(directory.resolve("scratch").toString());
      Round round = new Round(spark, settings, runner, scratch);
      round.run(new Timings(), new ArrayList<>(), true);
      Timings timings = new Timings();
      List<MeasuredRun> measuredRuns = new ArrayList<>();
      for (int iteration = 0; iteration < iterations; iteration++) {
        round.run(timings, measuredRuns, iteration % 2 == 1);
      }
      steps.awaitDelivery(spark);
      spark.sparkContext().removeSparkListener(steps);
      print(timings);
      printSteps(steps, measuredRuns);
      return 0;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  /**
   * {@code rows} purchases of the logical date: a unique string id, 100,000 users, an amount that
   * is null in one row of 997, a time within the day (UTC) and one of five categories.
   */
  private static Dataset<Row> purchases(SparkSession spark, long rows) {
    long dayStart = LOGICAL_DATE.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    return spark
        .range(rows)
        .select(
            concat(lit("purchase-"), col("id").cast("string")).as("id"),
            pmod(col("id").multiply(7919L), lit(100_000L)).as("user_id"),
            when(col("id").mod(997).equalTo(0), lit(null).cast("double"))
                .otherwise(pmod(col("id").multiply(31L), lit(10_000L)).divide(100.0))
                .as("amount"),
            timestamp_seconds(lit(dayStart).plus(pmod(col("id").multiply(7919L), lit(86_400L))))
                .as("ts"),
            element_at(
                    array(
                        CATEGORIES.stream().map(category -> lit(category)).toArray(Column[]::new)),
                    pmod(col("id"), lit(CATEGORIES.size())).plus(1).cast("int"))
                .as("category"));
  }

  private void print(Timings timings) {
    System.out.printf(
        "Quality gate overhead per run: %,d rows, %d iterations after one warm-up each,"
            + " alternating which runs first, local[*] on %d cores%n%n",
        rows, iterations, Runtime.getRuntime().availableProcessors());
    System.out.printf("%-46s %10s %10s %10s%n", "", "median ms", "mean ms", "min ms");
    timings.printRows(List.of(CHECKED_RUN, UNCHECKED_RUN));
    printDifference(timings, "gate overhead (checked - unchecked)", CHECKED_RUN, UNCHECKED_RUN);
    timings.printRatio("ratio checked / unchecked", CHECKED_RUN, UNCHECKED_RUN);
    double ratio = timings.median(CHECKED_RUN) / timings.median(UNCHECKED_RUN);
    System.out.printf(
        "median ratio %.2fx is %s the target of at most %.2fx%n",
        ratio, ratio <= TARGET_RATIO ? "within" : "above", TARGET_RATIO);

    System.out.printf(
        "%nDeequ on the cached candidate: Size, Completeness(user_id), Completeness(amount),"
            + " CountDistinct(id), Maximum(%s), Size where category not allowed%n",
        TS_SECONDS);
    timings.printRows(List.of(ONE_PASS, PASS_PER_ANALYZER));
    printDifference(timings, "saved by the single pass", PASS_PER_ANALYZER, ONE_PASS);
    timings.printRatio("ratio per analyzer / single pass", PASS_PER_ANALYZER, ONE_PASS);

    System.out.printf(
        "%nGate parts, each timed on its own on the cached candidate (ms per call):%n");
    timings.printRows(GATE_PARTS);
  }

  /**
   * Where the measured runs spent their time: Spark job wall time by the lifecycle step and by the
   * call site that started each job, and the rest of each run's wall time.
   */
  private static void printSteps(RunJobs steps, List<MeasuredRun> measuredRuns) {
    Map<String, Double> checkedSteps = meanMillis(steps.stepMillis(), measuredRuns, CHECKED_RUN);
    Map<String, Double> uncheckedSteps =
        meanMillis(steps.stepMillis(), measuredRuns, UNCHECKED_RUN);
    System.out.printf(
        "%nInside the measured runs: wall time of Spark jobs by the lifecycle step that ran them"
            + " (mean ms per run)%n");
    List<String> rows = new ArrayList<>(RunJobs.STEPS);
    rows.add(OUTSIDE_JOBS);
    rows.add(WALL);
    rows.add(COLLECTION);
    printComparison(rows, checkedSteps, uncheckedSteps);

    Map<String, Double> checkedSites =
        meanMillis(steps.callSiteMillis(), measuredRuns, CHECKED_RUN);
    Map<String, Double> uncheckedSites =
        meanMillis(steps.callSiteMillis(), measuredRuns, UNCHECKED_RUN);
    List<String> sites = new ArrayList<>(checkedSites.keySet());
    uncheckedSites.keySet().stream().filter(site -> !sites.contains(site)).forEach(sites::add);
    sites.removeAll(List.of(OUTSIDE_JOBS, WALL, COLLECTION));
    sites.sort(
        Comparator.comparingDouble(
            (String site) ->
                uncheckedSites.getOrDefault(site, 0.0) - checkedSites.getOrDefault(site, 0.0)));
    System.out.printf(
        "%nThe same Spark job time by the call site that started each job (mean ms per run)%n");
    printComparison(sites, checkedSites, uncheckedSites);
  }

  /**
   * Mean milliseconds per run of {@code measurement}'s runs, by key, plus the time outside Spark
   * jobs and the wall time.
   */
  private static Map<String, Double> meanMillis(
      Map<String, Map<String, Long>> millisByRun,
      List<MeasuredRun> measuredRuns,
      String measurement) {
    List<MeasuredRun> runs =
        measuredRuns.stream().filter(run -> run.measurement().equals(measurement)).toList();
    Map<String, Double> mean = new LinkedHashMap<>();
    for (MeasuredRun run : runs) {
      long inJobs = 0;
      for (Map.Entry<String, Long> entry :
          millisByRun.getOrDefault(run.runId(), Map.of()).entrySet()) {
        inJobs += entry.getValue();
        mean.merge(entry.getKey(), (double) entry.getValue() / runs.size(), Double::sum);
      }
      mean.merge(OUTSIDE_JOBS, (run.wallMillis() - inJobs) / runs.size(), Double::sum);
      mean.merge(WALL, run.wallMillis() / runs.size(), Double::sum);
      mean.merge(COLLECTION, (double) run.collectionMillis() / runs.size(), Double::sum);
    }
    return mean;
  }

  private static void printComparison(
      List<String> rows, Map<String, Double> checked, Map<String, Double> unchecked) {
    System.out.printf("%-72s %10s %10s %10s%n", "", "checked", "unchecked", "difference");
    for (String row : rows) {
      double checkedMillis = checked.getOrDefault(row, 0.0);
      double uncheckedMillis = unchecked.getOrDefault(row, 0.0);
      System.out.printf(
          "%-72s %10.1f %10.1f %10.1f%n",
          row, checkedMillis, uncheckedMillis, checkedMillis - uncheckedMillis);
    }
  }

  private static void printDifference(Timings timings, String label, String more, String less) {
    Timings.printRow(
        label,
        timings.median(more) - timings.median(less),
        timings.mean(more) - timings.mean(less),
        timings.min(more) - timings.min(less));
  }

  /**
   * One checked and one unchecked run, in the given order, then, on the checked pipeline's output
   * cached as the runner caches it, Deequ and the gate's parts. The parts' quality store writes to
   * {@code scratch}, so the runs' {@code _ops} tables get only the runs' commits and checkpoint as
   * often as they would without the benchmark.
   */
  private record Round(
      SparkSession spark, MedallaSettings settings, PipelineRunner runner, Warehouse scratch) {
    private static final Purchases CHECKED = new Purchases(Purchases.CHECKED_SPEC);
    private static final Purchases UNCHECKED = new Purchases(Purchases.UNCHECKED_SPEC);

    void run(Timings timings, List<MeasuredRun> measuredRuns, boolean uncheckedFirst) {
      if (uncheckedFirst) {
        timings.time(UNCHECKED_RUN, () -> measuredRuns.add(runPipeline(UNCHECKED_RUN, UNCHECKED)));
      }
      timings.time(CHECKED_RUN, () -> measuredRuns.add(runPipeline(CHECKED_RUN, CHECKED)));
      if (!uncheckedFirst) {
        timings.time(UNCHECKED_RUN, () -> measuredRuns.add(runPipeline(UNCHECKED_RUN, UNCHECKED)));
      }
      RunContext context =
          new BenchmarkContext(
              "quality-bench-" + UUID.randomUUID(),
              LOGICAL_DATE,
              settings.environment(),
              spark,
              runner.warehouse());
      Dataset<Row> candidate =
          CHECKED
              .transform(context)
              .withColumn("_run_id", lit(context.runId()))
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long candidateRows = candidate.agg(count(lit(1))).first().getLong(0);
        Dataset<Row> analyzed = candidate.withColumn(TS_SECONDS, unix_timestamp(col("ts")));
        List<Analyzer<?, Metric<?>>> scanAnalyzers = scanAnalyzers();
        Analyzer<?, Metric<?>> distinctIds = analyzer(new CountDistinct(seq(List.of("id"))));
        List<Analyzer<?, Metric<?>>> all = new ArrayList<>(scanAnalyzers);
        all.add(3, distinctIds);
        timings.time(ONE_PASS, () -> analyze(analyzed, all));
        timings.time(
            PASS_PER_ANALYZER, () -> all.forEach(analyzer -> analyze(analyzed, List.of(analyzer))));
        QualityGate gate =
            new QualityGate(new Thresholds(settings.get(ConfigKeys.QUALITY_THRESHOLDS)));
        QualityVerdict[] verdict = new QualityVerdict[1];
        timings.time(
            GATE_EVALUATE,
            () ->
                verdict[0] =
                    gate.evaluate(
                        CHECKED.spec(),
                        List.of(),
                        candidate,
                        candidateRows,
                        context,
                        metric -> List.of()));
        requireAllPassed(verdict[0].results());
        timings.time(SCAN_ANALYZERS, () -> analyze(analyzed, scanAnalyzers));
        timings.time(GROUPING_ANALYZER, () -> analyze(analyzed, List.of(distinctIds)));
        Dataset<Row> hashed = candidate.withColumn(ID_HASH, xxhash64(col("id")));
        Analyzer<?, Metric<?>> distinctHashes = analyzer(new CountDistinct(seq(List.of(ID_HASH))));
        timings.time(HASHED_GROUPING_ANALYZER, () -> analyze(hashed, List.of(distinctHashes)));
        timings.time(SPARK_DISTINCT, () -> requireDistinct(candidate));
        QualityStore store = new QualityStore(spark, scratch, CommitRetry.fromSettings(settings));
        TableId output = CHECKED.spec().output();
        timings.time(
            RECORD_RESULTS,
            () -> store.recordResults(context.runId(), output, LOGICAL_DATE, verdict[0].results()));
        timings.time(
            RECORD_METRICS,
            () -> store.recordMetrics(context.runId(), output, LOGICAL_DATE, verdict[0].metrics()));
      } finally {
        candidate.unpersist();
      }
    }

    private MeasuredRun runPipeline(String measurement, Purchases pipeline) {
      long collectedBefore = garbageCollectionMillis();
      long started = System.nanoTime();
      RunResult result = runner.run(pipeline, LOGICAL_DATE, Map.of("command", "benchmark"));
      double wallMillis = (System.nanoTime() - started) / 1e6;
      long collectionMillis = garbageCollectionMillis() - collectedBefore;
      result
          .failure()
          .ifPresent(
              error -> {
                throw new IllegalStateException("The benchmark pipeline failed", error);
              });
      if (result.record().rowsQuarantined() != 0) {
        throw new IllegalStateException(
            "The benchmark pipeline quarantined " + result.record().rowsQuarantined() + " rows");
      }
      return new MeasuredRun(measurement, result.record().runId(), wallMillis, collectionMillis);
    }

    /**
     * Time the JVM's collectors have spent so far, pauses and concurrent work as they report it.
     */
    private static long garbageCollectionMillis() {
      return ManagementFactory.getGarbageCollectorMXBeans().stream()
          .mapToLong(GarbageCollectorMXBean::getCollectionTime)
          .filter(millis -> millis > 0)
          .sum();
    }

    private static List<Analyzer<?, Metric<?>>> scanAnalyzers() {
      String allowed =
          CATEGORIES.stream()
              .map(category -> "'" + category + "'")
              .collect(Collectors.joining(", "));
      return List.of(
          analyzer(new Size(scala.Option.empty())),
          analyzer(new Completeness("user_id", scala.Option.empty(), scala.Option.empty())),
          analyzer(new Completeness("amount", scala.Option.empty(), scala.Option.empty())),
          analyzer(new Maximum(TS_SECONDS, scala.Option.empty(), scala.Option.empty())),
          analyzer(
              new Size(
                  scala.Option.apply("NOT (category IS NULL OR category IN (" + allowed + "))"))));
    }

    /** Runs one Deequ analysis of {@code analyzers}; throws if a metric could not be computed. */
    private static void analyze(Dataset<Row> data, List<Analyzer<?, Metric<?>>> analyzers) {
      AnalyzerContext context = AnalysisRunner.onData(data).addAnalyzers(seq(analyzers)).run();
      for (Analyzer<?, Metric<?>> analyzer : analyzers) {
        scala.Option<Metric<?>> metric = context.metric(analyzer);
        if (metric.isEmpty() || metric.get().value().isFailure()) {
          throw new IllegalStateException("Deequ did not compute " + analyzer);
        }
      }
    }

    private static void requireDistinct(Dataset<Row> candidate) {
      Row counts = candidate.agg(count(col("id")), countDistinct(col("id"))).first();
      if (counts.getLong(0) != counts.getLong(1)) {
        throw new IllegalStateException("The benchmark input has duplicate ids");
      }
    }

    private static void requireAllPassed(List<CheckResult> results) {
      for (CheckResult result : results) {
        if (result.status() != CheckStatus.PASSED) {
          throw new IllegalStateException("Expectation failed in the benchmark: " + result);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static Analyzer<?, Metric<?>> analyzer(Analyzer<?, ?> analyzer) {
      return (Analyzer<?, Metric<?>>) analyzer;
    }

    private static <T> scala.collection.Seq<T> seq(List<T> values) {
      return JavaConverters.asScalaBuffer(values).toSeq();
    }
  }

  /** One pipeline run of a measured round. */
  private record MeasuredRun(
      String measurement, String runId, double wallMillis, long collectionMillis) {}

  /** The run context of the gate when it is called outside {@link PipelineRunner}. */
  private record BenchmarkContext(
      String runId,
      LocalDate logicalDate,
      String environment,
      SparkSession spark,
      Warehouse warehouse)
      implements RunContext {
    @Override
    public SortedSet<LocalDate> dates() {
      return new TreeSet<>(List.of(logicalDate));
    }

    @Override
    public Dataset<Row> read(TableId input) {
      return spark.read().format("delta").load(warehouse.path(input));
    }
  }

  /**
   * The input's purchases in the logical date's partition. The checked spec declares a critical
   * dataset's expectations, all of which the input passes; the unchecked spec declares none.
   */
  private static final class Purchases extends GoldPipeline {
    static final PipelineSpec CHECKED_SPEC =
        PipelineSpec.builder("gold_bench.purchases_checked")
            .owner("benchmarks@medalla.dev")
            .description("The input's purchases in the logical date's partition, checked.")
            .inputs(INPUT.catalogName())
            .partitionedBy(DAY)
            .critical()
            .expect(expectations().toArray(Expectation[]::new))
            .build();
    static final PipelineSpec UNCHECKED_SPEC =
        PipelineSpec.builder("gold_bench.purchases_unchecked")
            .owner("benchmarks@medalla.dev")
            .description("The input's purchases in the logical date's partition, unchecked.")
            .inputs(INPUT.catalogName())
            .partitionedBy(DAY)
            .build();

    private final PipelineSpec spec;

    Purchases(PipelineSpec spec) {
      this.spec = spec;
    }

    private static List<Expectation> expectations() {
      return List.of(
          Expect.schema(
                  "id STRING NOT NULL, user_id BIGINT NOT NULL, amount DOUBLE,"
                      + " ts TIMESTAMP NOT NULL, category STRING NOT NULL, day DATE NOT NULL")
              .fail(),
          Expect.unique("id").fail(),
          Expect.fresh("ts", Duration.ofHours(6)).fail(),
          Expect.complete("user_id").fail(),
          new Rule.Complete(List.of("amount"), 0.99).fail(),
          Expect.values("category", CATEGORIES.toArray(String[]::new)).fail());
    }

    @Override
    public PipelineSpec spec() {
      return spec;
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context.read(INPUT).withColumn(DAY, lit(Date.valueOf(context.logicalDate())));
    }
  }
}
