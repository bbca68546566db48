package io.medalla.testkit;

import static org.apache.spark.sql.functions.col;

import io.medalla.api.Columns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/**
 * A table's business contents for comparisons: every column not starting with {@code _} (the
 * framework's metadata, which names runs, files and times), rows sorted by all columns.
 */
public final class TableContents {
  private TableContents() {}

  /** The business rows of {@code table}, sorted, each as a list of values. */
  public static List<List<Object>> of(Dataset<Row> table) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : sorted(table, List.of()).collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(row.get(i));
      }
      rows.add(values);
    }
    return rows;
  }

  /**
   * The business rows of {@code table}, sorted by all columns, each as text: {@code
   * [2026-11-01,EUR,3,150.50]}, values in column order, {@code null} for null, timestamps in UTC
   * ({@code 2026-11-01T10:00:00Z}), decimals as written, arrays as {@code [a, b]}.
   */
  public static List<String> text(Dataset<Row> table) {
    return text(table, List.of());
  }

  /** As {@link #text(Dataset)}, sorted by {@code leading} first, then by all columns. */
  static List<String> text(Dataset<Row> table, List<String> leading) {
    return sorted(table, leading).collectAsList().stream().map(TableContents::render).toList();
  }

  private static Dataset<Row> sorted(Dataset<Row> table, List<String> leading) {
    List<Column> business =
        Arrays.stream(table.columns())
            .filter(column -> !column.startsWith("_"))
            .map(column -> col(Columns.quoted(column)))
            .toList();
    List<Column> order = new ArrayList<>();
    leading.forEach(column -> order.add(col(Columns.quoted(column))));
    order.addAll(business);
    return table.select(business.toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
  }

  private static String render(Object value) {
    if (value instanceof Row row) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        fields.add(render(row.get(i)));
      }
      return "[" + String.join(",", fields) + "]";
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof scala.collection.Seq<?> sequence) {
      return JavaConverters.seqAsJavaList(sequence).stream()
          .map(TableContents::render)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      return JavaConverters.mapAsJavaMap(map).entrySet().stream()
          .map(entry -> render(entry.getKey()) + "=" + render(entry.getValue()))
          .sorted()
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return String.valueOf(value);
  }
}
