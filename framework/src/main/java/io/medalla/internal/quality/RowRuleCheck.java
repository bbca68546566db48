package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.Rule;
import java.util.Optional;

/**
 * A rule that judges rows one by one through a SQL predicate: the gate counts the failing rows in
 * its one analysis and, for a quarantine rule, splits them off the candidate.
 */
abstract class RowRuleCheck<R extends Rule> extends RuleCheck<R> {
  RowRuleCheck(Class<R> type) {
    super(type);
  }

  /** The Spark SQL predicate that is true for a row passing the rule. */
  abstract String passPredicate(Expectation expectation, R rule);

  /** What the rule requires of a row, in the gate's messages: {@code amount between 0 and 9}. */
  abstract String criterion(R rule);

  /** Adds the columns the predicate reads to the candidate; none by default. */
  void prepare(Expectation expectation, R rule, Audit audit) {}

  /** The fraction of rows that must pass. */
  double minFraction(R rule) {
    return 1.0;
  }

  @Override
  final Judgement plan(Expectation expectation, R rule, Audit audit) {
    prepare(expectation, rule, audit);
    String pass = passPredicate(expectation, rule);
    audit.judgesRows(expectation, pass);
    DeequAnalysis.Measure failingRows = audit.analysis().size(Optional.of("NOT (" + pass + ")"));
    double minFraction = minFraction(rule);
    return done -> {
      long rows = done.rows();
      long failing = (long) done.value(failingRows).orElse(0);
      double passing = rows == 0 ? 1.0 : 1.0 - (double) failing / rows;
      boolean passed = passing >= minFraction;
      return CheckResult.of(
          expectation,
          passed,
          failing + " of " + rows + " rows fail",
          minFraction == 1.0 ? "no failing row" : "at least " + minFraction + " passing",
          failing,
          passed
              ? "all rows pass"
              : String.format("%d of %d rows fail %s", failing, rows, criterion(rule)));
    };
  }
}
