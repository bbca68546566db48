package io.medalla.internal.ingest;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.MedallaException;
import io.medalla.api.Severity;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.medalla.internal.spark.HadoopFileSystems;
import io.medalla.internal.table.DeltaTables;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Reads the files of one logical date's landing folder that bronze has not ingested yet. The bronze
 * table is the record of what was ingested ({@code _source} of its rows), so a file is ingested
 * exactly once even when a run repeats or dies before its commit. Every record keeps its file
 * ({@code _source}) and line ({@code _line}); a line that does not parse, or whose values do not
 * fit the declared types, is kept whole in {@code _corrupt_record}. New fields found in JSON files
 * are ingested as new columns; new, missing and retyped fields are reported.
 */
public final class FileReader {
  /** The column holding a record that did not parse. */
  public static final String CORRUPT_RECORD = "_corrupt_record";

  /** The metric observed on the lines read: how many were blank and skipped. */
  private static final String BLANK_LINES = "medalla_blank_lines";

  private static final int MALFORMED_EXAMPLES = 10;

  private static final CheckResult AS_DECLARED = drift(List.of(), List.of(), List.of(), List.of());

  /** What one run reads: the new files' records and what their schema looked like. */
  public record FileBatch(Dataset<Row> records, List<String> files, CheckResult schemaDrift) {}

  private FileReader() {}

  /**
   * Reads the new files of {@code logicalDate}.
   *
   * @throws MedallaException with {@link ErrorCode#INPUT_MISSING} when the folder does not exist
   */
  public static FileBatch read(
      SparkSession spark,
      String landingRoot,
      String bronzePath,
      FileSource source,
      LocalDate logicalDate) {
    String folder = landingRoot + "/" + source.folder() + "/" + logicalDate;
    Set<String> ingested = ingestedFiles(spark, bronzePath, logicalDate);
    List<String> files = new ArrayList<>();
    for (String file : listFiles(spark, folder)) {
      if (!ingested.contains(file)) {
        files.add(file);
      }
    }
    StructType declared = StructType.fromDDL(source.schema());
    if (files.isEmpty()) {
      return new FileBatch(
          emptyBatch(spark, declared, source.changeKeyColumns()), files, AS_DECLARED);
    }
    String[] paths = files.toArray(String[]::new);
    if (source.format().equals("parquet")) {
      Dataset<Row> rows = spark.read().schema(declared).options(source.options()).parquet(paths);
      return new FileBatch(
          ordered(
              rows.withColumn("_source", col("_metadata.file_path"))
                  .withColumn("_line", col("_metadata.row_index").plus(1))
                  .withColumn(CORRUPT_RECORD, lit(null).cast(DataTypes.StringType)),
              declared,
              source.changeKeyColumns()),
          files,
          AS_DECLARED);
    }
    StructType parsed = declared;
    CheckResult drift = AS_DECLARED;
    if (source.format().equals("json")) {
      StructType arriving = spark.read().options(source.options()).json(paths).schema();
      parsed = withNewFields(declared, arriving);
      drift = compare(declared, arriving);
    }
    Dataset<Row> lines =
        spark
            .read()
            .text(paths)
            .select(
                col("value"),
                col("_metadata.file_path").as("_source"),
                col("_metadata.file_block_start").as("block"),
                monotonically_increasing_id().as("position"))
            .withColumn(
                "_line",
                row_number()
                    .over(Window.partitionBy("_source").orderBy(col("block"), col("position")))
                    .cast(DataTypes.LongType));
    Map<String, String> options = new HashMap<>(source.options());
    options.put("mode", "PERMISSIVE");
    options.put("columnNameOfCorruptRecord", CORRUPT_RECORD);
    StructType withCorrupt = parsed.add(CORRUPT_RECORD, DataTypes.StringType);
    Column record;
    if (source.format().equals("csv")) {
      if (Boolean.parseBoolean(source.options().getOrDefault("header", "false"))) {
        lines = lines.where(col("_line").gt(1));
      }
      record = from_csv(col("value"), lit(withCorrupt.toDDL()), options);
    } else {
      record = from_json(col("value"), withCorrupt, options);
    }
    // Like Spark's own JSON and CSV readers, a line of nothing but white space holds no record.
    Column blank = col("value").rlike("^\\s*$");
    Dataset<Row> records =
        lines
            .observe(BLANK_LINES, count_if(blank).as("lines"))
            .where(not(blank))
            .select(record.as("record"), col("_source"), col("_line"))
            .select(col("record.*"), col("_source"), col("_line"));
    return new FileBatch(ordered(records, parsed, source.changeKeyColumns()), files, drift);
  }

