package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.medalla.api.Columns;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Where a candidate's records came from: bronze's provenance columns ({@link Columns#PROVENANCE}),
 * which a silver transformation may carry so that the quarantine records each bad record's file,
 * line and raw bronze record, and names a malformed one as such. They are bronze's own columns; in
 * other layers they are stripped before publishing.
 */
public final class Provenance {
  /** The check that a record parsed: built in for file sources and for candidates carrying it. */
  public static final String WELL_FORMED = "well_formed";

  static final String SOURCE = "_source";
  static final String LINE = "_line";
  static final String CORRUPT_RECORD = "_corrupt_record";

  /** The quarantine's columns locating a record and keeping its raw bronze form. */
  static final String SOURCE_COLUMN = "source";

  static final String LINE_COLUMN = "line";
  static final String RAW_RECORD_COLUMN = "raw_record";

  private Provenance() {}

  /**
   * The checks the framework adds for a candidate of {@code layer}: outside bronze, a candidate
   * that carries {@code _corrupt_record} quarantines the records that did not parse.
   */
  public static List<Expectation> checks(Layer layer, Dataset<Row> candidate) {
    return layer != Layer.BRONZE && has(candidate, CORRUPT_RECORD)
        ? List.of(Expect.satisfies(WELL_FORMED, quoted(CORRUPT_RECORD) + " IS NULL").quarantine())
        : List.of();
  }

  /** The rows to publish to a table of {@code layer}: outside bronze, without provenance. */
  public static Dataset<Row> published(Layer layer, Dataset<Row> rows) {
    return layer == Layer.BRONZE ? rows : rows.drop(Columns.PROVENANCE.toArray(String[]::new));
  }

  /** The quarantine's source, line and raw record of the rows of {@code data}. */
  static List<Column> quarantineColumns(Dataset<Row> data) {
    return List.of(
        column(data, SOURCE, DataTypes.StringType).as(SOURCE_COLUMN),
        column(data, LINE, DataTypes.LongType).as(LINE_COLUMN),
        column(data, CORRUPT_RECORD, DataTypes.StringType).as(RAW_RECORD_COLUMN));
  }

  /**
   * {@code quarantined} with the raw record of each well-formed row: in bronze its record; in other
   * layers the record of the bronze input row with the same source and line, as JSON.
   */
  static Dataset<Row> withRawRecords(
      Dataset<Row> quarantined, Layer layer, List<Dataset<Row>> bronzeInputs) {
    if (layer == Layer.BRONZE) {
      return quarantined.withColumn(
          RAW_RECORD_COLUMN, coalesce(col(RAW_RECORD_COLUMN), col("record")));
    }
    Dataset<Row> wanted =
        quarantined
            .where(col(RAW_RECORD_COLUMN).isNull().and(col(LINE_COLUMN).isNotNull()))
            .select(col(SOURCE_COLUMN), col(LINE_COLUMN))
            .distinct();
    Optional<Dataset<Row>> found =
        bronzeInputs.stream()
            .filter(bronze -> has(bronze, SOURCE) && has(bronze, LINE))
            .map(bronze -> rawRecords(bronze, wanted))
            .reduce(Dataset::unionAll);
    if (found.isEmpty()) {
      return quarantined;
    }
    Dataset<Row> raw = found.get().dropDuplicates(SOURCE_COLUMN, LINE_COLUMN);
    return quarantined
        .join(broadcast(raw), new String[] {SOURCE_COLUMN, LINE_COLUMN}, "left")
        .withColumn(RAW_RECORD_COLUMN, coalesce(col(RAW_RECORD_COLUMN), col("bronze_record")))
        .select(
            Arrays.stream(quarantined.columns())
                .map(Provenance::quotedColumn)
                .toArray(Column[]::new));
  }

  /** The bronze rows at the wanted sources and lines, each as its raw text or its record. */
  private static Dataset<Row> rawRecords(Dataset<Row> bronze, Dataset<Row> wanted) {
    Column[] recordColumns =
        Arrays.stream(bronze.columns())
            .filter(column -> !column.startsWith("_"))
            .map(Provenance::quotedColumn)
            .toArray(Column[]::new);
    Column record = to_json(struct(recordColumns));
    Column text = has(bronze, CORRUPT_RECORD) ? coalesce(col(CORRUPT_RECORD), record) : record;
    return bronze
        .join(
            broadcast(wanted),
            bronze
                .col(SOURCE)
                .equalTo(wanted.col(SOURCE_COLUMN))
                .and(bronze.col(LINE).equalTo(wanted.col(LINE_COLUMN))),
            "left_semi")
        .select(
            col(SOURCE).as(SOURCE_COLUMN),
            col(LINE).cast(DataTypes.LongType).as(LINE_COLUMN),
            text.as("bronze_record"));
  }

  private static Column column(
      Dataset<Row> data, String name, org.apache.spark.sql.types.DataType type) {
    return has(data, name) ? col(name).cast(type) : lit(null).cast(type);
  }

  private static Column quotedColumn(String name) {
    return col(quoted(name));
  }

  static boolean has(Dataset<Row> data, String column) {
    return Arrays.asList(data.columns()).contains(column);
  }
}
