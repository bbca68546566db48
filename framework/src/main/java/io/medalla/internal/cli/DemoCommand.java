package io.medalla.internal.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.Layer;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SampleDataGenerator;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.table.DeltaTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code demo [--scale N] [--days N]}: sample data through every pipeline, with a summary. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates deterministic sample data (landing files; a PostgreSQL database started",
      "for the demo when no connection is configured), ingests it day by day, runs every",
      "other pipeline for each date, dependencies first, and prints a summary. Running it",
      "again changes no table's contents."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int SAMPLE_ROWS = 4;

  @ParentCommand MedallaCommand root;

  @Option(names = "--scale", paramLabel = "N", description = "Data scale (default: 1).")
  Integer scale;

  @Option(names = "--days", paramLabel = "N", description = "Days of data (default: 7).")
  Integer days;

  @Override
  public Integer call() throws IOException {
    CliContext context = root.context();
    MedallaSettings settings = context.settings();
    PrintWriter out = context.environment().out();
    int effectiveScale = scale != null ? scale : settings.get(ConfigKeys.DEMO_SCALE);
    int effectiveDays = days != null ? days : settings.get(ConfigKeys.DEMO_DAYS);
    LocalDate firstDate = settings.get(ConfigKeys.DEMO_START_DATE);
    long started = System.nanoTime();

    Set<String> configuredConnections = new TreeSet<>();
    settings
        .get(ConfigKeys.CONNECTIONS)
        .keySet()
        .forEach(key -> configuredConnections.add(key.substring(0, key.indexOf('.'))));
    SampleDataGenerator.Request request =
        new SampleDataGenerator.Request(
            Path.of(settings.landing()),
            firstDate,
            effectiveDays,
            effectiveScale,
            settings.get(ConfigKeys.DEMO_SEED),
            configuredConnections);
    List<SampleDataGenerator> generators = new ArrayList<>();
    Map<String, String> generatedSettings = new LinkedHashMap<>();
    long records = 0;
    for (SampleDataGenerator generator : ServiceLoader.load(SampleDataGenerator.class)) {
      SampleDataGenerator.Generated generated = generator.generate(request);
      generators.add(generator);
      records += generated.records();
      generatedSettings.putAll(generated.settings());
    }
    context.addSettings(generatedSettings);
    out.printf(
        "Generated %,d sample records for %d days from %s at scale %d into %s%n",
        records, effectiveDays, firstDate, effectiveScale, request.landingRoot().toAbsolutePath());

    List<Pipeline> pipelines = context.registry().inDependencyOrder();
    List<Pipeline> bronze = pipelines.stream().filter(p -> p.layer() == Layer.BRONZE).toList();
    List<Pipeline> downstream = pipelines.stream().filter(p -> p.layer() != Layer.BRONZE).toList();
    List<RunResult> results = new ArrayList<>();
    // Sources change day by day: ingest each date after its databases reached that day's state.
    for (int day = 0; day < effectiveDays && RunCommand.exitStatus(results) == 0; day++) {
      LocalDate date = firstDate.plusDays(day);
      generators.forEach(generator -> generator.advanceTo(date));
      results.addAll(RunCommand.runAll(context, bronze, List.of(date), "demo"));
    }
    if (RunCommand.exitStatus(results) == 0) {
      List<LocalDate> dates = new ArrayList<>();
      for (int day = 0; day < effectiveDays; day++) {
        dates.add(firstDate.plusDays(day));
      }
      results.addAll(RunCommand.runAll(context, downstream, dates, "demo"));
    }
    printSummary(context, pipelines, results, Duration.ofNanos(System.nanoTime() - started));
    printDataProducts(context, pipelines, firstDate.plusDays(effectiveDays - 1L));
    return RunCommand.exitStatus(results);
  }

  /** A few rows of every gold table: its partition of the demo's last date, ordered by its keys. */
  private static void printDataProducts(
      CliContext context, List<Pipeline> pipelines, LocalDate lastDate) {
    PrintWriter out = context.environment().out();
    SparkSession spark = context.spark();
    out.printf("%nData products (gold) on %s:%n", lastDate);
    for (Pipeline pipeline : pipelines) {
      PipelineSpec spec = pipeline.spec();
      String path = context.warehouse().path(spec.output());
      if (spec.output().layer() != Layer.GOLD || !DeltaTables.exists(spark, path)) {
        continue;
      }
      Dataset<Row> table = spark.read().format("delta").load(path);
      String heading = pipeline.name();
      if (spec.partitionColumn().isPresent()) {
        String partition = spec.partitionColumn().get();
        table = table.where(col(partition).equalTo(lit(Date.valueOf(lastDate))));
        heading += " (" + partition + " = " + lastDate + ")";
      }
      List<String> columns =
          Arrays.stream(table.columns()).filter(column -> !column.startsWith("_")).toList();
      List<Column> order =
          (spec.keys().isEmpty() ? columns : spec.keys()).stream().map(functions::col).toList();
      out.println(heading);
      out.println("  " + String.join(" | ", columns));
      for (Row row :
          table
              .select(columns.stream().map(functions::col).toArray(Column[]::new))
              .orderBy(order.toArray(Column[]::new))
              .limit(SAMPLE_ROWS)
              .collectAsList()) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          values.add(String.valueOf(row.get(i)));
        }
        out.println("  " + String.join(" | ", values));
      }
    }
  }

  private static void printSummary(
      CliContext context, List<Pipeline> pipelines, List<RunResult> results, Duration wall) {
    PrintWriter out = context.environment().out();
    SparkSession spark = context.spark();
    out.println();
    out.printf(
        "%-40s %4s %10s %10s %11s %10s %10s %7s %8s%n",
        "table",
        "runs",
        "produced",
        "published",
        "quarantined",
        "duplicates",
        "table rows",
        "version",
        "seconds");
    for (Pipeline pipeline : pipelines) {
      List<RunRecord> runs =
          results.stream()
              .map(RunResult::record)
              .filter(record -> record.pipeline().equals(pipeline.name()))
              .toList();
      String path = context.warehouse().path(pipeline.spec().output());
      boolean exists = DeltaTables.exists(spark, path);
      out.printf(
          "%-40s %4d %10d %10d %11d %10d %10s %7s %8.1f%n",
          pipeline.name(),
          runs.size(),
          runs.stream().mapToLong(RunRecord::rowsProduced).sum(),
          runs.stream().mapToLong(RunRecord::rowsWritten).sum(),
          runs.stream().mapToLong(RunRecord::rowsQuarantined).sum(),
          runs.stream().mapToLong(RunRecord::rowsDeduplicated).sum(),
          exists ? String.valueOf(spark.read().format("delta").load(path).count()) : "-",
          exists
              ? String.valueOf(DeltaTables.latestCommit(spark, path).orElseThrow().version())
              : "-",
          runs.stream().mapToLong(record -> record.duration().toMillis()).sum() / 1000.0);
    }
    Set<String> merged = new TreeSet<>();
    for (Pipeline pipeline : pipelines) {
      if (pipeline.spec().writeMode().name().contains("MERGE")) {
        merged.add(pipeline.name());
      }
    }
    List<RunRecord> unreconciled =
        results.stream()
            .map(RunResult::record)
            .filter(record -> record.status() == RunStatus.SUCCEEDED)
            .filter(record -> !merged.contains(record.pipeline()))
            .filter(
                record ->
                    record.rowsProduced()
                        != record.rowsWritten()
                            + record.rowsQuarantined()
                            + record.rowsDeduplicated())
            .toList();
    out.println(
        unreconciled.isEmpty()
            ? "Every row produced was published, quarantined or dropped as a duplicate (produced ="
                + " published + quarantined + duplicates; merged tables count the rows they"
                + " changed)."
            : "Counts do not reconcile for runs "
                + unreconciled.stream().map(RunRecord::runId).toList());
    long failed = results.stream().filter(result -> result.exitStatus() != 0).count();
    out.printf(
        "%n%d runs, %d failed, in %.1f s. Warehouse: %s; run ledger: %s%n",
        results.size(),
        failed,
        wall.toMillis() / 1000.0,
        context.warehouse().root(),
        context.runner().ledger().path());
  }
}
