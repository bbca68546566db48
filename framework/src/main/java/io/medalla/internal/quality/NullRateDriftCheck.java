package io.medalla.internal.quality;

import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * {@link Rule.NullRateDrift}: a column's completeness moves by at most an absolute change between
 * runs (Deequ's absolute change).
 */
final class NullRateDriftCheck extends AnomalyRuleCheck<Rule.NullRateDrift> {
  NullRateDriftCheck() {
    super(Rule.NullRateDrift.class);
  }

  @Override
  MetricKey metric(Rule.NullRateDrift rule) {
    return MetricKey.completeness(rule.column());
  }

  @Override
  Function<Audit, OptionalDouble> measure(Rule.NullRateDrift rule, Audit audit) {
    DeequAnalysis.Measure completeness = audit.analysis().completeness(rule.column());
    audit.keepMetric(metric(rule), completeness);
    return done -> OptionalDouble.of(done.value(completeness).orElse(0));
  }

  @Override
  Optional<String> detect(Rule.NullRateDrift rule, List<Double> history, double value) {
    return AnomalyDetection.absoluteChange(rule.maxChange(), history, value);
  }

  @Override
  String criterion(Rule.NullRateDrift rule) {
    return "null rate of " + rule.column() + " moving at most " + rule.maxChange();
  }

  @Override
  String describe(Rule.NullRateDrift rule, Layer layer) {
    return "null rate of `"
        + rule.column()
        + "` moves by at most "
        + points(rule.maxChange())
        + " percentage points between runs";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("a number");
  }

  @Override
  Rule.NullRateDrift withThreshold(Rule.NullRateDrift rule, String value) {
    return new Rule.NullRateDrift(rule.column(), Double.parseDouble(value));
  }
}
