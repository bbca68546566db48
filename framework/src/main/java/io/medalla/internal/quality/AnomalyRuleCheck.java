package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/** A rule that compares a metric of the batch with the table's history of that metric. */
abstract class AnomalyRuleCheck<R extends Rule> extends RuleCheck<R> {
  AnomalyRuleCheck(Class<R> type) {
    super(type);
  }

  /** The metric compared, as the history names it. */
  abstract MetricKey metric(R rule);

  /**
   * Adds the measure of the batch's value to the analysis and returns how to read it; empty when
   * the batch has no value to compare.
   */
  abstract Function<Audit, OptionalDouble> measure(R rule, Audit audit);

  /** The anomaly of {@code value} after {@code history}, which is long enough. */
  abstract Optional<String> detect(R rule, List<Double> history, double value);

  /** What the rule allows, in the gate's messages. */
  abstract String criterion(R rule);

  /** How many earlier values the rule needs before it can tell an anomaly. */
  int minimumHistory() {
    return 1;
  }

  /**
   * A description of the anomaly when {@code value} is anomalous after {@code history} (oldest
   * first); empty when it is not or the history is too short to tell.
   */
  final Optional<String> anomaly(R rule, List<Double> history, double value) {
    return history.size() < minimumHistory() ? Optional.empty() : detect(rule, history, value);
  }

  @Override
  final Judgement plan(Expectation expectation, R rule, Audit audit) {
    MetricKey key = metric(rule);
    Function<Audit, OptionalDouble> current = measure(rule, audit);
    return done -> {
      OptionalDouble value = current.apply(done);
      if (value.isEmpty()) {
        return CheckResult.of(
            expectation, true, "no value", criterion(rule), 0, "no non-null value to compare");
      }
      List<Double> past = done.history().values(key);
      Optional<String> anomaly = anomaly(rule, past, value.getAsDouble());
      return CheckResult.of(
          expectation,
          anomaly.isEmpty(),
          key.name()
              + " "
              + value.getAsDouble()
              + (past.isEmpty() ? "" : " after " + past.get(past.size() - 1)),
          criterion(rule),
          0,
          anomaly
              .map(detail -> "anomaly in " + key.name() + ": " + detail)
              .orElse(past.isEmpty() ? "no history yet" : "within the expected change"));
    };
  }
}
