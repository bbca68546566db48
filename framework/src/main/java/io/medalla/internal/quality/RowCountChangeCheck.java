package io.medalla.internal.quality;

import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * {@link Rule.RowCountChange}: the row count moves by at most the given rates against the previous
 * run (Deequ's relative rate of change).
 */
final class RowCountChangeCheck extends AnomalyRuleCheck<Rule.RowCountChange> {
  RowCountChangeCheck() {
    super(Rule.RowCountChange.class);
  }

  @Override
  MetricKey metric(Rule.RowCountChange rule) {
    return MetricKey.size();
  }

  @Override
  Function<Audit, OptionalDouble> measure(Rule.RowCountChange rule, Audit audit) {
    return done -> OptionalDouble.of(done.rows());
  }

  @Override
  Optional<String> detect(Rule.RowCountChange rule, List<Double> history, double value) {
    return AnomalyDetection.relativeRateOfChange(
        1.0 - rule.maxDecrease(), 1.0 + rule.maxIncrease(), history, value);
  }

  @Override
  String criterion(Rule.RowCountChange rule) {
    return "row count change within -" + rule.maxDecrease() + "/+" + rule.maxIncrease();
  }

  @Override
  String describe(Rule.RowCountChange rule, Layer layer) {
    return "row count falls by at most "
        + percent(rule.maxDecrease())
        + " and grows by at most "
        + percent(rule.maxIncrease())
        + " against the previous run";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("two rates 'maxDecrease,maxIncrease', e.g. 0.5,1.0");
  }

  @Override
  Rule.RowCountChange withThreshold(Rule.RowCountChange rule, String value) {
    double[] rates = Thresholds.pair(value);
    return new Rule.RowCountChange(rates[0], rates[1]);
  }
}
