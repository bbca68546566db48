package io.medalla.api;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.MetadataBuilder;

/** Helpers for the columns a transformation outputs. */
public final class Columns {
  private Columns() {}

  /**
   * {@code column} named {@code name} with {@code comment} as its column comment, which Delta keeps
   * in the table's schema for catalogs and BI tools.
   */
  public static Column commented(Column column, String name, String comment) {
    return column.as(name, new MetadataBuilder().putString("comment", comment).build());
  }

  /** {@code name} as a quoted SQL identifier: dots and backticks are part of the name. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
