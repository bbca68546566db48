package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;

/** {@link Rule.RowCount}: the batch has between min and max rows. */
final class RowCountCheck extends RuleCheck<Rule.RowCount> {
  RowCountCheck() {
    super(Rule.RowCount.class);
  }

  @Override
  Judgement plan(Expectation expectation, Rule.RowCount rule, Audit audit) {
    return done -> {
      long rows = done.rows();
      boolean passed = rows >= rule.min() && rows <= rule.max();
      return CheckResult.of(
          expectation,
          passed,
          rows + " rows",
          rule.min() + ".." + rule.max(),
          0,
          passed
              ? "row count within bounds"
              : rows + " rows, outside " + rule.min() + ".." + rule.max());
    };
  }

  @Override
  String describe(Rule.RowCount rule, Layer layer) {
    return "between " + rule.min() + " and " + rule.max() + " rows per run";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("two numbers 'min,max'");
  }

  @Override
  Rule.RowCount withThreshold(Rule.RowCount rule, String value) {
    double[] bounds = Thresholds.pair(value);
    return new Rule.RowCount((long) bounds[0], (long) bounds[1]);
  }

  @Override
  List<String> problems(Rule.RowCount rule, String where) {
    return rule.min() > rule.max()
        ? List.of(String.format("%s: min %d is above max %d", where, rule.min(), rule.max()))
        : List.of();
  }
}
