package io.medalla.internal.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.config.Sha256;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.governance.Erasure;
import io.medalla.internal.governance.TableAnnotations;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.run.WritePolicy;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.TableMaintenance;
import io.medalla.internal.table.TableMetadata;
import io.medalla.internal.table.Warehouse;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code erase --subject TAG=VALUE [--dry-run] [--vacuum-retention SPAN] [--json]}: the right to
 * erasure. Finds every table holding the subject through its classification tags (each pipeline's
 * output, bronze's raw records and the quarantine included), deletes the subject's rows, rebuilds
 * the downstream tables computed from them (full refresh), and with {@code --vacuum-retention}
 * purges the files that still hold the rows. Each table erased is audited with a digest of the
 * subject, never its value. Idempotent: a second erasure finds nothing.
 */
@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    description = "Erase a data subject from every table that holds it (right to erasure).")
final class EraseCommand implements Callable<Integer> {
  private static final Set<String> RAW_RECORD = Set.of("_corrupt_record");
  private static final Set<String> QUARANTINED_RECORDS = Set.of(QualityStore.RECORD_COLUMNS);

  @ParentCommand MedallaCommand root;

  @Option(
      names = "--subject",
      required = true,
      paramLabel = "TAG=VALUE",
      description = "The subject, by classification tag and value, e.g. pii:customer_id=42.")
  String subject;

  @Option(names = "--dry-run", description = "Only show the tables and rows that hold it.")
  boolean dryRun;

  @Option(
      names = "--vacuum-retention",
      paramLabel = "SPAN",
      description =
          "Purge now: vacuum the erased tables keeping SPAN of history (e.g. 0h); older versions"
              + " can no longer be read. Without it the rewritten files stay until `maintain`.")
  String vacuumRetention;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  /** A table that may hold the subject: its name, path and tagged columns. */
  private record Holder(
      String name, String path, Pipeline pipeline, Set<String> tagged, Set<String> records) {}

  @Override
  public Integer call() {
    Erasure.Subject erased = Erasure.Subject.parse(subject);
    CliContext context = root.context();
    SparkSession spark = context.spark();
    PipelineRunner runner = context.runner();
    Erasure erasure = new Erasure(spark, runner.access());
    String runId = "erase-" + Instant.now();
    String principal = spark.sparkContext().sparkUser();
    List<Map<String, Object>> tables = new ArrayList<>();
    List<Pipeline> changed = new ArrayList<>();
    long started = System.nanoTime();
    for (Holder holder : holders(context, erased)) {
      List<org.apache.spark.sql.types.StructField> columns =
          Arrays.asList(TableMetadata.schema(spark, holder.path(), Optional.empty()).fields());
      Optional<Column> predicate =
          erasure.predicate(erased, columns, holder.tagged(), holder.records());
      if (predicate.isEmpty()) {
        continue;
      }
      Map<String, Object> table = new LinkedHashMap<>();
      table.put("table", holder.name());
      table.put("columns", List.copyOf(holder.tagged()));
      if (dryRun) {
        table.put("rows", erasure.count(holder.path(), predicate.get()));
      } else {
        checkAllowed(context, holder, runId, principal);
        Erasure.Result result = erasure.erase(holder.path(), predicate.get(), runId);
        table.put("rows", result.rows());
        table.put("files_rewritten", result.filesRewritten());
        table.put("version", result.version().orElse(null));
        if (result.rows() > 0) {
          if (!changed.contains(holder.pipeline())) {
            changed.add(holder.pipeline());
          }
          context.audit(
              new AuditLog.Entry(
                  AuditLog.Action.ERASURE,
                  Optional.of(holder.name()),
                  result.version(),
                  runId,
                  principal,
                  runner.access().role(),
                  Map.of(
                      "subject_digest",
                      Sha256.hex(erased.tag() + "=" + erased.value()),
                      "rows_deleted",
                      Long.toString(result.rows()))));
          if (vacuumRetention != null) {
            table.put("files_purged", purge(context, holder));
          }
        }
      }
      tables.add(table);
    }
    List<Map<String, Object>> rebuilt = dryRun ? List.of() : rebuild(context, changed);
    boolean failed = rebuilt.stream().anyMatch(run -> !"SUCCEEDED".equals(run.get("status")));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("subject", erased.tag() + "=<hidden>");
    report.put("dry_run", dryRun);
    report.put("tables", tables);
    report.put("rebuilt", rebuilt);
    report.put("purged", vacuumRetention != null && !dryRun);
    report.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
    print(context.environment().out(), report);
    return failed ? ErrorCode.RUN_FAILED.exitStatus() : 0;
  }

