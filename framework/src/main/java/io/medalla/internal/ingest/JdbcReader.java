package io.medalla.internal.ingest;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import io.medalla.api.ErrorCode;
import io.medalla.api.JdbcSource;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one batch of a database table over JDBC for a bronze pipeline.
 *
 * <ul>
 *   <li><b>Full</b>: every row of the table, every run.
 *   <li><b>Incremental</b>: only rows whose watermark column is above the highest watermark of the
 *       rows already in bronze. The bronze table is the only state: a run that dies before its
 *       commit has not moved it, so the next run reads the same rows again, and a run that is
 *       repeated reads only what is new. Rows are read exactly once if every insert and update
 *       raises the watermark above every value committed before it.
 *   <li><b>Partitioned</b>: split into parallel reads of ranges of a numeric, date or timestamp
 *       column, between its minimum and maximum (one {@code SELECT min, max} query).
 *   <li><b>Delete detection</b>: the source's keys are compared with the keys whose latest bronze
 *       event is not a delete; each key missing at the source gets one row with {@code _change_op =
 *       'd'}, its key columns set and every other column null.
 * </ul>
 *
 * <p>Every row carries {@code _source} (the source's description), {@code _corrupt_record} (null)
 * and {@code _change_op} ({@code 'r'} for a row read, {@code 'd'} for a row deleted at the source).
 * Nothing is collected to the driver but the watermark and the partition bounds.
 */
public final class JdbcReader {
  /** The bronze column telling a row read ({@code r}) from a row deleted at the source. */
  public static final String CHANGE_OP = "_change_op";

  /** {@link #CHANGE_OP} of a row read from the source. */
  public static final String READ = "r";

  /** {@link #CHANGE_OP} of a row detected as deleted at the source. */
  public static final String DELETED = "d";

  private static final Logger LOG = LoggerFactory.getLogger(JdbcReader.class);
  private static final String FETCH_SIZE = "10000";

  private JdbcReader() {}

  /** The range a partitioned read is split over. */
  private record Bounds(String lower, String upper) {}

  /**
   * Reads the batch of {@code source} that bronze table {@code spec.output()} does not hold yet.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} when the connection is
   *     not configured or its secrets cannot be read; {@link ErrorCode#INVALID_PIPELINE} when the
   *     bronze table lacks the watermark or key columns; {@link ErrorCode#RUN_FAILED} when the
   *     database cannot be read (the message names the connection and table, never a secret)
   */
  public static Dataset<Row> read(
      SparkSession spark,
      MedallaSettings settings,
      Warehouse warehouse,
      PipelineSpec spec,
      JdbcSource source) {
    requireNonNull(spark, "spark is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(source, "source is null");
    JdbcConnection connection = JdbcConnection.resolve(settings, source.connection());
    try {
      Optional<Dataset<Row>> bronze = ingested(spark, warehouse.path(spec.output()), source);
      Optional<Object> watermark = highestWatermark(spec, source, bronze);
      Optional<Bounds> bounds = bounds(connection, source, watermark);
      Dataset<Row> changed = table(spark, connection, source, bounds).load();
      if (watermark.isPresent()) {
        changed =
            changed.where(col(source.watermarkColumn().orElseThrow()).gt(lit(watermark.get())));
      }
      LOG.info(
          "Reading {} {}{}",
          source.describe(),
          watermark
              .map(value -> "rows with " + source.watermarkColumn().orElseThrow() + " > " + value)
              .orElse("in full"),
          bounds.isPresent() ? " in " + source.partitions() + " parallel reads" : "");
      Dataset<Row> batch = withMetadata(changed, source, READ);
      if (source.detectDeletes() && bronze.isPresent()) {
        Optional<Bounds> keyBounds =
            watermark.isPresent() ? bounds(connection, source, Optional.empty()) : bounds;
        batch =
            batch.unionByName(
                deleted(
                    spec,
                    source,
                    bronze.get(),
                    table(spark, connection, source, keyBounds).load(),
                    changed.schema()));
      }
      return batch;
    } catch (MedallaException e) {
      throw e;
    } catch (Exception e) {
      throw new MedallaException(
          ErrorCode.RUN_FAILED,
          e,
          "Cannot read table %s over connection %s: %s. Check that the database is reachable and"
              + " that the secrets of medalla.connections.%s are valid, then re-run",
          source.table(),
          connection.name(),
          Redaction.redact(describe(e)),
          connection.name());
    }
  }

  /** The bronze rows of this source, if the bronze table exists. */
  private static Optional<Dataset<Row>> ingested(
      SparkSession spark, String bronzePath, JdbcSource source) {
    if (!DeltaTables.exists(spark, bronzePath)) {
      return Optional.empty();
    }
    Dataset<Row> bronze = spark.read().format("delta").load(bronzePath);
    return Optional.of(bronze.where(col("_source").equalTo(source.describe())));
  }

  /** The highest watermark of the rows read into bronze, for incremental sources. */
  private static Optional<Object> highestWatermark(
      PipelineSpec spec, JdbcSource source, Optional<Dataset<Row>> bronze) {
    if (source.watermarkColumn().isEmpty() || bronze.isEmpty()) {
      return Optional.empty();
    }
    String column = source.watermarkColumn().get();
    requireColumns(spec, source, bronze.get(), List.of(column), "read %s incrementally");
    Row highest =
        bronze.get().where(changeOp(bronze.get()).equalTo(READ)).agg(max(col(column))).first();
    return Optional.ofNullable(highest.get(0));
  }

  /**
   * A reader of the source table, split over {@code bounds} when there are some. Rows are fetched
   * in chunks, so no partition holds its whole result in memory.
   */
  private static DataFrameReader table(
      SparkSession spark, JdbcConnection connection, JdbcSource source, Optional<Bounds> bounds) {
    DataFrameReader reader =
        spark
            .read()
            .format("jdbc")
            .options(connection.sparkOptions())
            .option("dbtable", source.table())
            .option("fetchsize", FETCH_SIZE);
    bounds.ifPresent(
        range ->
            reader
                .option("partitionColumn", source.partitionColumn().orElseThrow())
                .option("lowerBound", range.lower())
                .option("upperBound", range.upper())
                .option("numPartitions", String.valueOf(source.partitions())));
    return reader;
  }

  /**
   * The minimum and maximum of the partition column over the rows to read, or empty when the read
   * is not split or there is nothing to read. Bounds only set the width of each slice: rows below
   * or above them go to the first or last slice, so a stale bound loses nothing.
   */
  private static Optional<Bounds> bounds(
      JdbcConnection connection, JdbcSource source, Optional<Object> watermark)
      throws SQLException {
    if (source.partitionColumn().isEmpty() || source.partitions() < 2) {
      return Optional.empty();
    }
    JdbcDialect dialect = JdbcDialects.get(connection.url());
    String column = dialect.quoteIdentifier(source.partitionColumn().get());
    String query =
        String.format("SELECT min(%s), max(%s) FROM %s", column, column, source.table())
            + watermark
                .map(
                    value ->
                        " WHERE "
                            + dialect.quoteIdentifier(source.watermarkColumn().orElseThrow())
                            + " > ?")
                .orElse("");
    try (Connection database = connection.open();
        PreparedStatement statement = database.prepareStatement(query)) {
      if (watermark.isPresent()) {
        Object value = watermark.get();
        // With its Java 8 time API on, Spark gives an Instant; JDBC binds a Timestamp.
        statement.setObject(1, value instanceof Instant instant ? Timestamp.from(instant) : value);
      }
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        if (result.getObject(1) == null) {
          return Optional.empty();
        }
        int type = result.getMetaData().getColumnType(1);
        return Optional.of(
            switch (type) {
              case Types.TINYINT,
                  Types.SMALLINT,
                  Types.INTEGER,
                  Types.BIGINT,
                  Types.NUMERIC,
                  Types.DECIMAL,
                  Types.REAL,
                  Types.FLOAT,
                  Types.DOUBLE ->
                  new Bounds(
                      whole(result.getBigDecimal(1), RoundingMode.FLOOR),
                      whole(result.getBigDecimal(2), RoundingMode.CEILING));
              case Types.DATE ->
                  new Bounds(result.getDate(1).toString(), result.getDate(2).toString());
              case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
                  new Bounds(result.getTimestamp(1).toString(), result.getTimestamp(2).toString());
              default ->
                  throw new MedallaException(
                      ErrorCode.INVALID_PIPELINE,
                      "Cannot split the read of %s on column %s: it is of type %s. Partition on a"
                          + " numeric, date or timestamp column",
                      source.table(),
                      source.partitionColumn().get(),
                      result.getMetaData().getColumnTypeName(1));
            });
      }
    }
  }

  private static String whole(BigDecimal value, RoundingMode rounding) {
    return value.setScale(0, rounding).toBigIntegerExact().toString();
  }

  /**
   * One delete event for each key whose latest bronze event is a read and that the source no longer
   * has. Of two events of one batch, the read counts as the later: a key read and found missing in
   * the same run stays live, and the next run records its delete.
   */
  private static Dataset<Row> deleted(
      PipelineSpec spec,
      JdbcSource source,
      Dataset<Row> bronze,
      Dataset<Row> sourceRows,
      StructType schema) {
    List<String> keys = source.keyColumns();
    requireColumns(spec, source, bronze, keys, "detect deletes of %s");
    Column[] keyColumns = keys.stream().map(key -> col(key)).toArray(Column[]::new);
    Dataset<Row> live =
        bronze
            .groupBy(keyColumns)
            .agg(max(struct(col("_ingested_at"), changeOp(bronze).as("op"))).as("latest"))
            .where(col("latest.op").equalTo(READ))
            .select(keyColumns);
    Dataset<Row> present = sourceRows.select(keyColumns);
    Column sameKey =
        keys.stream()
            .map(key -> live.col(key).eqNullSafe(present.col(key)))
            .reduce(Column::and)
            .orElseThrow();
    Dataset<Row> missing = live.join(present, sameKey, "left_anti");
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Column value = keys.contains(field.name()) ? missing.col(field.name()) : lit(null);
      columns.add(value.cast(field.dataType()).as(field.name()));
    }
    return withMetadata(missing.select(columns.toArray(Column[]::new)), source, DELETED);
  }

  private static Dataset<Row> withMetadata(Dataset<Row> rows, JdbcSource source, String change) {
    return rows.withColumn("_source", lit(source.describe()))
        .withColumn("_corrupt_record", lit(null).cast(DataTypes.StringType))
        .withColumn(CHANGE_OP, lit(change));
  }

  /** The change of each bronze row; rows written before {@code _change_op} existed were reads. */
  private static Column changeOp(Dataset<Row> bronze) {
    return Arrays.asList(bronze.columns()).contains(CHANGE_OP)
        ? coalesce(col(CHANGE_OP), lit(READ))
        : lit(READ);
  }

  private static void requireColumns(
      PipelineSpec spec,
      JdbcSource source,
      Dataset<Row> bronze,
      List<String> columns,
      String action) {
    List<String> present = Arrays.asList(bronze.columns());
    for (String column : columns) {
      if (!present.contains(column)) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Cannot %s: bronze table %s has no column %s. Keep the source's columns in the"
                + " pipeline's transform",
            String.format(action, source.describe()),
            spec.output(),
            column);
      }
    }
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null ? error.getClass().getSimpleName() : message.strip();
  }
}
