package io.medalla.products;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.testkit.TestWarehouse;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/** Hand-written input tables and readable output rows for the gold data product tests. */
final class GoldFixtures {
  private GoldFixtures() {}

  /**
   * Writes {@code csvLines} (no header; ISO dates and times, an empty field is null) as the Delta
   * table {@code table} with the columns of {@code ddl}, replacing what it held.
   */
  static void writeTable(TestWarehouse warehouse, String table, String ddl, String... csvLines) {
    warehouse
        .spark()
        .read()
        .schema(ddl)
        .csv(warehouse.spark().createDataset(List.of(csvLines), Encoders.STRING()))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(warehouse.warehouse().path(TableId.parse(table)));
  }

  /** The table's business columns (no {@code _} metadata), row by row, sorted by every column. */
  static List<String> rows(TestWarehouse warehouse, String table) {
    Dataset<Row> rows = warehouse.table(table);
    Column[] business =
        Arrays.stream(rows.columns())
            .filter(column -> !column.startsWith("_"))
            .map(column -> col(column))
            .toArray(Column[]::new);
    return rows.select(business).orderBy(business).collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  /** The column comment Delta stores in the table's schema. */
  static String comment(TestWarehouse warehouse, String table, String column) {
    return warehouse.table(table).schema().apply(column).metadata().getString("comment");
  }

  /** Asserts that the run succeeded, showing its error otherwise; returns it. */
  static RunResult succeeded(RunResult result) {
    assertThat(result.record().status())
        .as(result.record().errorMessage().orElse("no error message"))
        .isEqualTo(RunStatus.SUCCEEDED);
    return result;
  }
}
