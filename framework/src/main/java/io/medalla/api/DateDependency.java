package io.medalla.api;

import static java.util.Objects.requireNonNull;

/**
 * How a partitioned table's partitions depend on an input: the input row whose {@code
 * dateExpression} evaluates to day {@code t} feeds the output partitions {@code t} to {@code t +
 * windowDays - 1}. An incremental run reads the input's changes since the last processed version,
 * evaluates the expression on them, and recomputes exactly the output partitions they feed; a
 * backfill of the input refreshes them the same way.
 *
 * @param input the input table
 * @param dateExpression a Spark SQL expression over the input's columns giving a {@code DATE}, for
 *     example {@code event_date} or {@code to_date(occurred_at)}
 * @param windowDays how many consecutive output partitions one input day feeds: 1 for a daily
 *     table, 7 for a rolling 7-day window
 */
public record DateDependency(TableId input, String dateExpression, int windowDays) {
  public DateDependency {
    requireNonNull(input, "input is null");
    requireNonNull(dateExpression, "dateExpression is null");
    if (dateExpression.isBlank()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid date dependency on %s: the date expression is empty",
          input);
    }
    if (windowDays < 1) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid date dependency on %s: the window is %d days; give at least 1",
          input,
          windowDays);
    }
  }
}
