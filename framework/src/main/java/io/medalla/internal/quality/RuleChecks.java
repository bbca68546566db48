package io.medalla.internal.quality;

import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The check of every kind of {@link Rule}, by the rule's class. */
public final class RuleChecks {
  private static final Map<Class<?>, RuleCheck<?>> CHECKS =
      byType(
          List.of(
              new CompleteCheck(),
              new UniqueCheck(),
              new FreshCheck(),
              new SchemaCheck(),
              new AllowedValuesCheck(),
              new RangeCheck(),
              new PatternCheck(),
              new PredicateCheck(),
              new RowCountCheck(),
              new ReferencesCheck(),
              new RowCountChangeCheck(),
              new NullRateDriftCheck(),
              new MeanShiftCheck()));

  private RuleChecks() {}

  /** What a rule checks, in words an operator reads, for runbooks. */
  public static String describe(Rule rule, Layer layer) {
    return of(rule).describe(rule, layer);
  }

  /** The kinds of rule that have a check. */
  static List<Class<?>> kinds() {
    return List.copyOf(CHECKS.keySet());
  }

  /** The check of {@code rule}'s kind. */
  @SuppressWarnings("unchecked") // each check is stored under the rule type it handles
  static <R extends Rule> RuleCheck<R> of(R rule) {
    RuleCheck<?> check = CHECKS.get(rule.getClass());
    if (check == null) {
      throw new IllegalStateException("No check for rule kind " + rule.getClass().getName());
    }
    return (RuleCheck<R>) check;
  }

  /** The check of {@code rule} when it judges rows one by one. */
  static <R extends Rule> Optional<RowRuleCheck<R>> rowLevel(R rule) {
    return of(rule) instanceof RowRuleCheck<R> check ? Optional.of(check) : Optional.empty();
  }

  /** The check of {@code rule} when it compares a metric with its history. */
  static <R extends Rule> Optional<AnomalyRuleCheck<R>> anomaly(R rule) {
    return of(rule) instanceof AnomalyRuleCheck<R> check ? Optional.of(check) : Optional.empty();
  }

  private static Map<Class<?>, RuleCheck<?>> byType(List<RuleCheck<?>> checks) {
    Map<Class<?>, RuleCheck<?>> byType = new LinkedHashMap<>();
    for (RuleCheck<?> check : checks) {
      if (byType.put(check.type(), check) != null) {
        throw new IllegalStateException("Two checks for rule kind " + check.type().getName());
      }
    }
    return Map.copyOf(byType);
  }
}
