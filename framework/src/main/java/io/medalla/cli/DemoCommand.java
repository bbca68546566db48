package io.medalla.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.SampleDataGenerator;
import io.medalla.config.ConfigKeys;
import io.medalla.config.MedallaSettings;
import io.medalla.run.RunRecord;
import io.medalla.run.RunResult;
import io.medalla.run.RunStatus;
import io.medalla.table.DeltaTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code demo [--scale N] [--days N]}: sample data through every pipeline, with a summary. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates deterministic sample landing data and runs every pipeline for each of its",
      "dates, dependencies first, then prints a summary. Running it again changes no table."
    })
final class DemoCommand implements Callable<Integer> {
  @ParentCommand MedallaCli root;

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

    long records = 0;
    Path landing = Path.of(settings.landing());
    for (SampleDataGenerator generator : ServiceLoader.load(SampleDataGenerator.class)) {
      records +=
          generator.generate(
              landing,
              firstDate,
              effectiveDays,
              effectiveScale,
              settings.get(ConfigKeys.DEMO_SEED));
    }
    out.printf(
        "Generated %,d sample records for %d days from %s at scale %d into %s%n",
        records, effectiveDays, firstDate, effectiveScale, landing.toAbsolutePath());

    List<LocalDate> dates = new ArrayList<>();
    for (int day = 0; day < effectiveDays; day++) {
      dates.add(firstDate.plusDays(day));
    }
    List<Pipeline> pipelines = context.registry().inDependencyOrder();
    List<RunResult> results = RunCommand.runAll(context, pipelines, dates, "demo");
    printSummary(context, pipelines, results, Duration.ofNanos(System.nanoTime() - started));
    return RunCommand.exitStatus(results);
  }

  private static void printSummary(
      CliContext context, List<Pipeline> pipelines, List<RunResult> results, Duration wall) {
    PrintWriter out = context.environment().out();
    SparkSession spark = context.spark();
    out.println();
    out.printf(
        "%-34s %4s %10s %10s %11s %10s %7s %8s%n",
        "table",
        "runs",
        "produced",
        "published",
        "quarantined",
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
          "%-34s %4d %10d %10d %11d %10s %7s %8.1f%n",
          pipeline.name(),
          runs.size(),
          runs.stream().mapToLong(RunRecord::rowsProduced).sum(),
          runs.stream().mapToLong(RunRecord::rowsWritten).sum(),
          runs.stream().mapToLong(RunRecord::rowsQuarantined).sum(),
          exists ? String.valueOf(spark.read().format("delta").load(path).count()) : "-",
          exists
              ? String.valueOf(DeltaTables.latestCommit(spark, path).orElseThrow().version())
              : "-",
          runs.stream().mapToLong(record -> record.duration().toMillis()).sum() / 1000.0);
    }
    List<RunRecord> unreconciled =
        results.stream()
            .map(RunResult::record)
            .filter(record -> record.status() == RunStatus.SUCCEEDED)
            .filter(
                record -> record.rowsProduced() != record.rowsWritten() + record.rowsQuarantined())
            .toList();
    out.println(
        unreconciled.isEmpty()
            ? "Every row produced was published or quarantined (produced = published +"
                + " quarantined); quarantined rows and their reasons: <warehouse>/_quarantine/."
            : "Counts do not reconcile for runs "
                + unreconciled.stream().map(RunRecord::runId).toList()
                + " (merges count changed rows only).");
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
