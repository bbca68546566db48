package io.medalla.pipelines.product;

import static io.medalla.testkit.MedallaAssertions.assertThat;

import io.medalla.api.RunRequest;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product gold tables against hand-computed results of small hand-made event histories. */
class TestProductDataProducts {
  private static final String EVENTS = "silver_product.events";
  private static final String EVENTS_DDL =
      "event_id STRING, user_id BIGINT, session_id STRING, event_type STRING, platform STRING,"
          + " occurred_at TIMESTAMP, event_date DATE";
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    warehouse = TestWarehouse.create(directory);
  }

  private static String event(String id, long user, String type, String platform, String time) {
    return String.format(
        "{\"event_id\":\"%s\",\"user_id\":%d,\"session_id\":\"s%d\",\"event_type\":\"%s\","
            + "\"platform\":\"%s\",\"occurred_at\":\"%s\"}",
        id, user, user, type, platform, time);
  }

  /** A silver event row (CSV) of {@code user} on {@code date}. */
  private static String activity(String id, long user, String platform, String date) {
    return String.join(
        ",", id, String.valueOf(user), "s", "page_view", platform, date + "T12:00:00Z", date);
  }

  @Test
  void dailyTablesCountUtcDaysDuplicatesOnceAndStepsInOrder() {
    warehouse.land(
        BronzeEvents.LANDING_FOLDER,
        NOV_2,
        "events.jsonl",
        List.of(
            // Late on Nov 1 in UTC, whatever the sender's offset.
            event("e1", 1, "page_view", "web", "2026-11-01T23:59:59Z"),
            event("e3", 2, "page_view", "ios", "2026-11-02T01:00:00+03:00"),
            // Nov 2: user 1 adds to cart without a page view that day.
            event("e2", 1, "add_to_cart", "web", "2026-11-02T00:00:00Z"),
            event("e4", 2, "add_to_cart", "ios", "2026-11-02T10:00:00Z"),
            event("e4", 2, "add_to_cart", "ios", "2026-11-02T10:00:00Z"),
            event("e5", 2, "page_view", "ios", "2026-11-02T09:00:00Z"),
            event("e6", 2, "checkout", "ios", "2026-11-02T11:00:00Z"),
            event("e7", 2, "purchase", "ios", "2026-11-02T12:00:00Z"),
            // User 3 skips the middle steps on web, and goes on on android.
            event("e8", 3, "page_view", "web", "2026-11-02T08:00:00Z"),
            event("e9", 3, "purchase", "web", "2026-11-02T08:10:00Z"),
            event("e10", 3, "page_view", "android", "2026-11-02T20:00:00Z"),
            event("e11", 3, "add_to_cart", "android", "2026-11-02T20:05:00Z")));
    assertThat(warehouse.run(new BronzeEvents(), NOV_2)).succeeded();
    for (LocalDate date : List.of(NOV_1, NOV_2)) {
      assertThat(warehouse.run(new SilverEvents(), date)).succeeded();
      assertThat(warehouse.run(new GoldDailyActiveUsers(), date)).succeeded();
      assertThat(warehouse.run(new GoldDailyFunnel(), date)).succeeded();
    }

    assertThat(warehouse.rows("gold_product.daily_active_users"))
        .as("activity_date, platform, active_users, events")
        .containsExactly(
            "[2026-11-01,ios,1,1]",
            "[2026-11-01,web,1,1]",
            "[2026-11-02,android,1,2]",
            "[2026-11-02,ios,1,4]",
            "[2026-11-02,web,2,3]");
    assertThat(warehouse.rows("gold_product.daily_funnel"))
        .as("activity_date, platform, page_view, add_to_cart, checkout, purchase users")
        .containsExactly(
            "[2026-11-01,all,2,0,0,0]",
            "[2026-11-01,ios,1,0,0,0]",
            "[2026-11-01,web,1,0,0,0]",
            "[2026-11-02,all,2,2,1,1]",
            "[2026-11-02,android,1,1,0,0]",
            "[2026-11-02,ios,1,1,1,1]",
            "[2026-11-02,web,1,0,0,0]");
    assertThat(warehouse.comment("gold_product.daily_funnel", "checkout_users"))
        .hasValue("distinct users with checkout and every earlier step on the day");
    assertThat(warehouse.comment("gold_product.daily_active_users", "active_users"))
        .hasValue("distinct users with at least one event on the day and platform");
  }

  @Test
  void rollingWindowsEndOnTheirDayAndIncludeIt() {
    warehouse.given(
        EVENTS,
        EVENTS_DDL,
        activity("a", 4, "ios", "2026-10-31"), // 28 days before Nov 28: outside both windows
        activity("b", 3, "ios", "2026-11-01"), // first day of Nov 28's 28-day window
        activity("c", 2, "web", "2026-11-21"), // 7 days before Nov 28: monthly only
        activity("d", 2, "web", "2026-11-21"),
        activity("e", 1, "web", "2026-11-22"), // first day of Nov 28's 7-day window
        activity("f", 1, "ios", "2026-11-28"),
        activity("g", 5, "android", "2026-11-30"));

    assertThat(
            warehouse.run(
                new GoldRollingActiveUsers(),
                RunRequest.of(
                    List.of(LocalDate.of(2026, 11, 28), LocalDate.of(2026, 11, 30)), Map.of())))
        .succeeded();

    List<String> expected =
        List.of(
            "[2026-11-28,all,1,3]",
            "[2026-11-28,ios,1,2]",
            "[2026-11-28,web,1,2]",
            "[2026-11-30,all,2,3]",
            "[2026-11-30,android,1,1]",
            "[2026-11-30,ios,1,1]",
            "[2026-11-30,web,0,2]");
    assertThat(warehouse.rows("gold_product.rolling_active_users"))
        .as("activity_date, platform, weekly_active_users, monthly_active_users")
        .containsExactlyElementsOf(expected);

    assertThat(warehouse.fullRefresh(new GoldRollingActiveUsers(), LocalDate.of(2026, 11, 30)))
        .succeeded();

    List<String> refreshed = warehouse.rows("gold_product.rolling_active_users");
    assertThat(refreshed)
        .as("a full refresh computes the same windows, and every day a window reaches")
        .containsAll(expected)
        .first()
        .isEqualTo("[2026-10-31,all,1,1]");
    assertThat(refreshed)
        .last()
        .as("user 5's last 28-day window ends 27 days after Nov 30")
        .isEqualTo("[2026-12-27,android,0,1]");
  }

  @Test
  void retentionCohortsStartOnTheMondayOfTheFirstEventEver() {
    warehouse.given(
        EVENTS,
        EVENTS_DDL,
        activity("a", 4, "web", "2026-10-20"), // a Tuesday: cohort Oct 19
        activity("b", 4, "web", "2026-11-16"),
        activity("c", 1, "web", "2026-11-08"), // a Sunday: cohort Nov 2
        activity("d", 1, "web", "2026-11-09"), // the Monday after: week 1
        activity("e", 1, "ios", "2026-11-23"),
        activity("f", 2, "ios", "2026-11-02"),
        activity("g", 2, "web", "2026-11-10"),
        activity("h", 2, "ios", "2026-11-11"),
        activity("i", 3, "android", "2026-11-09"),
        activity("j", 3, "android", "2026-11-16"));

    assertThat(warehouse.run(new GoldWeeklyRetention(), LocalDate.of(2026, 11, 23))).succeeded();

    assertThat(warehouse.rows("gold_product.weekly_retention"))
        .as("cohort_week, weeks_since_first, cohort_users, active_users, rate, observed_through")
        .containsExactly(
            "[2026-10-19,0,1,1,1.0,2026-11-23]",
            "[2026-10-19,1,1,0,0.0,2026-11-23]",
            "[2026-10-19,2,1,0,0.0,2026-11-23]",
            "[2026-10-19,3,1,0,0.0,2026-11-23]",
            "[2026-10-19,4,1,1,1.0,2026-11-23]",
            "[2026-10-19,5,1,0,0.0,2026-11-23]",
            "[2026-11-02,0,2,2,1.0,2026-11-23]",
            "[2026-11-02,1,2,2,1.0,2026-11-23]",
            "[2026-11-02,2,2,0,0.0,2026-11-23]",
            "[2026-11-02,3,2,1,0.5,2026-11-23]",
            "[2026-11-09,0,1,1,1.0,2026-11-23]",
            "[2026-11-09,1,1,1,1.0,2026-11-23]",
            "[2026-11-09,2,1,0,0.0,2026-11-23]");

    warehouse.given(EVENTS, EVENTS_DDL, activity("c", 1, "web", "2026-11-08"));
    assertThat(warehouse.run(new GoldWeeklyRetention(), LocalDate.of(2026, 11, 8))).succeeded();

    assertThat(warehouse.rows("gold_product.weekly_retention"))
        .as("each run replaces the whole table")
        .containsExactly("[2026-11-02,0,1,1,1.0,2026-11-08]");
  }
}
