package io.medalla.internal.quality;

import com.amazon.deequ.anomalydetection.AbsoluteChangeStrategy;
import com.amazon.deequ.anomalydetection.Anomaly;
import com.amazon.deequ.anomalydetection.AnomalyDetectionStrategy;
import com.amazon.deequ.anomalydetection.AnomalyDetector;
import com.amazon.deequ.anomalydetection.DataPoint;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * Judges a new metric value against its history: by relative rate of change or absolute change
 * (Deequ's strategies), or by its distance from the history's mean in standard deviations. Each
 * anomaly rule's {@link AnomalyRuleCheck} picks its method.
 */
public final class AnomalyDetection {
  /** The mean-shift rule needs a few points of history before their deviation means anything. */
  static final int MIN_POINTS_FOR_MEAN_SHIFT = 3;

  private AnomalyDetection() {}

  /**
   * Returns a description of the anomaly when {@code value} is anomalous after {@code history}
   * (oldest first), or empty when it is not or the history is too short to tell.
   *
   * @throws IllegalArgumentException for a rule that is no anomaly rule
   */
  static Optional<String> anomaly(Rule rule, List<Double> history, double value) {
    return RuleChecks.anomaly(rule)
        .orElseThrow(() -> new IllegalArgumentException("Not an anomaly rule: " + rule))
        .anomaly(rule, history, value);
  }

  /**
   * Describes how far {@code value} is above the median of {@code history} when it is more than
   * {@code maxRatio} times that median, judged by Deequ's relative rate of change against the
   * median; empty when it is not, or the history is empty or its median 0.
   */
  public static Optional<String> aboveMedian(double maxRatio, List<Double> history, double value) {
    if (history.isEmpty()) {
      return Optional.empty();
    }
    List<Double> sorted = history.stream().sorted().toList();
    int middle = sorted.size() / 2;
    double median =
        sorted.size() % 2 == 1
            ? sorted.get(middle)
            : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    if (median <= 0) {
      return Optional.empty();
    }
    return relativeRateOfChange(0, maxRatio, List.of(median), value)
        .map(
            detail ->
                String.format(
                    Locale.ROOT,
                    "%s is %.1f times the median %s of the last %d runs (limit %s times)",
                    value,
                    value / median,
                    median,
                    history.size(),
                    maxRatio));
  }

  /** Deequ's relative rate of change between the last value and {@code value}. */
  static Optional<String> relativeRateOfChange(
      double minRate, double maxRate, List<Double> history, double value) {
    return deequ(
        new RelativeRateOfChangeStrategy(Option.apply(minRate), Option.apply(maxRate), 1),
        history,
        value);
  }

  /** Deequ's absolute change between the last value and {@code value}. */
  static Optional<String> absoluteChange(double maxChange, List<Double> history, double value) {
    return deequ(
        new AbsoluteChangeStrategy(Option.apply(-maxChange), Option.apply(maxChange), 1),
        history,
        value);
  }

  private static Optional<String> deequ(
      AnomalyDetectionStrategy strategy, List<Double> history, double value) {
    List<DataPoint<Object>> points = new ArrayList<>();
    for (int index = 0; index < history.size(); index++) {
      points.add(new DataPoint<>(index, Option.apply(history.get(index))));
    }
    DataPoint<Object> newPoint = new DataPoint<>(history.size(), Option.apply(value));
    scala.collection.Seq<Tuple2<Object, Anomaly>> anomalies =
        new AnomalyDetector(strategy)
            .isNewPointAnomalous(JavaConverters.asScalaBuffer(points).toSeq(), newPoint)
            .anomalies();
    if (anomalies.isEmpty()) {
      return Optional.empty();
    }
    Anomaly anomaly = anomalies.head()._2();
    return Optional.of(anomaly.detail().isDefined() ? anomaly.detail().get() : "anomalous value");
  }

  /**
   * Deequ's {@code OnlineNormalStrategy} counts the new point in the mean and deviation it judges
   * that point against, so among n points none can lie more than sqrt(n - 1) deviations out: a
   * 3-deviation rule could not fire before ten points of history. Judge against the history alone.
   */
  static Optional<String> meanShift(double maxDeviations, List<Double> history, double value) {
    double mean = history.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double variance =
        history.stream().mapToDouble(point -> (point - mean) * (point - mean)).sum()
            / history.size();
    double deviation = Math.sqrt(variance);
    double lower = mean - maxDeviations * deviation;
    double upper = mean + maxDeviations * deviation;
    if (value >= lower && value <= upper) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            "value %s is outside [%s, %s], %s standard deviations (%s) around the history's mean"
                + " %s",
            value, lower, upper, maxDeviations, deviation, mean));
  }
}
