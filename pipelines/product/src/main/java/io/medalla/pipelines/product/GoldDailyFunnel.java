package io.medalla.pipelines.product;

import static io.medalla.api.Columns.commented;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Objective;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.RunContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The daily purchase funnel per platform and for all platforms together: the distinct users who
 * reached each step (page_view, add_to_cart, checkout, purchase) on the UTC day. A user reaches a
 * step when they have at least one event of that step and of every earlier step on the same day, in
 * any order, so each step counts at most the users of the step before. Contract:
 * pipelines/product/README.md.
 */
public final class GoldDailyFunnel extends GoldPipeline {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_product.daily_funnel")
          .owner("product-analytics@medalla.dev")
          .description(
              "Daily funnel page_view > add_to_cart > checkout > purchase: distinct users per UTC"
                  + " day and platform (and 'all') with events of a step and every earlier step"
                  + " that day.")
          .dependsOn("silver_product.events", "event_date")
          .keys("activity_date", "platform")
          .partitionedBy("activity_date")
          .critical()
          .expect(
              Expect.schema(
                      "activity_date DATE, platform STRING, page_view_users BIGINT,"
                          + " add_to_cart_users BIGINT, checkout_users BIGINT,"
                          + " purchase_users BIGINT")
                  .fail(),
              Expect.unique("activity_date", "platform").fail(),
              Expect.fresh("activity_date", Duration.ofDays(1)).fail(),
              Expect.values("platform", AllPlatforms.VALUES).fail(),
              Expect.satisfies(
                      "steps_narrow",
                      "page_view_users >= add_to_cart_users AND add_to_cart_users >="
                          + " checkout_users AND checkout_users >= purchase_users")
                  .fail())
          .inherit("activity_date", "platform")
          .classify(
              Classification.INTERNAL,
              "page_view_users",
              "add_to_cart_users",
              "checkout_users",
              "purchase_users")
          .protect(
              Protection.AGGREGATED,
              "page_view_users",
              "add_to_cart_users",
              "checkout_users",
              "purchase_users")
          .objective(Objective.freshness(Duration.ofHours(6), 0.95))
          .objective(Objective.success(0.98))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    Dataset<Row> events =
        context
            .read("silver_product.events")
            .where(context.inDates("event_date"))
            .select("user_id", "platform", "event_date", "event_type");
    List<Column> reachedSteps = new ArrayList<>();
    List<Column> stepUsers = new ArrayList<>();
    Column reached = lit(true);
    for (String step : SilverEvents.EVENT_TYPES) {
      Column hasStep = max(col("event_type").equalTo(step));
      reached = reached.and(hasStep);
      reachedSteps.add(reached.as(step));
      stepUsers.add(
          commented(
              sum(when(col(step), 1L).otherwise(0L)),
              step + "_users",
              "distinct users with " + step + " and every earlier step on the day"));
    }
    return AllPlatforms.including(events)
        .groupBy("event_date", "platform", "user_id")
        .agg(
            reachedSteps.get(0),
            reachedSteps.subList(1, reachedSteps.size()).toArray(Column[]::new))
        .groupBy(
            commented(col("event_date"), "activity_date", "UTC day of the events"),
            commented(col("platform"), "platform", "ios, android, web, or all (any platform)"))
        .agg(stepUsers.get(0), stepUsers.subList(1, stepUsers.size()).toArray(Column[]::new));
  }
}
