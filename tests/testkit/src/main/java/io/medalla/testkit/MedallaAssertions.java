package io.medalla.testkit;

import io.medalla.api.RunResult;
import org.assertj.core.api.Assertions;

/**
 * AssertJ's assertions plus Medalla's: one static import gives both.
 *
 * <pre>{@code
 * import static io.medalla.testkit.MedallaAssertions.assertThat;
 *
 * assertThat(warehouse.run(new GoldDailyRevenue(), day)).succeeded();
 * assertThat(warehouse.rows("gold_shop.daily_revenue")).containsExactly("[2026-11-01,2,15.50]");
 * }</pre>
 */
public class MedallaAssertions extends Assertions {
  /** Extend to add assertions of your own beside these. */
  protected MedallaAssertions() {}

  /** Assertions on a run's outcome. */
  public static RunResultAssert assertThat(RunResult actual) {
    return new RunResultAssert(actual);
  }
}
