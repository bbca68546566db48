package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;

/**
 * A landing folder a bronze pipeline ingests. Files for logical date {@code D} are read from {@code
 * <landing>/<folder>/<D>/}. Records are parsed with {@code schema} (a Spark DDL string); a record
 * that does not parse is kept in the {@code _corrupt_record} column, never dropped.
 *
 * @param format the file format: {@code json} (JSON lines), {@code csv} or {@code parquet}
 * @param folder the folder below the landing root, for example {@code product/events}
 * @param schema the declared record schema as Spark DDL, for example {@code "id STRING, n INT"}
 * @param options extra Spark reader options
 */
public record FileSource(String format, String folder, String schema, Map<String, String> options)
    implements Source {
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

  /** A folder of Parquet files. */
  public static FileSource parquet(String folder, String schema) {
    return new FileSource("parquet", folder, schema, Map.of());
  }
}
