package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.stream.Collectors;

/** {@link Rule.AllowedValues}: a column holds only the listed values; nulls pass. */
final class AllowedValuesCheck extends RowRuleCheck<Rule.AllowedValues> {
  AllowedValuesCheck() {
    super(Rule.AllowedValues.class);
  }

  @Override
  String passPredicate(Expectation expectation, Rule.AllowedValues rule) {
    return String.format(
        "(%s IS NULL OR %s IN (%s))",
        quoted(rule.column()),
        quoted(rule.column()),
        rule.values().stream().map(QualityGate::literal).collect(Collectors.joining(", ")));
  }

  @Override
  String criterion(Rule.AllowedValues rule) {
    return rule.column() + " in " + rule.values();
  }

  @Override
  String describe(Rule.AllowedValues rule, Layer layer) {
    return "`" + rule.column() + "` only one of " + code(rule.values());
  }
}
