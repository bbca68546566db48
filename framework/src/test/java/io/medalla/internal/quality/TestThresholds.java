package io.medalla.internal.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.medalla.api.ErrorCode;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestThresholds {
  private static final String TABLE = "silver_shop.orders.";

  private static final PipelineSpec ORDERS =
      PipelineSpec.builder("silver_shop.orders")
          .owner("shop-data@example.com")
          .inputs("bronze_shop.orders")
          .expect(
              Expect.fresh("ordered_at", Duration.ofHours(6)).fail(),
              Expect.complete("order_id", "customer_id").quarantine(),
              Expect.rowCount(1, 1_000).fail(),
              Expect.between("amount", 0, 100).quarantine(),
              Expect.rowCountChange(0.5, 1.0).warn(),
              Expect.nullRateDrift("customer_id", 0.05).warn(),
              Expect.meanShift("amount", 3.0).warn(),
              Expect.unique("order_id").fail(),
              Expect.values("status", "open", "paid").quarantine())
          .build();

  private static final PipelineSpec CUSTOMERS =
      PipelineSpec.builder("silver_shop.customers")
          .owner("shop-data@example.com")
          .inputs("bronze_shop.customers")
          .expect(Expect.fresh("updated_at", Duration.ofDays(1)).fail())
          .build();

  @Test
  void testNoOverrides() {
    assertThat(new Thresholds(Map.of()).apply(ORDERS)).isEqualTo(ORDERS.expectations());
    assertThat(new Thresholds(Map.of()).problems(List.of(ORDERS, CUSTOMERS))).isEmpty();
  }

  @Test
  void testFreshDurations() {
    assertThat(freshAfter("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(freshAfter("36h")).isEqualTo(Duration.ofHours(36));
    assertThat(freshAfter("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(freshAfter("45s")).isEqualTo(Duration.ofSeconds(45));
    assertThat(freshAfter("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(freshAfter(" 12 h ")).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void testOverridesEachThreshold() {
    Thresholds thresholds =
        new Thresholds(
            Map.of(
                TABLE + "fresh_ordered_at", "36h",
                TABLE + "complete_order_id_customer_id", "0.95",
                TABLE + "row_count", "10, 5000",
                TABLE + "range_amount", "-1.5,250",
                TABLE + "row_count_change", "0.3,0.6",
                TABLE + "null_rate_customer_id", "0.2",
                TABLE + "mean_shift_amount", "4.5"));

    Map<String, Expectation> applied = byName(thresholds.apply(ORDERS));

    assertThat(applied.get("fresh_ordered_at").rule())
        .isEqualTo(new Rule.Fresh("ordered_at", Duration.ofHours(36)));
    assertThat(applied.get("complete_order_id_customer_id").rule())
        .isEqualTo(new Rule.Complete(List.of("order_id", "customer_id"), 0.95));
    assertThat(applied.get("row_count").rule()).isEqualTo(new Rule.RowCount(10, 5000));
    assertThat(applied.get("range_amount").rule()).isEqualTo(new Rule.Range("amount", -1.5, 250));
    assertThat(applied.get("row_count_change").rule()).isEqualTo(new Rule.RowCountChange(0.3, 0.6));
    assertThat(applied.get("null_rate_customer_id").rule())
        .isEqualTo(new Rule.NullRateDrift("customer_id", 0.2));
    assertThat(applied.get("mean_shift_amount").rule())
        .isEqualTo(new Rule.MeanShift("amount", 4.5));
    assertThat(thresholds.problems(List.of(ORDERS))).isEmpty();
  }

  @Test
  void testOverrideKeepsNameSeverityAndOrder() {
    List<Expectation> applied =
        new Thresholds(Map.of(TABLE + "range_amount", "1,2", TABLE + "row_count", "0,9"))
            .apply(ORDERS);

    assertThat(applied)
        .extracting(Expectation::name)
        .containsExactlyElementsOf(ORDERS.expectations().stream().map(Expectation::name).toList());
    assertThat(applied)
        .extracting(Expectation::severity)
        .containsExactlyElementsOf(
            ORDERS.expectations().stream().map(Expectation::severity).toList());
    assertThat(byName(applied).get("range_amount").severity()).isEqualTo(Severity.QUARANTINE);
  }

  @Test
  void testLeavesOtherExpectations() {
    Thresholds thresholds = new Thresholds(Map.of(TABLE + "fresh_ordered_at", "2d"));

    List<Expectation> applied = thresholds.apply(ORDERS);

    for (int index = 0; index < applied.size(); index++) {
      Expectation expectation = applied.get(index);
      if (!expectation.name().equals("fresh_ordered_at")) {
        assertThat(expectation).isEqualTo(ORDERS.expectations().get(index));
      }
    }
    assertThat(applied.get(0)).isNotEqualTo(ORDERS.expectations().get(0));
  }

  @Test
  void testOverrideOfOtherPipelineNotApplied() {
    Thresholds thresholds = new Thresholds(Map.of("silver_shop.customers.fresh_updated_at", "3d"));

    assertThat(thresholds.apply(ORDERS)).isEqualTo(ORDERS.expectations());
    assertThat(thresholds.apply(CUSTOMERS).get(0).rule())
        .isEqualTo(new Rule.Fresh("updated_at", Duration.ofDays(3)));
    assertThat(thresholds.problems(List.of(ORDERS, CUSTOMERS))).isEmpty();
  }

  @Test
  void testUnknownExpectation() {
    Thresholds thresholds =
        new Thresholds(Map.of(TABLE + "fresh_shipped_at", "2d", TABLE + "row_count", "1,2"));

    assertThat(thresholds.problems(List.of(ORDERS, CUSTOMERS)))
        .containsExactly(
            "medalla.quality.thresholds names silver_shop.orders.fresh_shipped_at, which is no"
                + " pipeline's expectation; write <pipeline>.<expectation>");
  }

  @Test
  void testExpectationOfAnotherPipeline() {
    Thresholds thresholds = new Thresholds(Map.of("silver_shop.orders.fresh_updated_at", "2d"));

    assertThat(thresholds.problems(List.of(ORDERS, CUSTOMERS)))
        .singleElement(STRING)
        .contains("names silver_shop.orders.fresh_updated_at, which is no pipeline's expectation");
  }

  @Test
  void testValuesThatDoNotParse() {
    assertProblem("fresh_ordered_at", "two days", "a duration such as 90m, 36h or 2d");
    assertProblem("fresh_ordered_at", "36", "a duration such as 90m, 36h or 2d");
    assertProblem("fresh_ordered_at", "1w", "a duration such as 90m, 36h or 2d");
    assertProblem("complete_order_id_customer_id", "most", "a number");
    assertProblem("row_count", "100", "two numbers 'min,max'");
    assertProblem("row_count", "1,2,3", "two numbers 'min,max'");
    assertProblem("range_amount", "0..100", "two numbers 'min,max'");
    assertProblem("row_count_change", "0.5", "two rates 'maxDecrease,maxIncrease', e.g. 0.5,1.0");
    assertProblem("null_rate_customer_id", "5%", "a number");
    assertProblem("mean_shift_amount", "three", "a number");
  }

  @Test
  void testRuleWithoutThreshold() {
    assertProblem("unique_order_id", "5", "nothing: a Unique rule has no threshold");
    assertProblem("allowed_status", "open,paid", "nothing: a AllowedValues rule has no threshold");
  }

  @Test
  void testApplyRejectsValueThatDoesNotParse() {
    Thresholds thresholds = new Thresholds(Map.of(TABLE + "fresh_ordered_at", "soon"));

    assertThatThrownBy(() -> thresholds.apply(ORDERS))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessage(
            "Invalid value for medalla.quality.thresholds.\"silver_shop.orders.fresh_ordered_at\":"
                + " got 'soon'; allowed: a duration such as 90m, 36h or 2d");
  }

  @Test
  void testOverridesAreCopied() {
    Map<String, String> overrides = new java.util.HashMap<>();
    overrides.put(TABLE + "row_count", "0,5");
    Thresholds thresholds = new Thresholds(overrides);
    overrides.put(TABLE + "row_count", "0,9");

    assertThat(byName(thresholds.apply(ORDERS)).get("row_count").rule())
        .isEqualTo(new Rule.RowCount(0, 5));
  }

  private static Duration freshAfter(String value) {
    Expectation fresh =
        new Thresholds(Map.of(TABLE + "fresh_ordered_at", value)).apply(ORDERS).get(0);
    return ((Rule.Fresh) fresh.rule()).maxAge();
  }

  private static void assertProblem(String expectation, String value, String allowed) {
    String key = TABLE + expectation;
    assertThat(new Thresholds(Map.of(key, value)).problems(List.of(ORDERS, CUSTOMERS)))
        .as("%s = %s", key, value)
        .singleElement(STRING)
        .isEqualTo(
            "Invalid value for medalla.quality.thresholds.\""
                + key
                + "\": got '"
                + value
                + "'; allowed: "
                + allowed);
  }

  private static Map<String, Expectation> byName(List<Expectation> expectations) {
    Map<String, Expectation> byName = new java.util.LinkedHashMap<>();
    expectations.forEach(expectation -> byName.put(expectation.name(), expectation));
    return byName;
  }
}
