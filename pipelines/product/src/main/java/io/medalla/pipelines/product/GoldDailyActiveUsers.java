package io.medalla.pipelines.product;

import static io.medalla.api.Columns.commented;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Objective;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.RunContext;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Daily active users per platform: the distinct users with at least one event (of any type) on the
 * UTC day, and their number of events. Events are silver's, deduplicated by event id; a day without
 * events on a platform has no row. Contract: pipelines/product/README.md.
 */
public final class GoldDailyActiveUsers extends GoldPipeline {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_product.daily_active_users")
          .owner("product-analytics@medalla.dev")
          .description(
              "Daily active users: distinct users with at least one product event (deduplicated"
                  + " by event_id) per UTC day and platform.")
          .dependsOn("silver_product.events", "event_date")
          .keys("activity_date", "platform")
          .partitionedBy("activity_date")
          .critical()
          .expect(
              Expect.schema(
                      "activity_date DATE, platform STRING, active_users BIGINT, events BIGINT")
                  .fail(),
              Expect.unique("activity_date", "platform").fail(),
              Expect.fresh("activity_date", Duration.ofDays(1)).fail(),
              Expect.complete("activity_date", "platform", "active_users").fail(),
              Expect.values("platform", SilverEvents.PLATFORMS).fail(),
              Expect.satisfies("events_cover_users", "events >= active_users").fail(),
              Expect.meanShift("active_users", 4.0).warn())
          .inherit("activity_date", "platform")
          .classify(Classification.INTERNAL, "active_users", "events")
          .protect(Protection.AGGREGATED, "active_users")
          .objective(Objective.freshness(Duration.ofHours(6), 0.95))
          .objective(Objective.success(0.99))
          .objective(Objective.latency(Duration.ofMinutes(15), 0.95))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    return context
        .read("silver_product.events")
        .where(context.inDates("event_date"))
        .groupBy(
            commented(col("event_date"), "activity_date", "UTC day of the events"),
            commented(col("platform"), "platform", "app platform: ios, android or web"))
        .agg(
            commented(
                countDistinct("user_id"),
                "active_users",
                "distinct users with at least one event on the day and platform"),
            commented(count(lit(1)), "events", "events of those users on the day and platform"));
  }
}
