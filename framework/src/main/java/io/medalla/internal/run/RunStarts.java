package io.medalla.internal.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medalla.internal.spark.HadoopFileSystems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start rows of the runs in flight: one JSON file per run, {@code <run id>.json}, holding its
 * ledger row with the ledger's column names. Written and read without a Spark job; a file that
 * cannot be parsed (a start cut short by a crash) is skipped with a warning.
 */
final class RunStarts {
  private static final Logger LOG = LoggerFactory.getLogger(RunStarts.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUFFIX = ".json";

  private final SparkSession spark;
  private final Path folder;
  private final StructType schema;

  RunStarts(SparkSession spark, String folder, StructType schema) {
    this.spark = spark;
    this.folder = new Path(folder);
    this.schema = schema;
  }

  /** Writes the start row of run {@code runId}, values in the schema's order. */
  void write(String runId, Object[] values) {
    ObjectNode row = JSON.createObjectNode();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      row.set(fields[i].name(), JSON.valueToTree(toJson(values[i])));
    }
    try {
      FileSystem fs = HadoopFileSystems.of(spark, folder);
      try (OutputStream out = fs.create(file(runId), false)) {
        JSON.writeValue(out, row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot record the start of run " + runId + " in " + folder, e);
    }
  }

  /** Removes the start row of run {@code runId}; a failure only leaves a row the ledger hides. */
  void remove(String runId) {
    try {
      HadoopFileSystems.of(spark, folder).delete(file(runId), false);
    } catch (IOException e) {
      LOG.warn("Cannot remove the start row of run {} from {}", runId, folder, e);
    }
  }

  /** Every start row on file, as a frame with the schema. */
  Dataset<Row> rows() {
    List<Row> rows = new ArrayList<>();
    try {
      FileSystem fs = HadoopFileSystems.of(spark, folder);
      if (fs.exists(folder)) {
        for (FileStatus status : fs.listStatus(folder)) {
          if (status.getPath().getName().endsWith(SUFFIX)) {
            read(fs, status.getPath(), rows);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the runs in flight in " + folder, e);
    }
    return spark.createDataFrame(rows, schema);
  }

  private void read(FileSystem fs, Path file, List<Row> rows) throws IOException {
    JsonNode row;
    try (InputStream in = fs.open(file)) {
      row = JSON.readTree(in);
    } catch (IOException e) {
      LOG.warn("Skipping the unreadable start row {}: {}", file, e.toString());
      return;
    }
    if (row == null || !row.hasNonNull("run_id")) {
      LOG.warn("Skipping the start row {}: it has no run_id", file);
      return;
    }
    StructField[] fields = schema.fields();
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = fromJson(row.get(fields[i].name()), fields[i].dataType());
    }
    rows.add(RowFactory.create(values));
  }

  private Path file(String runId) {
    return new Path(folder, runId + SUFFIX);
  }

  /** Dates and timestamps as ISO-8601 text; lists and maps element by element. */
  private static Object toJson(Object value) {
    if (value instanceof Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RunStarts::toJson).toList();
    }
    return value;
  }

  private static Object fromJson(JsonNode node, DataType type) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (type.equals(DataTypes.DateType)) {
      return Date.valueOf(node.asText());
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from(Instant.parse(node.asText()));
    }
    if (type.equals(DataTypes.LongType)) {
      return node.asLong();
    }
    if (type instanceof ArrayType array) {
      List<Object> elements = new ArrayList<>();
      for (JsonNode element : (ArrayNode) node) {
        elements.add(fromJson(element, array.elementType()));
      }
      return elements;
    }
    if (type instanceof MapType map) {
      Map<String, Object> entries = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              entry -> entries.put(entry.getKey(), fromJson(entry.getValue(), map.valueType())));
      return entries;
    }
    return node.asText();
  }
}
