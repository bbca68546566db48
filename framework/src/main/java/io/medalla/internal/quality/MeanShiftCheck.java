package io.medalla.internal.quality;

import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * {@link Rule.MeanShift}: a numeric column's mean stays within a number of standard deviations of
 * its history's mean.
 */
final class MeanShiftCheck extends AnomalyRuleCheck<Rule.MeanShift> {
  MeanShiftCheck() {
    super(Rule.MeanShift.class);
  }

  @Override
  MetricKey metric(Rule.MeanShift rule) {
    return MetricKey.mean(rule.column());
  }

  @Override
  Function<Audit, OptionalDouble> measure(Rule.MeanShift rule, Audit audit) {
    DeequAnalysis.Measure mean = audit.analysis().mean(rule.column());
    audit.keepMetric(metric(rule), mean);
    return done -> done.value(mean);
  }

  @Override
  int minimumHistory() {
    return AnomalyDetection.MIN_POINTS_FOR_MEAN_SHIFT;
  }

  @Override
  Optional<String> detect(Rule.MeanShift rule, List<Double> history, double value) {
    return AnomalyDetection.meanShift(rule.maxDeviations(), history, value);
  }

  @Override
  String criterion(Rule.MeanShift rule) {
    return "mean of " + rule.column() + " within " + rule.maxDeviations() + " deviations";
  }

  @Override
  String describe(Rule.MeanShift rule, Layer layer) {
    return "mean of `"
        + rule.column()
        + "` within "
        + rule.maxDeviations()
        + " standard deviations of its history";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("a number");
  }

  @Override
  Rule.MeanShift withThreshold(Rule.MeanShift rule, String value) {
    return new Rule.MeanShift(rule.column(), Double.parseDouble(value));
  }
}
