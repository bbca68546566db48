package io.medalla.internal.cdc;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.medalla.api.ChangeFeed;
import io.medalla.api.ChangeHistory;
import io.medalla.api.PipelineSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Resolves a run's change events into the rows to merge. The keys changed by the run's new events
 * are resolved from every event bronze holds for them, ordered by (LSN, source timestamp): the
 * latest event per key for SCD1, one version per event for SCD2. Bronze is append-only and
 * exactly-once, so the result does not depend on arrival order, duplicates or replays. Everything
 * stays in Spark; nothing is collected to the driver.
 */
public final class ChangeResolver {
  /** The applied event's operation: c (create), u (update), d (delete). */
  public static final String OPERATION = "_change_op";

  /** The applied event's log sequence number at the source. */
  public static final String LSN = "_change_lsn";

  /** The applied event's source timestamp, epoch milliseconds. */
  public static final String TIMESTAMP = "_change_ts";

  private ChangeResolver() {}

  /**
   * The rows to merge for the keys that {@code newEvents} change.
   *
   * @param bronze the feed's bronze table
   * @param newEvents the bronze rows the run applies (a subset of {@code bronze})
   */
  public static Dataset<Row> resolve(
      PipelineSpec spec, Dataset<Row> bronze, Dataset<Row> newEvents) {
    ChangeFeed feed = spec.changeFeed().orElseThrow();
    StructType rowSchema = StructType.fromDDL(feed.rowSchema());
    List<Column> keys = spec.keys().stream().map(key -> col(quoted(key))).toList();
    Dataset<Row> changedKeys =
        normalize(feed, newEvents, rowSchema).select(keys.toArray(Column[]::new)).distinct();
    // Only the touched keys' events are parsed: the semi-join reads each key straight from the
    // raw event, so the cost follows the batch, not the size of bronze.
    Column touched = null;
    for (String key : spec.keys()) {
      Column equal =
          rawKey(feed, bronze, key, rowSchema.apply(key).dataType().sql())
              .equalTo(changedKeys.col(key));
      touched = touched == null ? equal : touched.and(equal);
    }
    Dataset<Row> history =
        normalize(
                feed,
                candidates(spec, bronze, changedKeys).join(changedKeys, touched, "left_semi"),
                rowSchema)
            .dropDuplicates(
                withKeys(spec.keys(), List.of(OPERATION, LSN, TIMESTAMP)).toArray(String[]::new));
    WindowSpec byKey =
        Window.partitionBy(keys.toArray(Column[]::new))
            .orderBy(col(LSN), col(TIMESTAMP), col(OPERATION));
    List<Column> rowColumns = new ArrayList<>();
    for (StructField field : rowSchema.fields()) {
      rowColumns.add(col(quoted(field.name())));
    }
    if (feed.history() == ChangeHistory.SCD1) {
      Dataset<Row> latest =
          history
              .withColumn(
                  "newest",
                  row_number()
                      .over(
                          Window.partitionBy(keys.toArray(Column[]::new))
                              .orderBy(col(LSN).desc(), col(TIMESTAMP).desc(), col(OPERATION))))
              .where(col("newest").equalTo(1));
      List<Column> columns = new ArrayList<>(rowColumns);
      columns.addAll(List.of(col(OPERATION), col(LSN), col(TIMESTAMP)));
      return latest.select(columns.toArray(Column[]::new));
    }
    Column next = lead(col(TIMESTAMP), 1).over(byKey);
    Dataset<Row> versions =
        history
            .withColumn("next_ts", next)
            .where(col(OPERATION).notEqual("d"))
            .withColumn("valid_from", timestamp_millis(col(TIMESTAMP)))
            .withColumn("valid_to", timestamp_millis(col("next_ts")))
            .withColumn("is_current", col("next_ts").isNull());
    List<Column> columns = new ArrayList<>(rowColumns);
    columns.addAll(
        List.of(
            col("valid_from"),
            col("valid_to"),
            col("is_current"),
            col(OPERATION),
            col(LSN),
            col(TIMESTAMP)));
    return versions.select(columns.toArray(Column[]::new));
  }

