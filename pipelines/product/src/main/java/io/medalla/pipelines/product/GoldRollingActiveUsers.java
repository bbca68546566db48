package io.medalla.pipelines.product;

import static io.medalla.api.Columns.commented;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

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
 * Weekly and monthly active users per UTC day: the distinct users with at least one event in the 7
 * and 28 days ending on that day (the day included), per platform and for all platforms together. A
 * window reaching past the newest data counts what exists. Contract: pipelines/product/README.md.
 */
public final class GoldRollingActiveUsers extends GoldPipeline {
  static final int WEEK_DAYS = 7;
  static final int MONTH_DAYS = 28;

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_product.rolling_active_users")
          .owner("product-analytics@medalla.dev")
          .description(
              "Weekly (7-day) and monthly (28-day) active users: distinct users with at least one"
                  + " product event in the UTC days ending on activity_date, per platform and"
                  + " 'all'.")
          .dependsOn("silver_product.events", "event_date", MONTH_DAYS)
          .keys("activity_date", "platform")
          .partitionedBy("activity_date")
          .critical()
          .expect(
              Expect.schema(
                      "activity_date DATE, platform STRING, weekly_active_users BIGINT,"
                          + " monthly_active_users BIGINT")
                  .fail(),
              Expect.unique("activity_date", "platform").fail(),
              Expect.fresh("activity_date", Duration.ofDays(1)).fail(),
              Expect.values("platform", AllPlatforms.VALUES).fail(),
              Expect.satisfies("month_covers_week", "monthly_active_users >= weekly_active_users")
                  .fail(),
              Expect.meanShift("monthly_active_users", 4.0).warn())
          .inherit("platform")
          .classify(
              Classification.INTERNAL,
              "activity_date",
              "weekly_active_users",
              "monthly_active_users")
          .protect(Protection.AGGREGATED, "weekly_active_users", "monthly_active_users")
          .objective(Objective.success(0.95))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    Dataset<Row> activeDays =
        context
            .read("silver_product.events")
            .where(context.inWindow("event_date", MONTH_DAYS))
            .select("user_id", "platform", "event_date")
            .distinct();
    // Each active day counts for the windows of the MONTH_DAYS days starting on it.
    Dataset<Row> windows =
        AllPlatforms.including(activeDays)
            .withColumn(
                "activity_date",
                explode(sequence(col("event_date"), date_add(col("event_date"), MONTH_DAYS - 1))))
            .where(context.inDates("activity_date"));
    return windows
        .groupBy(
            commented(col("activity_date"), "activity_date", "UTC day the windows end on"),
            commented(col("platform"), "platform", "ios, android, web, or all (any platform)"))
        .agg(
            commented(
                countDistinct(
                    when(
                        datediff(col("activity_date"), col("event_date")).lt(WEEK_DAYS),
                        col("user_id"))),
                "weekly_active_users",
                "distinct users with an event in the 7 days ending on activity_date"),
            commented(
                countDistinct("user_id"),
                "monthly_active_users",
                "distinct users with an event in the 28 days ending on activity_date"));
  }
}
