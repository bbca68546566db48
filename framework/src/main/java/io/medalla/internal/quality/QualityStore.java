package io.medalla.internal.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.medalla.api.TableId;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.OpsTables;
import io.medalla.internal.table.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The quality gate's tables: results of every check ({@code _ops/quality_results}), the metrics
 * history ({@code _ops/quality_metrics}) and each table's quarantine ({@code
 * <warehouse>/_quarantine/<layer>/<domain>/<name>}, one partition per logical date). Every write is
 * one Delta commit tagged with the run id.
 */
public final class QualityStore {
  /** The results table's name below {@code _ops}. */
  public static final String RESULTS_TABLE = "quality_results";

  /** The metrics history's name below {@code _ops}. */
  public static final String METRICS_TABLE = "quality_metrics";

  /** How many earlier runs anomaly rules look back on. */
  public static final int HISTORY_LENGTH = 30;

  public static final StructType RESULTS_SCHEMA =
      StructType.fromDDL(
          "run_id STRING NOT NULL, table STRING NOT NULL, logical_date DATE NOT NULL,"
              + " expectation STRING NOT NULL, rule STRING NOT NULL, severity STRING NOT NULL,"
              + " status STRING NOT NULL, observed STRING, threshold STRING,"
              + " failing_rows BIGINT NOT NULL, message STRING, checked_at TIMESTAMP NOT NULL");

  static final StructType METRICS_SCHEMA =
      StructType.fromDDL(
          "run_id STRING NOT NULL, table STRING NOT NULL, logical_date DATE NOT NULL,"
              + " metric STRING NOT NULL, instance STRING NOT NULL, value DOUBLE NOT NULL,"
              + " recorded_at TIMESTAMP NOT NULL");

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final OpsTables tables;

