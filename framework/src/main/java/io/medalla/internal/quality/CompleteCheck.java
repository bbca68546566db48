package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link Rule.Complete}: the columns are not null, in at least a fraction of the rows. */
final class CompleteCheck extends RowRuleCheck<Rule.Complete> {
  CompleteCheck() {
    super(Rule.Complete.class);
  }

  @Override
  String passPredicate(Expectation expectation, Rule.Complete rule) {
    return rule.columns().stream()
        .map(column -> quoted(column) + " IS NOT NULL")
        .collect(Collectors.joining(" AND ", "(", ")"));
  }

  @Override
  double minFraction(Rule.Complete rule) {
    return rule.minFraction();
  }

  @Override
  String criterion(Rule.Complete rule) {
    return "completeness of " + rule.columns();
  }

  @Override
  String describe(Rule.Complete rule, Layer layer) {
    return rule.minFraction() >= 1
        ? code(rule.columns()) + " never null"
        : code(rule.columns())
            + " non-null in at least "
            + percent(rule.minFraction())
            + " of rows";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("a number");
  }

  @Override
  Rule.Complete withThreshold(Rule.Complete rule, String value) {
    return new Rule.Complete(rule.columns(), Double.parseDouble(value));
  }

  @Override
  List<String> problems(Rule.Complete rule, String where) {
    return rule.minFraction() < 0 || rule.minFraction() > 1
        ? List.of(String.format("%s: minFraction %s is not within 0..1", where, rule.minFraction()))
        : List.of();
  }
}
