package io.medalla.bench;

import io.medalla.api.Pipeline;
import io.medalla.api.RunResult;
import io.medalla.api.StepMetrics;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.health.Objectives;
import io.medalla.internal.run.PipelineRegistry;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.testkit.TestWarehouse;
import io.openlineage.spark.agent.OpenLineageSparkListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code observability}: what lineage and run metrics add to a run, and how many lineage events a
 * run sends next to OpenLineage's Spark listener. After a demo, the last demo date of four
 * pipelines (a deduplicating partition overwrite, a SCD2 merge, two gold aggregates) is run again
 * and again, alternately with lineage off and with the file transport on; run metrics are part of
 * every run's ledger row, so both arms measure them, and their steps are reported. Then one run of
 * each goes with OpenLineage's Spark listener attached, and the events of both are counted.
 */
@Command(
    name = "observability",
    mixinStandardHelpOptions = true,
    description = "Run time with lineage on vs off, and lineage events per run vs the Spark agent.")
final class ObservabilityBenchmark implements Callable<Integer> {
  private static final List<String> PIPELINES =
      List.of(
          "silver_product.events",
          "silver_commerce.customers",
          "gold_product.daily_active_users",
          "gold_commerce.daily_revenue");
  private static final String OFF = "lineage off";
  private static final String ON = "lineage on (file)";
  private static final String OUTSIDE_STEPS = "outside the steps (start, end, events)";

  @Option(names = "--scale", paramLabel = "N", defaultValue = "3", description = "Demo scale.")
  int scale;

  @Option(names = "--days", paramLabel = "D", defaultValue = "3", description = "Demo days.")
  int days;

