package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * A landing folder a bronze pipeline ingests. Files for logical date {@code D} are read from {@code
 * <landing>/<folder>/<D>/}. Records are parsed with {@code schema} (a Spark DDL string); a record
 * that does not parse is kept in the {@code _corrupt_record} column, never dropped.
 *
 * @param format the file format: {@code json} (JSON lines), {@code csv} or {@code parquet}
 * @param folder the folder below the landing root, for example {@code product/events}
 * @param schema the declared record schema as Spark DDL, for example {@code "id STRING, n INT"}
 * @param options extra Spark reader options
 * @param changeKey for Debezium change events, the row key as Spark DDL ({@code "order_id
 *     BIGINT"}), stored as typed bronze columns taken from the row images at ingest, so change
 *     pipelines find a key's events without parsing every image; empty otherwise
 */
public record FileSource(
    String format, String folder, String schema, Map<String, String> options, String changeKey)
    implements Source {
  /** The Debezium envelope as bronze keeps it: the row images as raw JSON strings. */
  public static final String DEBEZIUM_ENVELOPE =
      "before STRING, after STRING, op STRING, ts_ms BIGINT,"
          + " source STRUCT<lsn: BIGINT, ts_ms: BIGINT>";

  public FileSource {
    requireNonNull(format, "format is null");
    requireNonNull(folder, "folder is null");
    requireNonNull(schema, "schema is null");
    format = format.toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("csv") && !format.equals("parquet")) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid source format '%s' for folder %s: allowed formats are json, csv and parquet",
          format,
          folder);
    }
    if (folder.isBlank() || folder.startsWith("/") || folder.contains("..")) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid source folder '%s': give a relative path below the landing root, without '..'",
          folder);
    }
    options = Map.copyOf(options);
    requireNonNull(changeKey, "changeKey is null");
    if (!changeKey.isBlank()) {
      List<String> envelope = Arrays.asList(StructType.fromDDL(schema).fieldNames());
      for (String key : keyFields(folder, changeKey).fieldNames()) {
        if (envelope.contains(key)) {
          throw new MedallaException(
              ErrorCode.INVALID_PIPELINE,
              "Invalid change key '%s' for folder %s: the records already have a field %s; name"
                  + " the row's key columns, not the envelope's",
              changeKey,
              folder,
              key);
        }
      }
    }
  }

  /** The change key's columns. */
  public StructType changeKeyColumns() {
    return changeKey.isBlank() ? new StructType() : keyFields(folder, changeKey);
  }

  private static StructType keyFields(String folder, String changeKey) {
    try {
      return StructType.fromDDL(changeKey);
    } catch (Exception e) { // Spark's ParseException is checked in Scala only
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          e,
          "Invalid change key '%s' for folder %s: give Spark DDL, for example \"id BIGINT\"",
          changeKey,
          folder);
    }
  }

  public FileSource(String format, String folder, String schema, Map<String, String> options) {
    this(format, folder, schema, options, "");
  }

  @Override
  public String describe() {
    return format + ":" + folder;
  }

  /** A folder of JSON-lines files. */
  public static FileSource jsonLines(String folder, String schema) {
    return new FileSource("json", folder, schema, Map.of());
  }

  /** A folder of CSV files with a header line. */
  public static FileSource csv(String folder, String schema) {
    return new FileSource("csv", folder, schema, Map.of("header", "true"));
  }

  /**
   * A folder of Debezium change events as JSON lines ({@link #DEBEZIUM_ENVELOPE}) of rows keyed by
   * {@code changeKey}, Spark DDL such as {@code "order_id BIGINT"}.
   */
  public static FileSource debezium(String folder, String changeKey) {
    if (changeKey.isBlank()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid Debezium source %s: give the row key as Spark DDL, for example \"id BIGINT\"",
          folder);
    }
    return new FileSource("json", folder, DEBEZIUM_ENVELOPE, Map.of(), changeKey);
  }

  /** A folder of Parquet files. */
  public static FileSource parquet(String folder, String schema) {
    return new FileSource("parquet", folder, schema, Map.of());
  }
}
