package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.config.Redaction;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.OpsTables;
import io.medalla.internal.table.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * The run ledger: a Delta table at {@code <warehouse>/_ops/run_ledger}. A run appends a {@link
 * RunStatus#RUNNING} row when it starts and its end row when it ends; read, the ledger has one row
 * per run, the end row where there is one, so a run that was killed stays visible as RUNNING. Both
 * writes are small appends, which never conflict with each other: ending a run costs no more than
 * before it had a start row (an update in place would rewrite a file of the ledger on every run).
 */
public final class RunLedger {
  /** The ledger's name below {@code _ops}. */
  public static final String TABLE_NAME = "run_ledger";

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
              + " mode STRING, dates ARRAY<DATE>, input_versions MAP<STRING, BIGINT>");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LATEST = "__latest";

  private final SparkSession spark;
  private final String path;
  private final OpsTables tables;

  public RunLedger(SparkSession spark, Warehouse warehouse, OpsTables tables) {
    this.spark = spark;
    this.path = warehouse.opsPath(TABLE_NAME);
    this.tables = tables;
  }

  /** The ledger's storage path. */
  public String path() {
    return path;
  }

  /** Appends one row of a run (its start or its end), tagged with its run id. */
  public void record(RunRecord run) {
    Row row =
        RowFactory.create(
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
            run.inputVersions());
    tables.append(path, List.of(row), SCHEMA, run.runId());
  }

  /**
   * One row per run: its end row, or its {@link RunStatus#RUNNING} row while it has none; an empty
   * frame with the ledger's schema before the first run.
   */
  public Dataset<Row> read() {
    Dataset<Row> rows = rows();
    Column ending =
        row_number()
            .over(
                Window.partitionBy("run_id")
                    .orderBy(
                        when(col("status").equalTo(RunStatus.RUNNING.name()), 1).otherwise(0)));
    return rows.withColumn(LATEST, ending).where(col(LATEST).equalTo(1)).drop(LATEST);
  }

  /** Every row as appended, start rows included. */
  private Dataset<Row> rows() {
    return DeltaTables.exists(spark, path)
        ? spark.read().format("delta").load(path)
        : spark.createDataFrame(List.of(), SCHEMA);
  }

  /**
   * The input versions the pipeline's last successful incremental or full-refresh run processed, by
   * input table; empty when it has had none.
   */
  public Optional<Map<TableId, Long>> processedVersions(String pipeline) {
    Dataset<Row> ledger = rows(); // the statuses below are end rows only
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

  private static String toJson(Map<String, String> parameters) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(parameters));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize run parameters", e);
    }
  }
}
