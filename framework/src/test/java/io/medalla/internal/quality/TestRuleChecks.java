package io.medalla.internal.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.Expect;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestRuleChecks {
  @Test
  void everyKindOfRuleHasItsCheck() {
    assertThat(RuleChecks.kinds())
        .as("a check per permitted subclass of Rule; add the new kind's check to RuleChecks")
        .containsExactlyInAnyOrder(Rule.class.getPermittedSubclasses());
  }

  @Test
  void rowLevelRulesHaveARowLevelCheckAndAnomalyRulesAnAnomalyCheck() {
    for (Rule rule :
        Arrays.asList(
            Expect.complete("a"),
            Expect.unique("a"),
            Expect.fresh("t", Duration.ofHours(1)),
            Expect.schema("a INT"),
            Expect.values("a", "x"),
            Expect.between("a", 0, 1),
            Expect.matches("a", "x+"),
            Expect.satisfies("positive", "a > 0"),
            Expect.rowCount(0, 1),
            Expect.references("a", "silver_shop.customers", "id"),
            Expect.rowCountChange(0.5, 1.0),
            Expect.nullRateDrift("a", 0.1),
            Expect.meanShift("a", 3.0))) {
      assertThat(RuleChecks.rowLevel(rule).isPresent())
          .as(rule.toString())
          .isEqualTo(rule.rowLevel());
      assertThat(RuleChecks.describe(rule, Layer.SILVER)).as(rule.toString()).isNotBlank();
    }
    assertThat(RuleChecks.anomaly(Expect.meanShift("a", 3.0))).isPresent();
    assertThat(RuleChecks.anomaly(Expect.rowCount(0, 1))).isEmpty();
  }
}
