package io.medalla.pipelines.product;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;

import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import java.sql.Date;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Typed, deduplicated product events of one UTC day. An event belongs to the day it occurred on,
 * whichever day's batch brought it; a repeated event id is kept once (the first ingested copy).
 */
public final class SilverEvents extends SilverPipeline {
  /** The event types the apps send, in funnel order. */
  public static final String[] EVENT_TYPES = {"page_view", "add_to_cart", "checkout", "purchase"};

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("silver_product.events")
          .owner("product-analytics@medalla.dev")
          .description(
              "Product events, typed and deduplicated by event_id, one partition per UTC day.")
          .inputs("bronze_product.events")
          .keys("event_id")
          .partitionedBy("event_date")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    Dataset<Row> typed =
        context
            .read("bronze_product.events")
            .where(col("_corrupt_record").isNull())
            .withColumn("occurred_at", to_timestamp(col("occurred_at")))
            .withColumn("event_date", to_date(col("occurred_at")))
            .where(col("event_date").equalTo(lit(Date.valueOf(context.logicalDate()))))
            .where(col("event_type").isin((Object[]) EVENT_TYPES))
            .where(col("user_id").isNotNull().and(col("event_id").isNotNull()));
    return typed
        .withColumn(
            "copy",
            row_number()
                .over(Window.partitionBy("event_id").orderBy(col("_ingested_at"), col("_source"))))
        .where(col("copy").equalTo(1))
        .select(
            "event_id",
            "user_id",
            "session_id",
            "event_type",
            "platform",
            "occurred_at",
            "event_date");
  }
}
