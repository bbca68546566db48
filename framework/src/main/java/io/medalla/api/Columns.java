package io.medalla.api;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.MetadataBuilder;

/** Helpers for the columns a transformation outputs. */
public final class Columns {
  /**
   * Bronze's provenance columns: each record's file ({@code _source}), line ({@code _line}) and,
   * for a record that did not parse, its text ({@code _corrupt_record}). A silver transformation
   * that keeps them in its output has every quarantined record traced to its file, line and raw
   * bronze record, and malformed records quarantined as {@code well_formed} failures; they are
   * never published.
   *
   * @since 0.2.0
   */
  public static final List<String> PROVENANCE = List.of("_source", "_line", "_corrupt_record");

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