  /**
   * The well-formedness result of a run's candidate: names the files and lines of a few malformed
   * records and counts the blank lines skipped. Call it after the candidate was computed.
   */
  public static CheckResult describeWellFormed(CheckResult result, Dataset<Row> candidate) {
    String observed = result.observed();
    String message = result.message();
    if (result.failingRows() > 0
        && Arrays.asList(candidate.columns()).containsAll(List.of("_source", "_line"))) {
      List<String> locations =
          candidate
              .where(col(CORRUPT_RECORD).isNotNull())
              .select(col("_source"), col("_line"))
              .orderBy(col("_source"), col("_line"))
              .limit(MALFORMED_EXAMPLES)
              .collectAsList()
              .stream()
              .map(row -> row.getString(0) + ":" + row.getLong(1))
              .toList();
      message =
          String.format(
              "%d malformed records %s, e.g. %s",
              result.failingRows(),
              result.severity() == Severity.QUARANTINE
                  ? "quarantined"
                  : "kept in " + CORRUPT_RECORD,
              String.join(", ", locations));
    }
    Option<Row> blank = candidate.queryExecution().observedMetrics().get(BLANK_LINES);
    long blankLines = blank.isDefined() ? blank.get().getLong(0) : 0;
    if (blankLines > 0) {
      String skipped = String.format("; %d blank lines skipped", blankLines);
      observed += skipped;
      message += skipped;
    }
    return new CheckResult(
        result.expectation(),
        result.rule(),
        result.severity(),
        result.status(),
        observed,
        result.threshold(),
        result.failingRows(),
        message);
  }