  @Option(
      names = "--iterations",
      paramLabel = "K",
      defaultValue = "6",
      description = "Measured rounds of each arm, after one warm-up round.")
  int iterations;

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("medalla-bench-observability");
    Path agentEvents = directory.resolve("openlineage-spark.jsonl");
    try {
      Path workingDirectory = directory.resolve("demo");
      SparkSession spark = Benchmarks.spark(Benchmarks.settings(directory));
      DemoBenchmark.runDemo(spark, workingDirectory, scale, days);
      Path warehouse = workingDirectory.resolve("warehouse");
      Path medallaEvents = directory.resolve("medalla-lineage.jsonl");
      PipelineRunner off = runner(spark, warehouse, Map.of());
      PipelineRunner on =
          runner(
              spark,
              warehouse,
              Map.of(
                  ConfigKeys.LINEAGE_TRANSPORT.path(),
                  "file",
                  ConfigKeys.LINEAGE_FILE.path(),
                  medallaEvents.toString()));
      PipelineRegistry registry = PipelineRegistry.discover();
      List<Pipeline> pipelines = PIPELINES.stream().map(registry::get).toList();
      LocalDate date =
          Benchmarks.settings(directory).get(ConfigKeys.DEMO_START_DATE).plusDays(days - 1);
      Timings timings = new Timings();
      round(new Timings(), off, on, pipelines, date, false);
      for (int iteration = 0; iteration < iterations; iteration++) {
        round(timings, off, on, pipelines, date, iteration % 2 == 1);
      }
      printTimings(timings, pipelines);

      long medallaBefore = lines(medallaEvents);
      OpenLineageSparkListener agent =
          new OpenLineageSparkListener(
              spark
                  .sparkContext()
                  .getConf()
                  .clone()
                  .set("spark.openlineage.transport.type", "file")
                  .set("spark.openlineage.transport.location", agentEvents.toString())
                  .set("spark.openlineage.namespace", "bench"));
      spark.sparkContext().addSparkListener(agent);
      for (Pipeline pipeline : pipelines) {
        on.run(pipeline, date, Map.of("command", "benchmark"));
      }
      RunJobs delivery = new RunJobs();
      spark.sparkContext().addSparkListener(delivery);
      delivery.awaitDelivery(spark);
      spark.sparkContext().removeSparkListener(delivery);
      spark.sparkContext().removeSparkListener(agent);
      System.out.printf(
          "%nLineage events for one run of each of the %d pipelines: Medalla %d (%.1f per run),"
              + " OpenLineage's Spark listener %d (%.1f per run)%n",
          pipelines.size(),
          lines(medallaEvents) - medallaBefore,
          (lines(medallaEvents) - medallaBefore) / (double) pipelines.size(),
          lines(agentEvents),
          lines(agentEvents) / (double) pipelines.size());

      long started = System.nanoTime();
      int objectives =
          Objectives.evaluate(
                  registry.all(), off.ledger().endedRuns(), Instant.now(), Duration.ofDays(28))
              .size();
      System.out.printf(
          "SLO bookkeeping: none on the run path; `slo` evaluating %d objectives over the"
              + " ledger's %d runs took %.0f ms%n",
          objectives, off.ledger().endedRuns().size(), (System.nanoTime() - started) / 1e6);
      return 0;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  private static PipelineRunner runner(
      SparkSession spark, Path warehouse, Map<String, String> settings) {
    return new PipelineRunner(
        spark, TestWarehouse.settings(warehouse.getParent(), settings, Map.of()));
  }

  /** Each pipeline once per arm, the arms in alternating order. */
  private static void round(
      Timings timings,
      PipelineRunner off,
      PipelineRunner on,
      List<Pipeline> pipelines,
      LocalDate date,
      boolean onFirst) {
    for (PipelineRunner runner : onFirst ? List.of(on, off) : List.of(off, on)) {
      String arm = runner == on ? ON : OFF;
      for (Pipeline pipeline : pipelines) {
        long started = System.nanoTime();
        RunResult result = runner.run(pipeline, date, Map.of("command", "benchmark"));
        double wall = (System.nanoTime() - started) / 1e6;
        timings.add(arm + " " + pipeline.name(), wall);
        for (StepMetrics step : result.metrics().steps()) {
          double stepMillis = step.wallTime().toNanos() / 1e6;
          timings.add(arm + " step " + step.step(), stepMillis);
          wall -= stepMillis;
        }
        timings.add(arm + " " + OUTSIDE_STEPS, wall);
      }
    }
  }

  private static void printTimings(Timings timings, List<Pipeline> pipelines) {
    System.out.printf(
        "Observability overhead: %d pipelines re-run for the last demo date, local[*] on %d"
            + " cores%n%n%-40s %12s %18s %8s%n",
        pipelines.size(),
        Runtime.getRuntime().availableProcessors(),
        "median ms",
        OFF,
        ON,
        "ratio");
    double offTotal = 0;
    double onTotal = 0;
    for (Pipeline pipeline : pipelines) {
      double offMedian = timings.median(OFF + " " + pipeline.name());
      double onMedian = timings.median(ON + " " + pipeline.name());
      offTotal += offMedian;
      onTotal += onMedian;
      System.out.printf(
          "%-40s %12.1f %12.1f %7.3fx%n",
          pipeline.name(), offMedian, onMedian, onMedian / offMedian);
    }
    System.out.printf(
        "%-40s %12.1f %18.1f %7.3fx%n", "all four", offTotal, onTotal, onTotal / offTotal);
    System.out.printf("%nMedian step wall time over all four pipelines' runs (ms):%n");
    for (String step : RunJobs.STEPS) {
      if (timings.has(OFF + " step " + step) && timings.has(ON + " step " + step)) {
        System.out.printf(
            "%-40s %12.1f %18.1f%n",
            step, timings.median(OFF + " step " + step), timings.median(ON + " step " + step));
      }
    }
    System.out.printf(
        "%-40s %12.1f %18.1f%n",
        OUTSIDE_STEPS,
        timings.median(OFF + " " + OUTSIDE_STEPS),
        timings.median(ON + " " + OUTSIDE_STEPS));
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var lines = Files.lines(file)) {
      return lines.filter(line -> !line.isBlank()).count();
    }
  }
}
