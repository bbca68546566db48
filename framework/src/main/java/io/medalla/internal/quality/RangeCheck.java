package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;

/** {@link Rule.Range}: a numeric column lies within [min, max]; nulls pass. */
final class RangeCheck extends RowRuleCheck<Rule.Range> {
  RangeCheck() {
    super(Rule.Range.class);
  }

  @Override
  String passPredicate(Expectation expectation, Rule.Range rule) {
    return String.format(
        "(%1$s IS NULL OR (%1$s >= %2$s AND %1$s <= %3$s))",
        quoted(rule.column()), number(rule.min()), number(rule.max()));
  }

  @Override
  String criterion(Rule.Range rule) {
    return rule.column() + " between " + rule.min() + " and " + rule.max();
  }

  @Override
  String describe(Rule.Range rule, Layer layer) {
    return "`" + rule.column() + "` between " + rule.min() + " and " + rule.max();
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("two numbers 'min,max'");
  }

  @Override
  Rule.Range withThreshold(Rule.Range rule, String value) {
    double[] bounds = Thresholds.pair(value);
    return new Rule.Range(rule.column(), bounds[0], bounds[1]);
  }

  @Override
  List<String> problems(Rule.Range rule, String where) {
    return rule.min() > rule.max()
        ? List.of(String.format("%s: min %s is above max %s", where, rule.min(), rule.max()))
        : List.of();
  }

  /** A SQL number; Infinity is no SQL literal, so infinite bounds are cast from strings. */
  private static String number(double value) {
    return Double.isFinite(value) ? Double.toString(value) : "CAST('" + value + "' AS DOUBLE)";
  }
}
