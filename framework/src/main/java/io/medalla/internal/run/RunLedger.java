package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.RunMetrics;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.config.Redaction;
import io.medalla.internal.ops.RunMetricsFormat;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.OpsTables;
import io.medalla.internal.table.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The run ledger: a Delta table at {@code <warehouse>/_ops/run_ledger} with one row per ended run,
 * what the run cost in its {@code steps} column (one entry per lifecycle step, the fields of {@link
 * RunMetricsFormat#step}). A run also writes its {@link RunStatus#RUNNING} row, as one JSON file
 * named after the run, to {@code _ops/run_starts} when it starts, and removes it once its end row
 * is committed; read, the ledger adds the started runs that have no end row, so a run that was
 * killed stays visible as RUNNING while the ledger table itself keeps one row per run for whoever
 * queries it. A start costs one small file write, not a Delta commit, and never conflicts with
 * another run.
 */
public final class RunLedger {
  /** The ledger's name below {@code _ops}. */
  public static final String TABLE_NAME = "run_ledger";

  /** The started runs' folder below {@code _ops}: one JSON file per run in flight. */
  private static final String STARTS_FOLDER = "run_starts";

  /** The ledger's schema. */
  public static final StructType SCHEMA =
      StructType.fromDDL(
          "run_id STRING NOT NULL, pipeline STRING NOT NULL, env STRING NOT NULL,"
              + " logical_date DATE NOT NULL, parameters STRING, status STRING NOT NULL,"
              + " started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP NOT NULL,"
              + " duration_ms BIGINT NOT NULL, rows_read BIGINT NOT NULL,"
              + " rows_produced BIGINT NOT NULL,"
              + " rows_written BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,"
              + " output_version BIGINT, error_code STRING,"
              + " error_class STRING, error_message STRING, principal STRING NOT NULL,"
              + " mode STRING, dates ARRAY<DATE>, input_versions MAP<STRING, BIGINT>,"
              + " rows_deduplicated BIGINT, files_written BIGINT, steps ARRAY<STRUCT<step: STRING,"
              + " wall_ms: BIGINT, jobs: BIGINT, tasks: BIGINT, failed_tasks: BIGINT, cpu_ms: BIGINT,"
              + " bytes_read: BIGINT, records_read: BIGINT, bytes_written: BIGINT,"
              + " records_written: BIGINT, shuffle_read_bytes: BIGINT, shuffle_write_bytes: BIGINT,"
              + " spilled_bytes: BIGINT>>");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final String path;
  private final RunStarts starts;
  private final OpsTables tables;

  public RunLedger(SparkSession spark, Warehouse warehouse, OpsTables tables) {
    this.spark = spark;
    this.path = warehouse.opsPath(TABLE_NAME);
    this.starts = new RunStarts(spark, warehouse.opsPath(STARTS_FOLDER), SCHEMA);
    this.tables = tables;
  }

  /** The ledger's storage path. */
  public String path() {
    return path;
  }

  /** Records the {@link RunStatus#RUNNING} row of a run that starts, as its start file. */
  public void start(RunRecord run) {
    starts.write(run.runId(), values(run, Optional.empty()));
  }

  /**
   * Appends the end row of a run, with what it cost, to the ledger in one commit tagged with the
   * run id; then the run's start file goes.
   */
  public void end(RunRecord run, RunMetrics metrics) {
    tables.append(
        path, List.of(RowFactory.create(values(run, Optional.of(metrics)))), SCHEMA, run.runId());
    starts.remove(run.runId());
  }

  private static Object[] values(RunRecord run, Optional<RunMetrics> metrics) {
    return new Object[] {
      run.runId(),
      run.pipeline(),
      run.environment(),
      Date.valueOf(run.logicalDate()),
      Redaction.redact(toJson(run.parameters())),
      run.status().name(),
      Timestamp.from(run.startedAt()),
      Timestamp.from(run.endedAt()),
      run.duration().toMillis(),
      run.rowsRead(),
      run.rowsProduced(),
      run.rowsWritten(),
      run.rowsQuarantined(),
      run.outputVersion().orElse(null),
      run.errorCode().orElse(null),
      run.errorClass().orElse(null),
      run.errorMessage().map(Redaction::redact).orElse(null),
      run.principal(),
      run.mode().name(),
      run.dates().stream().map(Date::valueOf).toList(),
      run.inputVersions(),
      run.rowsDeduplicated(),
      metrics.map(RunMetrics::filesWritten).orElse(null),
      metrics.map(RunLedger::stepRows).orElse(null)
    };
  }

  /** The steps as rows of the {@code steps} column, fields in the order of their measures. */
  private static List<Row> stepRows(RunMetrics metrics) {
    return metrics.steps().stream()
        .map(
            step -> {
              List<Object> fields = new ArrayList<>();
              fields.add(step.step());
              fields.addAll(RunMetricsFormat.measures(step).values());
              return RowFactory.create(fields.toArray());
            })
        .toList();
  }

  /**
   * One row per run: its end row, or its {@link RunStatus#RUNNING} row while it has none; an empty
   * frame with the ledger's schema before the first run.
   */
  public Dataset<Row> read() {
    Dataset<Row> ended = ended();
    Dataset<Row> running = starts.rows().join(ended.select("run_id"), "run_id", "left_anti");
    return ended.unionByName(running, true);
  }

  /** The ledger table's rows, an empty frame with its schema before the first run. */
  private Dataset<Row> ended() {
    return DeltaTables.exists(spark, path)
        ? spark.read().format("delta").load(path)
        : spark.createDataFrame(List.of(), SCHEMA);
  }

  /**
   * The ended runs as records, oldest first (by end time, then run id): what objectives, incidents
   * and reports are computed from. Columns a ledger from an older release lacks read as empty.
   */
  public List<RunRecord> endedRuns() {
    Dataset<Row> ledger = ended();
    List<RunRecord> runs = new ArrayList<>();
    for (Row row : ledger.orderBy(col("ended_at"), col("run_id")).collectAsList()) {
      runs.add(record(row));
    }
    return runs;
  }

  /** A ledger row as a record; columns a ledger from an older release lacks read as empty. */
  public static RunRecord record(Row row) {
    LocalDate logicalDate = row.<Date>getAs("logical_date").toLocalDate();
    List<Date> dates = has(row, "dates") ? row.getList(row.fieldIndex("dates")) : List.of();
    return new RunRecord(
        row.getAs("run_id"),
        row.getAs("pipeline"),
        row.getAs("env"),
        logicalDate,
        has(row, "parameters") ? fromJson(row.getAs("parameters")) : Map.of(),
        RunStatus.valueOf(row.getAs("status")),
        row.<Timestamp>getAs("started_at").toInstant(),
        row.<Timestamp>getAs("ended_at").toInstant(),
        row.<Long>getAs("rows_read"),
        row.<Long>getAs("rows_produced"),
        row.<Long>getAs("rows_written"),
        row.<Long>getAs("rows_quarantined"),
        has(row, "rows_deduplicated") ? row.<Long>getAs("rows_deduplicated") : 0L,
        Optional.ofNullable(row.getAs("output_version")),
        Optional.ofNullable(row.getAs("error_code")),
        Optional.ofNullable(row.getAs("error_class")),
        Optional.ofNullable(row.getAs("error_message")),
        row.getAs("principal"),
        has(row, "mode") ? RunMode.valueOf(row.getAs("mode")) : RunMode.DATES,
        dates.isEmpty() ? List.of(logicalDate) : dates.stream().map(Date::toLocalDate).toList(),
        has(row, "input_versions")
            ? row.<String, Long>getJavaMap(row.fieldIndex("input_versions"))
            : Map.of());
  }

  /** Whether the ledger has the column (older releases lack some) and the row a value in it. */
  private static boolean has(Row row, String column) {
    return Arrays.asList(row.schema().fieldNames()).contains(column)
        && !row.isNullAt(row.fieldIndex(column));
  }

  /**
   * The input versions the pipeline's last successful incremental or full-refresh run processed, by
   * input table; empty when it has had none.
   */
  public Optional<Map<TableId, Long>> processedVersions(String pipeline) {
    Dataset<Row> ledger = ended();
    if (!Arrays.asList(ledger.columns()).contains("input_versions")) {
      return Optional.empty();
    }
    List<Row> latest =
        ledger
            .where(
                col("pipeline")
                    .equalTo(pipeline)
                    .and(col("status").isin(RunStatus.SUCCEEDED.name(), RunStatus.SKIPPED.name()))
                    .and(col("mode").isin(RunMode.INCREMENTAL.name(), RunMode.FULL_REFRESH.name())))
            .orderBy(col("ended_at").desc())
            .limit(1)
            .select("input_versions")
            .collectAsList();
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    Map<TableId, Long> versions = new LinkedHashMap<>();
    latest
        .get(0)
        .<String, Long>getJavaMap(0)
        .forEach((name, version) -> versions.put(TableId.parse(name), version));
    return Optional.of(versions);
  }

  private static Map<String, String> fromJson(String parameters) {
    try {
      return JSON.readValue(parameters, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      return Map.of("unreadable", parameters);
    }
  }

  private static String toJson(Map<String, String> parameters) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(parameters));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize run parameters", e);
    }
  }
}
