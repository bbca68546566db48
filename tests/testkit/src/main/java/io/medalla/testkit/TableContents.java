package io.medalla.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table's business contents for comparisons: every column not starting with {@code _} (the
 * framework's metadata, which names runs, files and times), rows sorted by all columns.
 */
public final class TableContents {
  private TableContents() {}

  /** The business rows of {@code table}, sorted, each as a list of values. */
  public static List<List<Object>> of(Dataset<Row> table) {
    String[] business =
        Arrays.stream(table.columns())
            .filter(column -> !column.startsWith("_"))
            .toArray(String[]::new);
    String[] rest = Arrays.copyOfRange(business, 1, business.length);
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : table.select(business[0], rest).orderBy(business[0], rest).collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(row.get(i));
      }
      rows.add(values);
    }
    return rows;
  }
}
