package io.medalla.internal.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: each column as wide as its widest value, one space apart. */
final class TextTable {
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headings) {
    rows.add(List.of(headings));
  }

  /** Adds a row; it must have one value per heading. */
  TextTable add(String... values) {
    if (values.length != rows.get(0).size()) {
      throw new IllegalArgumentException(
          "Cannot add a row of " + values.length + " values to a table of " + rows.get(0).size());
    }
    rows.add(List.of(values));
    return this;
  }

  /** Prints the headings, then the rows; the last column is not padded. */
  void print(PrintWriter out) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int column = 0; column < columns; column++) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int column = 0; column < columns - 1; column++) {
        line.append(row.get(column))
            .append(" ".repeat(widths[column] - row.get(column).length() + 1));
      }
      out.println(line.append(row.get(columns - 1)));
    }
  }
}