  /**
   * The bronze events that may hold the changed keys: with a typed key column, only the files whose
   * key statistics overlap the changed keys' ranges are read, so changes to recent keys skip the
   * files of older ones. Events ingested before the column existed (null) are always read.
   */
  private static Dataset<Row> candidates(
      PipelineSpec spec, Dataset<Row> bronze, Dataset<Row> changedKeys) {
    if (spec.keys().size() != 1 || !hasColumn(bronze, spec.keys().get(0))) {
      return bronze;
    }
    String key = spec.keys().get(0);
    Column stored = bronze.col(quoted(key));
    return KeyRanges.predicate(changedKeys, key, stored)
        .map(within -> bronze.where(stored.isNull().or(within)))
        .orElse(bronze);
  }

  private static boolean hasColumn(Dataset<Row> table, String column) {
    return Arrays.asList(table.columns()).contains(column);
  }

  private static Dataset<Row> normalize(
      ChangeFeed feed, Dataset<Row> bronze, StructType rowSchema) {
    return feed.sequenceColumn().isPresent()
        ? normalizeExtracted(bronze, rowSchema, feed.sequenceColumn().get())
        : normalizeDebezium(bronze, rowSchema);
  }

  /**
   * A key column of a bronze event, typed, without parsing the rest of the event: the typed column
   * a Debezium source stores at ingest ({@link io.medalla.api.FileSource#debezium}), else read from
   * the raw row image (events ingested without it).
   */
  private static Column rawKey(ChangeFeed feed, Dataset<Row> bronze, String key, String type) {
    if (feed.sequenceColumn().isPresent()) {
      return bronze.col(quoted(key)).cast(type);
    }
    Column fromImage =
        get_json_object(coalesce(bronze.col("after"), bronze.col("before")), "$." + key).cast(type);
    return hasColumn(bronze, key)
        ? coalesce(bronze.col(quoted(key)).cast(type), fromImage)
        : fromImage;
  }

  /** Debezium envelopes as typed row images with the event's operation and sequence. */
  static Dataset<Row> normalizeDebezium(Dataset<Row> bronze, StructType rowSchema) {
    Dataset<Row> parsed =
        bronze
            .where(col("_corrupt_record").isNull().and(col("op").isNotNull()))
            .select(
                from_json(col("after"), rowSchema, Map.of()).as("after_image"),
                from_json(col("before"), rowSchema, Map.of()).as("before_image"),
                when(col("op").equalTo("r"), lit("c")).otherwise(col("op")).as(OPERATION),
                coalesce(col("source.lsn"), lit(0L)).as(LSN),
                coalesce(col("source.ts_ms"), col("ts_ms")).as(TIMESTAMP),
                col("_batch_id").as("batch"));
    List<Column> columns = new ArrayList<>();
    for (StructField field : rowSchema.fields()) {
      columns.add(
          when(col(OPERATION).equalTo("d"), col("before_image." + quoted(field.name())))
              .otherwise(col("after_image." + quoted(field.name())))
              .as(field.name()));
    }
    columns.addAll(List.of(col(OPERATION), col(LSN), col(TIMESTAMP), col("batch")));
    return parsed.select(columns.toArray(Column[]::new));
  }

  /** Extracted rows as change events: a read upserts, a detected delete deletes. */
  static Dataset<Row> normalizeExtracted(
      Dataset<Row> bronze, StructType rowSchema, String sequenceColumn) {
    Column sequence =
        coalesce(
            unix_millis(col(quoted(sequenceColumn)).cast("timestamp")),
            unix_millis(col("_ingested_at")));
    List<Column> columns = new ArrayList<>();
    for (StructField field : rowSchema.fields()) {
      columns.add(col(quoted(field.name())).cast(field.dataType()).as(field.name()));
    }
    columns.addAll(
        List.of(
            when(col("_change_op").equalTo("d"), lit("d")).otherwise(lit("u")).as(OPERATION),
            sequence.as(LSN),
            sequence.as(TIMESTAMP),
            col("_batch_id").as("batch")));
    return bronze.select(columns.toArray(Column[]::new));
  }

  private static List<String> withKeys(List<String> keys, List<String> more) {
    List<String> all = new ArrayList<>(keys);
    all.addAll(more);
    return all;
  }
}