  /**
   * The records' columns, then the change key's typed columns taken from the row image ({@code
   * after}, or {@code before} for a delete), then where each record came from.
   */
  private static Dataset<Row> ordered(
      Dataset<Row> records, StructType schema, StructType changeKey) {
    List<Column> columns = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      columns.add(col(quoted(name)));
    }
    for (StructField key : changeKey.fields()) {
      columns.add(
          get_json_object(coalesce(col("after"), col("before")), "$." + key.name())
              .cast(key.dataType())
              .as(key.name()));
    }
    columns.add(col("_source"));
    columns.add(col("_line"));
    columns.add(col(CORRUPT_RECORD));
    return records.select(columns.toArray(Column[]::new));
  }

  private static Dataset<Row> emptyBatch(
      SparkSession spark, StructType declared, StructType changeKey) {
    StructType schema = declared;
    for (StructField key : changeKey.fields()) {
      schema = schema.add(key);
    }
    schema =
        schema
            .add("_source", DataTypes.StringType)
            .add("_line", DataTypes.LongType)
            .add(CORRUPT_RECORD, DataTypes.StringType);
    return spark.createDataFrame(List.of(), schema);
  }

  /** The declared fields, then fields only the files have, with their inferred types. */
  private static StructType withNewFields(StructType declared, StructType arriving) {
    Set<String> known = new HashSet<>(Arrays.asList(declared.fieldNames()));
    StructType result = declared;
    for (StructField field : arriving.fields()) {
      if (!known.contains(field.name()) && !field.name().equals(CORRUPT_RECORD)) {
        result = result.add(field.name(), field.dataType());
      }
    }
    return result;
  }

  private static CheckResult compare(StructType declared, StructType arriving) {
    Set<String> declaredNames = new HashSet<>(Arrays.asList(declared.fieldNames()));
    List<String> added = new ArrayList<>();
    for (StructField field : arriving.fields()) {
      if (!declaredNames.contains(field.name()) && !field.name().equals(CORRUPT_RECORD)) {
        added.add(field.name() + " " + field.dataType().simpleString());
      }
    }
    Comparison comparison = new Comparison();
    comparison.fields("", declared, arriving);
    return drift(added, comparison.missing, comparison.retyped, comparison.unread);
  }

  /** Declared fields compared with the arriving ones, into structs, arrays and maps. */
  private static final class Comparison {
    final List<String> missing = new ArrayList<>();
    final List<String> retyped = new ArrayList<>();
    final List<String> unread = new ArrayList<>();

    void fields(String prefix, StructType declared, StructType arriving) {
      Map<String, StructField> arrived = new HashMap<>();
      for (StructField field : arriving.fields()) {
        arrived.put(field.name(), field);
      }
      Set<String> declaredNames = new HashSet<>(Arrays.asList(declared.fieldNames()));
      for (StructField field : declared.fields()) {
        StructField found = arrived.get(field.name());
        if (found == null) {
          missing.add(prefix + field.name());
        } else {
          types(prefix + field.name(), field.dataType(), found.dataType());
        }
      }
      if (!prefix.isEmpty()) {
        for (StructField field : arriving.fields()) {
          if (!declaredNames.contains(field.name())) {
            unread.add(prefix + field.name());
          }
        }
      }
    }

    void types(String name, DataType declared, DataType found) {
      if (declared instanceof StructType declaredStruct
          && found instanceof StructType foundStruct) {
        fields(name + ".", declaredStruct, foundStruct);
      } else if (declared instanceof ArrayType declaredArray
          && found instanceof ArrayType foundArray) {
        types(name + "[]", declaredArray.elementType(), foundArray.elementType());
      } else if (declared instanceof MapType declaredMap && found instanceof MapType foundMap) {
        types(name + "{}", declaredMap.valueType(), foundMap.valueType());
      } else if (!fits(found, declared)) {
        retyped.add(
            String.format(
                "%s arrives as %s, declared %s",
                name, found.simpleString(), declared.simpleString()));
      }
    }
  }

  /** Whether values inferred as {@code found} parse as the declared type. */
  private static boolean fits(DataType found, DataType declared) {
    if (found.equals(declared) || declared.equals(DataTypes.StringType)) {
      return true;
    }
    boolean integral = found.equals(DataTypes.LongType) || found.equals(DataTypes.IntegerType);
    return integral
        && (declared.equals(DataTypes.IntegerType)
            || declared.equals(DataTypes.LongType)
            || declared.equals(DataTypes.DoubleType)
            || declared instanceof DecimalType);
  }

  /**
   * The schema drift finding. Fields a declared struct gained ({@code unread}) are not drift: the
   * struct reads only its declared fields; they are named in a passing result.
   */
  private static CheckResult drift(
      List<String> added, List<String> missing, List<String> retyped, List<String> unread) {
    List<String> findings = new ArrayList<>();
    if (!added.isEmpty()) {
      findings.add("new columns, ingested: " + added);
    }
    if (!missing.isEmpty()) {
      findings.add("declared columns missing from every record: " + missing);
    }
    if (!retyped.isEmpty()) {
      findings.add("retyped columns, their records kept in _corrupt_record: " + retyped);
    }
    String notRead = unread.isEmpty() ? "" : "; nested fields not declared, not read: " + unread;
    return new CheckResult(
        "schema_drift",
        "SchemaDrift",
        Severity.WARN,
        findings.isEmpty() ? CheckStatus.PASSED : CheckStatus.FAILED,
        (findings.isEmpty() ? "as declared" : String.join("; ", findings)) + notRead,
        "the declared source schema",
        0,
        (findings.isEmpty()
                ? "the files match the declared schema"
                : "schema drift in the landed files: " + String.join("; ", findings))
            + notRead);
  }

  private static Set<String> ingestedFiles(
      SparkSession spark, String bronzePath, LocalDate logicalDate) {
    if (!DeltaTables.exists(spark, bronzePath)) {
      return Set.of();
    }
    return new HashSet<>(
        spark
            .read()
            .format("delta")
            .load(bronzePath)
            .where(col("_batch_id").equalTo(logicalDate.toString()))
            .select("_source")
            .distinct()
            .as(Encoders.STRING())
            .collectAsList());
  }

  /** The folder's data files as Spark names them in {@code _metadata.file_path}, sorted. */
  private static List<String> listFiles(SparkSession spark, String folder) {
    Path path = new Path(folder);
    try {
      FileSystem fileSystem = HadoopFileSystems.of(spark, path);
      if (!fileSystem.exists(path)) {
        throw new MedallaException(
            ErrorCode.INPUT_MISSING,
            "Cannot read landing folder %s: it does not exist. Land the day's files there, then"
                + " re-run",
            folder);
      }
      List<String> files = new ArrayList<>();
      for (FileStatus status : fileSystem.listStatus(path)) {
        String name = status.getPath().getName();
        if (status.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          files.add(status.getPath().toString());
        }
      }
      files.sort(String::compareTo);
      return files;
    } catch (IOException e) {
      throw new MedallaException(
          ErrorCode.INPUT_MISSING, e, "Cannot read landing folder %s: %s", folder, e.getMessage());
    }
  }
}
