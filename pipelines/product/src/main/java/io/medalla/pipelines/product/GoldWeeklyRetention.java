package io.medalla.pipelines.product;

import static io.medalla.api.Columns.commented;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.trunc;

import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Objective;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.RunContext;
import java.time.Duration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Weekly retention cohorts: users grouped by the ISO week (Monday, UTC) of their first event in all
 * of silver's history, and how many of them have at least one event in each week since, from the
 * cohort's week to the week of the newest event (weeks without activity give 0). The whole table is
 * recomputed and replaced by every run. Contract: pipelines/product/README.md.
 */
public final class GoldWeeklyRetention extends GoldPipeline {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_product.weekly_retention")
          .owner("product-analytics@medalla.dev")
          .description(
              "Weekly retention: users by the ISO week (Monday, UTC) of their first product event"
                  + " ever, and how many were active in each week since; recomputed whole each"
                  + " run.")
          .inputs("silver_product.events")
          .critical()
          .expect(
              Expect.schema(
                      "cohort_week DATE, weeks_since_first INT, cohort_users BIGINT,"
                          + " active_users BIGINT, retention_rate DOUBLE, observed_through DATE")
                  .fail(),
              Expect.unique("cohort_week", "weeks_since_first").fail(),
              Expect.fresh("observed_through", Duration.ofDays(1)).fail(),
              Expect.complete("cohort_week", "weeks_since_first", "cohort_users").fail(),
              Expect.satisfies("monday_weeks", "dayofweek(cohort_week) = 2").fail(),
              Expect.satisfies(
                      "cohort_active_in_first_week",
                      "weeks_since_first > 0 OR active_users = cohort_users")
                  .fail(),
              Expect.between("retention_rate", 0, 1).fail())
          .classify(
              Classification.INTERNAL,
              "cohort_week",
              "weeks_since_first",
              "cohort_users",
              "active_users",
              "retention_rate",
              "observed_through")
          .protect(Protection.AGGREGATED, "cohort_users", "active_users", "retention_rate")
          .objective(Objective.success(0.95))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    Dataset<Row> events = context.read("silver_product.events").select("user_id", "event_date");
    Dataset<Row> cohorts =
        events.groupBy("user_id").agg(trunc(min("event_date"), "week").as("cohort_week"));
    Column weeksSince = datediff(col("week"), col("cohort_week")).divide(7).cast("int");
    Dataset<Row> activeUsers =
        events
            .select(col("user_id"), trunc(col("event_date"), "week").as("week"))
            .join(cohorts, "user_id")
            .groupBy(col("cohort_week"), weeksSince.as("weeks_since_first"))
            .agg(countDistinct("user_id").as("active_users"));
    Dataset<Row> observedThrough = events.agg(max("event_date").as("observed_through"));
    Column lastWeek =
        datediff(trunc(col("observed_through"), "week"), col("cohort_week")).divide(7).cast("int");
    Dataset<Row> weeks =
        cohorts
            .groupBy("cohort_week")
            .agg(count(lit(1)).as("cohort_users"))
            .crossJoin(observedThrough)
            .withColumn("weeks_since_first", explode(sequence(lit(0), lastWeek)));
    return weeks
        .join(activeUsers, new String[] {"cohort_week", "weeks_since_first"}, "left")
        .na()
        .fill(0L, new String[] {"active_users"})
        .select(
            commented(col("cohort_week"), "cohort_week", "Monday of the cohort's first UTC week"),
            commented(
                col("weeks_since_first"),
                "weeks_since_first",
                "n: the week cohort_week + 7n days (0 is the first week)"),
            commented(
                col("cohort_users"),
                "cohort_users",
                "users whose first event ever falls in cohort_week"),
            commented(
                col("active_users"),
                "active_users",
                "cohort users with at least one event in week n"),
            commented(
                col("active_users").divide(col("cohort_users")),
                "retention_rate",
                "active_users / cohort_users"),
            commented(
                col("observed_through"),
                "observed_through",
                "newest event date in silver; its week may be incomplete"));
  }
}
