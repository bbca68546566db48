package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/** {@link Rule.Pattern}: a string column matches a regular expression; nulls pass. */
final class PatternCheck extends RowRuleCheck<Rule.Pattern> {
  PatternCheck() {
    super(Rule.Pattern.class);
  }

  @Override
  String passPredicate(Expectation expectation, Rule.Pattern rule) {
    return String.format(
        "(%1$s IS NULL OR %1$s RLIKE %2$s)",
        quoted(rule.column()), QualityGate.literal(rule.regex()));
  }

  @Override
  String criterion(Rule.Pattern rule) {
    return rule.column() + " matching " + rule.regex();
  }

  @Override
  String describe(Rule.Pattern rule, Layer layer) {
    return "`" + rule.column() + "` matches `" + rule.regex() + "`";
  }

  @Override
  List<String> problems(Rule.Pattern rule, String where) {
    try {
      java.util.regex.Pattern.compile(rule.regex());
      return List.of();
    } catch (PatternSyntaxException e) {
      return List.of(
          String.format(
              "%s: invalid regular expression '%s': %s", where, rule.regex(), e.getDescription()));
    }
  }
}
