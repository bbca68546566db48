package io.medalla.api;

import java.time.Duration;
import java.util.List;

/** Factories for the {@link Rule}s of expectations: {@code Expect.unique("event_id").fail()}. */
public final class Expect {
  private Expect() {}

  /** The columns are never null. */
  public static Rule.Complete complete(String... columns) {
    return new Rule.Complete(List.of(columns), 1.0);
  }

  /** No two rows share these key columns' values. */
  public static Rule.Unique unique(String... columns) {
    return new Rule.Unique(List.of(columns));
  }

  /** The newest value of a timestamp column is at most {@code maxAge} before the logical time. */
  public static Rule.Fresh fresh(String column, Duration maxAge) {
    return new Rule.Fresh(column, maxAge);
  }

  /** The output matches a Spark DDL schema, with the layer's drift policy. */
  public static Rule.Schema schema(String ddl) {
    return new Rule.Schema(ddl, DriftPolicy.LAYER_DEFAULT);
  }

  /** The column holds only these values. */
  public static Rule.AllowedValues values(String column, String... allowed) {
    return new Rule.AllowedValues(column, List.of(allowed));
  }

  /** The numeric column lies within [min, max]. */
  public static Rule.Range between(String column, double min, double max) {
    return new Rule.Range(column, min, max);
  }

  /** The string column matches a regular expression. */
  public static Rule.Pattern matches(String column, String regex) {
    return new Rule.Pattern(column, regex);
  }

  /** Each row satisfies a Spark SQL predicate; {@code name} names the rule. */
  public static Rule.Predicate satisfies(String name, String sql) {
    return new Rule.Predicate(name, sql);
  }

  /** The batch has between {@code min} and {@code max} rows. */
  public static Rule.RowCount rowCount(long min, long max) {
    return new Rule.RowCount(min, max);
  }

  /** Every value of {@code column} exists in {@code referencedColumn} of an input table. */
  public static Rule.References references(
      String column, String catalogName, String referencedColumn) {
    return new Rule.References(column, TableId.parse(catalogName), referencedColumn);
  }

  /** The row count moves by at most these relative rates against the previous run. */
  public static Rule.RowCountChange rowCountChange(double maxDecrease, double maxIncrease) {
    return new Rule.RowCountChange(maxDecrease, maxIncrease);
  }

  /** The column's null rate moves by at most {@code maxChange} between runs. */
  public static Rule.NullRateDrift nullRateDrift(String column, double maxChange) {
    return new Rule.NullRateDrift(column, maxChange);
  }

  /** The column's mean stays within {@code maxDeviations} standard deviations of its history. */
  public static Rule.MeanShift meanShift(String column, double maxDeviations) {
    return new Rule.MeanShift(column, maxDeviations);
  }
}