  public QualityStore(SparkSession spark, Warehouse warehouse, CommitRetry commits) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.tables = new OpsTables(spark, commits);
  }

  /** Appends one row per check result. */
  public void recordResults(
      String runId, TableId table, LocalDate logicalDate, List<CheckResult> results) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    for (CheckResult result : results) {
      rows.add(
          RowFactory.create(
              runId,
              table.catalogName(),
              Date.valueOf(logicalDate),
              result.expectation(),
              result.rule(),
              result.severity().name(),
              result.status().name(),
              result.observed(),
              result.threshold(),
              result.failingRows(),
              result.message(),
              now));
    }
    append(warehouse.opsPath(RESULTS_TABLE), rows, RESULTS_SCHEMA, runId);
  }

  /** Appends the run's metrics to the table's history. */
  public void recordMetrics(
      String runId, TableId table, LocalDate logicalDate, Map<MetricKey, Double> metrics) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    metrics.forEach(
        (key, value) ->
            rows.add(
                RowFactory.create(
                    runId,
                    table.catalogName(),
                    Date.valueOf(logicalDate),
                    key.name(),
                    key.instance(),
                    value,
                    now)));
    append(warehouse.opsPath(METRICS_TABLE), rows, METRICS_SCHEMA, runId);
  }

  /**
   * The table's metric history before {@code logicalDate}: per metric the latest value of each
   * earlier logical date, oldest first, at most {@link #HISTORY_LENGTH}. Read once, on first use.
   */
  public QualityGate.History history(TableId table, LocalDate logicalDate) {
    Map<MetricKey, List<Double>> series = new HashMap<>();
    boolean[] loaded = {false};
    return metric -> {
      if (!loaded[0]) {
        loaded[0] = true;
        load(table, logicalDate, series);
      }
      List<Double> values = series.getOrDefault(metric, List.of());
      return values.subList(Math.max(0, values.size() - HISTORY_LENGTH), values.size());
    };
  }

  private void load(TableId table, LocalDate logicalDate, Map<MetricKey, List<Double>> series) {
    String path = warehouse.opsPath(METRICS_TABLE);
    if (!DeltaTables.exists(spark, path)) {
      return;
    }
    // One table's history is small: its latest value per date is picked here, not by a shuffle.
    List<Row> earlier =
        spark
            .read()
            .format("delta")
            .load(path)
            .where(col("table").equalTo(table.catalogName()))
            .where(col("logical_date").lt(lit(Date.valueOf(logicalDate))))
            .select("metric", "instance", "logical_date", "recorded_at", "value")
            .collectAsList();
    Map<MetricKey, TreeMap<Date, Row>> latestPerDate = new HashMap<>();
    for (Row row : earlier) {
      latestPerDate
          .computeIfAbsent(
              new MetricKey(row.getString(0), row.getString(1)), key -> new TreeMap<>())
          .merge(
              row.getDate(2),
              row,
              (held, other) -> held.getTimestamp(3).before(other.getTimestamp(3)) ? other : held);
    }
    latestPerDate.forEach(
        (metric, byDate) ->
            series.put(metric, byDate.values().stream().map(row -> row.getDouble(4)).toList()));
  }

  /**
   * Replaces the quarantine of {@code table} for the run's {@code dates} with {@code records}, so a
   * re-run leaves exactly its own quarantined rows; an insert-only incremental run, which sees only
   * new rows, adds them instead. Writes nothing when there is nothing to replace or to add.
   */
  public void quarantine(
      TableId table,
      String runId,
      SortedSet<LocalDate> dates,
      boolean adding,
      Optional<Dataset<Row>> records) {
    String path = warehouse.quarantinePath(table);
    if (records.isEmpty() && (adding || !DeltaTables.exists(spark, path))) {
      return;
    }
    Dataset<Row> rows =
        records.orElseGet(() -> spark.createDataFrame(List.of(), QUARANTINE_SCHEMA));
    if (adding && DeltaTables.exists(spark, path)) {
      tables.commit(path, () -> addNew(path, runId, dates, rows));
      return;
    }
    DataFrameWriter<Row> writer =
        rows.write()
            .format("delta")
            .partitionBy("logical_date")
            .option("userMetadata", runId)
            // Quarantines written before provenance was recorded gain its columns.
            .option("mergeSchema", "true");
    if (adding) {
      writer.mode("append");
    } else {
      writer.mode("overwrite").option("replaceWhere", "logical_date IN (" + literals(dates) + ")");
    }
    tables.commit(path, () -> writer.save(path));
  }

  /**
   * Inserts the records the quarantine of {@code dates} does not hold yet (the same record from the
   * same file and line), so a run repeated after it was killed between its quarantine's commit and
   * its ledger row quarantines nothing twice.
   */
  private void addNew(String path, String runId, SortedSet<LocalDate> dates, Dataset<Row> rows) {
    DeltaTables.withUserMetadata(
        spark,
        runId,
        () ->
            DeltaTable.forPath(spark, path)
                .as("held")
                .merge(
                    rows.as("new"),
                    "held.logical_date IN ("
                        + literals(dates)
                        + ") AND held.logical_date = new.logical_date"
                        + " AND held.record <=> new.record AND held.source <=> new.source"
                        + " AND held.line <=> new.line")
                .whenNotMatched()
                .insertAll()
                .execute());
  }

  /** The dates as SQL date literals, comma-separated. */
  private static String literals(SortedSet<LocalDate> dates) {
    return dates.stream().map(date -> "DATE'" + date + "'").collect(Collectors.joining(", "));
  }

  /** The schema of quarantine tables. */
  /** The quarantine's columns holding a whole record: its JSON and its raw text. */
  public static final String[] RECORD_COLUMNS = {"record", "raw_record"};

  public static final StructType QUARANTINE_SCHEMA =
      StructType.fromDDL(
          "run_id STRING, logical_date DATE, failed_rules ARRAY<STRING>, record STRING,"
              + " quarantined_at TIMESTAMP, source STRING, line BIGINT, raw_record STRING");

  /** The check results of a table, or an empty frame before the first check. */
  public Dataset<Row> results(TableId table) {
    return results().where(col("table").equalTo(table.catalogName()));
  }

  /** Every table's check results, or an empty frame before the first check. */
  public Dataset<Row> results() {
    String path = warehouse.opsPath(RESULTS_TABLE);
    return DeltaTables.exists(spark, path)
        ? spark.read().format("delta").load(path)
        : spark.createDataFrame(List.of(), RESULTS_SCHEMA);
  }

  private void append(String path, List<Row> rows, StructType schema, String runId) {
    if (rows.isEmpty()) {
      return;
    }
    tables.append(path, rows, schema, runId);
  }
}
