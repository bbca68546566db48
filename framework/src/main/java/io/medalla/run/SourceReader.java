package io.medalla.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.MedallaException;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one logical date's landing files with the declared schema. Records that do not parse, or
 * whose values do not fit the declared types, are kept whole in {@code _corrupt_record}; every row
 * carries the file it came from in {@code _source}.
 */
final class SourceReader {
  static final String CORRUPT_RECORD = "_corrupt_record";

  private SourceReader() {}

  static String folder(String landingRoot, FileSource source, LocalDate logicalDate) {
    return landingRoot + "/" + source.folder() + "/" + logicalDate;
  }

  static Dataset<Row> read(
      SparkSession spark, String landingRoot, FileSource source, LocalDate logicalDate) {
    String folder = folder(landingRoot, source, logicalDate);
    requireFolder(spark, folder);
    StructType declared = StructType.fromDDL(source.schema());
    Dataset<Row> records;
    if (source.format().equals("parquet")) {
      records =
          spark
              .read()
              .schema(declared)
              .options(source.options())
              .parquet(folder)
              .withColumn(CORRUPT_RECORD, lit(null).cast(DataTypes.StringType));
    } else {
      records =
          spark
              .read()
              .format(source.format())
              .schema(declared.add(CORRUPT_RECORD, DataTypes.StringType))
              .option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
              .options(source.options())
              .load(folder);
    }
    List<Column> ordered = new ArrayList<>();
    for (String name : declared.fieldNames()) {
      ordered.add(col(name));
    }
    ordered.add(col("_metadata.file_path").as("_source"));
    ordered.add(col(CORRUPT_RECORD));
    return records.select(ordered.toArray(Column[]::new));
  }

  private static void requireFolder(SparkSession spark, String folder) {
    Path path = new Path(folder);
    try {
      FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fileSystem.exists(path)) {
        throw new MedallaException(
            ErrorCode.INPUT_MISSING,
            "Cannot read landing folder %s: it does not exist. Land the day's files there, then"
                + " re-run",
            folder);
      }
    } catch (IOException e) {
      throw new MedallaException(
          ErrorCode.INPUT_MISSING, e, "Cannot read landing folder %s: %s", folder, e.getMessage());
    }
  }
}
