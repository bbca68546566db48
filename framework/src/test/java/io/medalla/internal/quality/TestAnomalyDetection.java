package io.medalla.internal.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.Expect;
import io.medalla.api.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestAnomalyDetection {
  private static final Rule ROW_COUNT_CHANGE = Expect.rowCountChange(0.5, 1.0);
  private static final Rule NULL_RATE_DRIFT = Expect.nullRateDrift("session_id", 0.05);
  private static final Rule MEAN_SHIFT = Expect.meanShift("amount", 3.0);
  private static final List<Double> STABLE_MEANS =
      List.of(100.0, 102.0, 98.0, 101.0, 99.0, 100.5, 99.5, 101.5, 98.5, 100.0);

  @Test
  void testRowCountChange() {
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 40)).isPresent();
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 250)).isPresent();
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 60)).isEmpty();
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 190)).isEmpty();
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 100)).isEmpty();
  }

  @Test
  void testRowCountChangeComparesWithPreviousRun() {
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(10.0, 1000.0, 100.0), 150))
        .isEmpty();
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0, 100.0, 10.0), 100))
        .isPresent();
  }

  @Test
  void testRowCountChangeRatesAreConfigurable() {
    Rule strict = Expect.rowCountChange(0.1, 0.1);

    assertThat(AnomalyDetection.anomaly(strict, List.of(100.0), 85)).isPresent();
    assertThat(AnomalyDetection.anomaly(strict, List.of(100.0), 115)).isPresent();
    assertThat(AnomalyDetection.anomaly(strict, List.of(100.0), 95)).isEmpty();
  }

  @Test
  void testAnomalyHasDetail() {
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(100.0), 40))
        .hasValueSatisfying(detail -> assertThat(detail).isNotBlank());
  }

  @Test
  void testEmptyHistory() {
    assertThat(AnomalyDetection.anomaly(ROW_COUNT_CHANGE, List.of(), 1_000_000)).isEmpty();
    assertThat(AnomalyDetection.anomaly(NULL_RATE_DRIFT, List.of(), 0.0)).isEmpty();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, List.of(), 1e9)).isEmpty();
  }

  @Test
  void testNullRateDrift() {
    assertThat(AnomalyDetection.anomaly(NULL_RATE_DRIFT, List.of(0.99), 0.90)).isPresent();
    assertThat(AnomalyDetection.anomaly(NULL_RATE_DRIFT, List.of(0.99), 0.97)).isEmpty();
    assertThat(AnomalyDetection.anomaly(NULL_RATE_DRIFT, List.of(0.90), 0.99)).isPresent();
    assertThat(AnomalyDetection.anomaly(NULL_RATE_DRIFT, List.of(0.5, 0.99), 0.97)).isEmpty();
  }

  @Test
  void testMeanShift() {
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, STABLE_MEANS, 150)).isPresent();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, STABLE_MEANS, 50)).isPresent();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, STABLE_MEANS, 101)).isEmpty();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, STABLE_MEANS, 98.2)).isEmpty();
  }

  @Test
  void testMeanShiftDeviationsAreConfigurable() {
    assertThat(AnomalyDetection.anomaly(Expect.meanShift("amount", 100.0), STABLE_MEANS, 150))
        .isEmpty();
  }

  @Test
  void testMeanShiftJudgesAgainstHistoryAlone() {
    List<Double> weekOfMeans = List.of(100.0, 102.0, 98.0, 101.0, 99.0);

    assertThat(AnomalyDetection.anomaly(Expect.meanShift("amount", 4.0), weekOfMeans, 1000))
        .hasValueSatisfying(
            detail ->
                assertThat(detail)
                    .startsWith("value 1000.0 is outside [")
                    .contains("4.0 standard deviations")
                    .contains("mean 100.0"));
    assertThat(AnomalyDetection.anomaly(Expect.meanShift("amount", 4.0), weekOfMeans, 104))
        .isEmpty();
  }

  @Test
  void testMeanShiftOfConstantHistory() {
    List<Double> constant = List.of(1.0, 1.0, 1.0, 1.0);

    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, constant, 1.0)).isEmpty();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, constant, 2.0)).isPresent();
  }

  @Test
  void testMeanShiftNeedsThreePoints() {
    assertThat(AnomalyDetection.MIN_POINTS_FOR_MEAN_SHIFT).isEqualTo(3);
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, List.of(100.0), 1e6)).isEmpty();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, List.of(100.0, 101.0), 1e6)).isEmpty();
    assertThat(AnomalyDetection.anomaly(MEAN_SHIFT, List.of(100.0, 101.0, 99.0), 1e6)).isPresent();
  }

  @Test
  void testNotAnAnomalyRule() {
    assertThatThrownBy(() -> AnomalyDetection.anomaly(Expect.unique("id"), List.of(1.0, 2.0), 3.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not an anomaly rule: Unique[");
  }
}