  /** Every existing table, and its quarantine, whose columns carry the subject's tag. */
  private List<Holder> holders(CliContext context, Erasure.Subject erased) {
    SparkSession spark = context.spark();
    Warehouse warehouse = context.warehouse();
    List<Holder> holders = new ArrayList<>();
    for (Pipeline pipeline : context.registry().inDependencyOrder()) {
      TableId output = pipeline.spec().output();
      String path = warehouse.path(output);
      if (!DeltaTables.exists(spark, path)) {
        continue;
      }
      Set<String> tagged =
          TableAnnotations.fromProperties(TableMetadata.properties(spark, path, Optional.empty()))
              .tagged(erased.tag());
      if (tagged.isEmpty()) {
        continue;
      }
      holders.add(new Holder(output.catalogName(), path, pipeline, tagged, RAW_RECORD));
      String quarantine = warehouse.quarantinePath(output);
      if (DeltaTables.exists(spark, quarantine)) {
        holders.add(
            new Holder(
                Warehouse.QUARANTINE_FOLDER + "/" + output,
                quarantine,
                pipeline,
                tagged,
                QUARANTINED_RECORDS));
      }
    }
    return holders;
  }

  /**
   * Refuses an erasure the principal may not write (writing nothing, as the write policy wants) or
   * the role may not read in clear (audited).
   */
  private static void checkAllowed(
      CliContext context, Holder holder, String runId, String principal) {
    new WritePolicy(context.settings()).checkWrite(holder.name(), principal);
    if (holder.name().startsWith(Warehouse.QUARANTINE_FOLDER)) {
      return;
    }
    try {
      context
          .runner()
          .access()
          .read(
              TableId.parse(holder.name()),
              context.spark().read().format("delta").load(holder.path()));
    } catch (MedallaException e) {
      context.audit(
          new AuditLog.Entry(
              AuditLog.Action.REFUSED,
              Optional.of(holder.name()),
              Optional.empty(),
              runId,
              principal,
              context.runner().access().role(),
              Map.of("reason", e.getMessage())));
      throw e;
    }
  }

  private long purge(CliContext context, Holder holder) {
    SparkSession spark = context.spark();
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String before = spark.conf().get(check, "true");
    // The user chose the retention on the command line: Delta's 168h floor is theirs to lower.
    spark.conf().set(check, "false");
    try {
      return new TableMaintenance(spark, retention()).vacuum(holder.name(), holder.path());
    } finally {
      spark.conf().set(check, before);
    }
  }

  /** The {@code --vacuum-retention} span; zero allowed. */
  private Duration retention() {
    return MedallaCommand.span(vacuumRetention, true)
        .orElseThrow(
            () ->
                new MedallaException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Invalid --vacuum-retention '%s': write a number and a unit d, h, m or s,"
                        + " e.g. 0h",
                    vacuumRetention));
  }

  /**
   * Rebuilds, in dependency order, the existing tables downstream of the erased ones that carry no
   * tag themselves (aggregates computed from the subject's rows): a full refresh as of their last
   * successful run's date.
   */
  private static List<Map<String, Object>> rebuild(CliContext context, List<Pipeline> erased) {
    if (erased.isEmpty()) {
      return List.of();
    }
    PipelineRunner runner = context.runner();
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Pipeline pipeline : context.registry().downstreamOf(erased)) {
      if (erased.contains(pipeline)) {
        continue;
      }
      Optional<LocalDate> last = lastSucceeded(runner, pipeline.name());
      if (last.isEmpty()) {
        continue;
      }
      RunResult result =
          runner.run(pipeline, RunRequest.asOf(RunMode.FULL_REFRESH, last.get(), Map.of()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("pipeline", pipeline.name());
      run.put("run_id", result.record().runId());
      run.put("status", result.record().status().name());
      runs.add(run);
    }
    return runs;
  }

  private static Optional<LocalDate> lastSucceeded(PipelineRunner runner, String pipeline) {
    Row latest =
        runner
            .ledger()
            .read()
            .where(col("pipeline").equalTo(pipeline).and(col("status").equalTo("SUCCEEDED")))
            .agg(max("logical_date"))
            .first();
    return latest.isNullAt(0) ? Optional.empty() : Optional.of(latest.getDate(0).toLocalDate());
  }

  private void print(PrintWriter out, Map<String, Object> report) {
    if (json) {
      Json.print(out, report);
      return;
    }
    TextTable table = new TextTable("table", "columns", "rows", "version");
    for (Object entry : (List<?>) report.get("tables")) {
      Map<?, ?> row = (Map<?, ?>) entry;
      table.add(
          String.valueOf(row.get("table")),
          String.valueOf(row.get("columns")),
          String.valueOf(row.get("rows")),
          java.util.Objects.toString(row.get("version"), "-"));
    }
    table.print(out);
    for (Object entry : (List<?>) report.get("rebuilt")) {
      Map<?, ?> run = (Map<?, ?>) entry;
      out.printf(
          "rebuilt %s: %s (run %s)%n", run.get("pipeline"), run.get("status"), run.get("run_id"));
    }
    out.printf(
        "%s in %d ms; %s%n",
        dryRun ? "Dry run" : "Erased",
        (Long) report.get("duration_ms"),
        dryRun
            ? "nothing changed"
            : vacuumRetention != null
                ? "files holding the subject purged"
                : "older versions keep the subject until `maintain` vacuums them; purge now with"
                    + " --vacuum-retention 0h");
  }
}
