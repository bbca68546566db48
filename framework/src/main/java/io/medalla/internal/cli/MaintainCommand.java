package io.medalla.internal.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.run.Backfill;
import io.medalla.internal.run.RunLedger;
import io.medalla.internal.run.WritePolicy;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.TableMaintenance;
import io.medalla.internal.table.Warehouse;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code maintain <pipeline>... | --all [--ops] [--json]}: compacts and clusters the pipelines'
 * tables and quarantines (and the framework's own tables), then vacuums them with {@code
 * medalla.maintenance.vacuum-retention}.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Compacts the tables of the given pipelines (keyed tables Z-ordered by key, so merges skip",
      "the files without changed keys) and their quarantines, then deletes files older than",
      "medalla.maintenance.vacuum-retention (default 168h; --set it) that no kept version",
      "references. --ops does the same for the run ledger,",
      "quality results and metrics, and backfills. Safe to run beside pipelines: a commit conflict",
      "fails only that table (exit 1, retry)."
    })
final class MaintainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainCommand.class);
  private static final List<String> OPS_TABLES =
      List.of(
          RunLedger.TABLE_NAME,
          QualityStore.RESULTS_TABLE,
          QualityStore.METRICS_TABLE,
          Backfill.TABLE_NAME);

  @ParentCommand MedallaCommand root;

  @Parameters(paramLabel = "PIPELINE", arity = "0..*", description = "Pipelines, by output name.")
  List<String> names = new ArrayList<>();

  @Option(names = "--all", description = "Every registered pipeline.")
  boolean all;

  @Option(names = "--ops", description = "Also the framework's own tables (ledger, quality, ...).")
  boolean ops;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  /** A table to maintain: its name, path and the columns to Z-order by. */
  private record Target(String name, String path, List<String> zOrderColumns) {}

  @Override
  public Integer call() {
    if (all && !names.isEmpty() || !all && names.isEmpty() && !ops) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid arguments for maintain: name one or more pipelines, or give --all, or --ops");
    }
    CliContext context = root.context();
    SparkSession spark = context.spark();
    List<Target> targets = targets(context);
    WritePolicy policy = new WritePolicy(context.settings());
    String principal = spark.sparkContext().sparkUser();
    targets.forEach(target -> policy.checkWrite(target.name(), principal));
    String commandId = "maintain-" + java.time.Instant.now();
    TableMaintenance maintenance =
        new TableMaintenance(spark, context.settings().get(ConfigKeys.VACUUM_RETENTION));
    List<Map<String, Object>> results = new ArrayList<>();
    int status = 0;
    for (Target target : targets) {
      if (!DeltaTables.exists(spark, target.path())) {
        continue;
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("table", target.name());
      try {
        TableMaintenance.Result done =
            maintenance.maintain(target.name(), target.path(), target.zOrderColumns());
        result.put("status", "MAINTAINED");
        result.put("files_before", done.filesBefore());
        result.put("files_after", done.filesAfter());
        result.put("bytes_before", done.bytesBefore());
        result.put("bytes_after", done.bytesAfter());
        result.put("files_vacuumed", done.filesVacuumed());
        result.put("duration_ms", done.millis());
        context.audit(
            new AuditLog.Entry(
                AuditLog.Action.MAINTENANCE,
                Optional.of(target.name()),
                DeltaTables.latestCommit(spark, target.path()).map(DeltaCommit::version),
                commandId,
                principal,
                context.runner().access().role(),
                Map.of(
                    "files_before", String.valueOf(done.filesBefore()),
                    "files_after", String.valueOf(done.filesAfter()),
                    "files_vacuumed", String.valueOf(done.filesVacuumed()))));
      } catch (MedallaException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.error("Cannot maintain {}: {}", target.name(), e.getMessage(), e);
        result.put("status", "FAILED");
        result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        status = 1;
      }
      results.add(result);
    }
    print(context.environment().out(), results);
    return status;
  }

  private List<Target> targets(CliContext context) {
    Warehouse warehouse = context.warehouse();
    List<Pipeline> pipelines =
        all
            ? context.registry().inDependencyOrder()
            : names.stream().map(name -> context.registry().get(name)).toList();
    List<Target> targets = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      PipelineSpec spec = pipeline.spec();
      List<String> keys =
          spec.keys().stream()
              .filter(key -> spec.partitionColumn().map(column -> !column.equals(key)).orElse(true))
              .toList();
      targets.add(new Target(spec.output().toString(), warehouse.path(spec.output()), keys));
      targets.add(
          new Target(
              Warehouse.QUARANTINE_FOLDER + "/" + spec.output(),
              warehouse.quarantinePath(spec.output()),
              List.of()));
    }
    if (ops) {
      for (String table : OPS_TABLES) {
        targets.add(
            new Target(Warehouse.OPS_FOLDER + "/" + table, warehouse.opsPath(table), List.of()));
      }
    }
    return targets;
  }

  private void print(PrintWriter out, List<Map<String, Object>> results) {
    if (json) {
      Json.print(out, Map.of("tables", results));
      return;
    }
    out.printf(
        "%-52s %-10s %15s %19s %9s %8s%n", "table", "status", "files", "MB", "vacuumed", "seconds");
    for (Map<String, Object> result : results) {
      if (result.get("status").equals("FAILED")) {
        out.printf("%-52s %-10s %s%n", result.get("table"), "FAILED", result.get("error"));
        continue;
      }
      out.printf(
          "%-52s %-10s %6d -> %-6d %8.1f -> %-8.1f %9d %8.1f%n",
          result.get("table"),
          result.get("status"),
          (Long) result.get("files_before"),
          (Long) result.get("files_after"),
          (Long) result.get("bytes_before") / 1e6,
          (Long) result.get("bytes_after") / 1e6,
          (Long) result.get("files_vacuumed"),
          (Long) result.get("duration_ms") / 1000.0);
    }
  }
}
