package io.medalla.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.medalla.internal.cli.CliEnvironment;
import io.medalla.internal.cli.MedallaCommand;
import io.medalla.internal.run.RunLedger;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the CLI's {@code demo} command at several scales, each into a fresh warehouse in
 * this process, after an unreported warm-up demo. Rows and run time per stage come from the run
 * ledger.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Wall time and rows per second of each stage of `demo` at several scales.")
final class DemoBenchmark implements Callable<Integer> {
  /** Two days, so that the warm-up also appends to and overwrites existing tables. */
  private static final int WARM_UP_DAYS = 2;

  @Option(
      names = "--scales",
      paramLabel = "N,N",
      split = ",",
      defaultValue = "1,10",
      description = "Scales to run, compared with the first.")
  List<Integer> scales;

  @Option(names = "--days", paramLabel = "D", defaultValue = "7", description = "Days of data.")
  int days;

  /** One pipeline's runs of a demo, summed from the ledger. */
  private record Stage(
      String pipeline, long runs, long rowsRead, long rowsWritten, long durationMillis) {
    double rowsWrittenPerSecond() {
      return rowsWritten * 1000.0 / durationMillis;
    }

    double rowsReadPerSecond() {
      return rowsRead * 1000.0 / durationMillis;
    }
  }

  /** One demo's wall time and stages. */
  record DemoRun(int scale, double wallSeconds, List<Stage> stages) {
    long rowsWritten() {
      return stages.stream().mapToLong(Stage::rowsWritten).sum();
    }

    double runSeconds() {
      return stages.stream().mapToLong(Stage::durationMillis).sum() / 1000.0;
    }
  }

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("medalla-bench-demo");
    try {
      SparkSession spark = Benchmarks.spark(Benchmarks.settings(directory));
      runDemo(spark, directory.resolve("warm-up"), 1, WARM_UP_DAYS);
      System.out.printf(
          "demo for %d days at scales %s, one warm-up demo (scale 1, %d days) before,"
              + " local[*] on %d cores%n",
          days, scales, WARM_UP_DAYS, Runtime.getRuntime().availableProcessors());
      List<DemoRun> demoRuns = new ArrayList<>();
      for (int scale : scales) {
        DemoRun demoRun = runDemo(spark, directory.resolve("scale-" + scale), scale, days);
        print(demoRun);
        demoRuns.add(demoRun);
      }
      printRatios(demoRuns);
      return 0;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  static DemoRun runDemo(SparkSession spark, Path workingDirectory, int scale, int days)
      throws IOException {
    Files.createDirectories(workingDirectory);
    Path warehouse = workingDirectory.resolve("warehouse");
    String[] arguments = {
      "demo",
      "--scale",
      String.valueOf(scale),
      "--days",
      String.valueOf(days),
      "--warehouse",
      warehouse.toString(),
      "--set",
      "medalla.log.level=warn"
    };
    StringWriter errors = new StringWriter();
    CliEnvironment environment =
        new CliEnvironment(
            Map.of(),
            workingDirectory,
            new PrintWriter(Writer.nullWriter()),
            new PrintWriter(errors, true),
            Optional.of(spark));
    long started = System.nanoTime();
    int status = MedallaCommand.execute(arguments, environment);
    double wallSeconds = (System.nanoTime() - started) / 1e9;
    if (status != 0) {
      throw new IllegalStateException(
          String.format("demo at scale %d exited with status %d: %s", scale, status, errors));
    }
    return new DemoRun(scale, wallSeconds, stages(spark, warehouse));
  }

  private static List<Stage> stages(SparkSession spark, Path warehouse) {
    return spark
        .read()
        .format("delta")
        .load(new Warehouse(warehouse.toString()).opsPath(RunLedger.TABLE_NAME))
        .where(col("status").notEqual("RUNNING")) // each run's end row
        .groupBy("pipeline")
        .agg(
            min("started_at").as("first_started_at"),
            count(lit(1)),
            sum("rows_read"),
            sum("rows_written"),
            sum("duration_ms"))
        .orderBy(col("first_started_at"))
        .collectAsList()
        .stream()
        .map(
            row ->
                new Stage(
                    row.getString(0),
                    row.getLong(2),
                    row.getLong(3),
                    row.getLong(4),
                    row.getLong(5)))
        .toList();
  }

  private static void print(DemoRun demoRun) {
    System.out.printf(
        "%nscale %d: wall %.1f s, of which pipeline runs %.1f s%n",
        demoRun.scale(), demoRun.wallSeconds(), demoRun.runSeconds());
    System.out.printf(
        "%-34s %5s %12s %13s %9s %13s %16s%n",
        "pipeline", "runs", "rows read", "rows written", "run s", "read rows/s", "written rows/s");
    for (Stage stage : demoRun.stages()) {
      System.out.printf(
          "%-34s %5d %,12d %,13d %9.1f %,13.0f %,16.0f%n",
          stage.pipeline(),
          stage.runs(),
          stage.rowsRead(),
          stage.rowsWritten(),
          stage.durationMillis() / 1000.0,
          stage.rowsReadPerSecond(),
          stage.rowsWrittenPerSecond());
    }
  }

  private static void printRatios(List<DemoRun> demoRuns) {
    DemoRun first = demoRuns.get(0);
    for (DemoRun demoRun : demoRuns.subList(1, demoRuns.size())) {
      System.out.printf(
          "%nscale %d / scale %d: wall time %.2fx, pipeline run time %.2fx, rows written %.2fx%n",
          demoRun.scale(),
          first.scale(),
          demoRun.wallSeconds() / first.wallSeconds(),
          demoRun.runSeconds() / first.runSeconds(),
          (double) demoRun.rowsWritten() / first.rowsWritten());
    }
  }
}
