package io.medalla.pipelines.product;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.to_timestamp;

import io.medalla.api.Columns;
import io.medalla.api.Expect;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Typed, deduplicated product events of one UTC day. An event belongs to the day it occurred on,
 * whichever day's batch brought it; a repeated event id is kept once (the first ingested copy). A
 * record whose time is missing or unreadable belongs to its batch's day. Records breaking the event
 * contract (no id, user or time; an unknown event type or platform) and lines that did not parse
 * are quarantined with their reasons, file, line and raw record, never dropped.
 */
public final class SilverEvents extends SilverPipeline {
  /** The event types the apps send, in funnel order. */
  public static final String[] EVENT_TYPES = {"page_view", "add_to_cart", "checkout", "purchase"};

  /** The platforms the apps run on. */
  public static final String[] PLATFORMS = {"ios", "android", "web"};

  /** The UTC day an event belongs to, over bronze columns. */
  static final String EVENT_DATE =
      "coalesce(to_date(to_timestamp(occurred_at)), to_date(_batch_id))";

  /** The published columns, each classified as the bronze column it comes from. */
  private static final List<String> COLUMNS =
      List.of(
          "event_id",
          "user_id",
          "session_id",
          "event_type",
          "platform",
          "occurred_at",
          "event_date");

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("silver_product.events")
          .owner("product-analytics@medalla.dev")
          .description(
              "Product events, typed and deduplicated by event_id, one partition per UTC day.")
          .dependsOn("bronze_product.events", EVENT_DATE)
          .keys("event_id")
          .partitionedBy("event_date")
          .insertOnly()
          .deduplicate("_ingested_at", "_source", "_line")
          .critical()
          .expect(
              Expect.schema(
                      "event_id STRING, user_id BIGINT, session_id STRING, event_type STRING,"
                          + " platform STRING, occurred_at TIMESTAMP, event_date DATE")
                  .fail(),
              Expect.unique("event_id").fail(),
              Expect.fresh("occurred_at", Duration.ofHours(6)).fail(),
              Expect.rowCount(1, 1_000_000_000).fail(),
              Expect.complete("event_id", "user_id", "occurred_at").quarantine(),
              Expect.values("event_type", EVENT_TYPES).quarantine(),
              Expect.values("platform", PLATFORMS).quarantine(),
              Expect.rowCountChange(0.5, 2.0).warn(),
              Expect.nullRateDrift("session_id", 0.05).warn())
          .inherit(COLUMNS.toArray(String[]::new))
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
            .withColumn("event_date", expr(EVENT_DATE))
            .withColumn("occurred_at", to_timestamp(col("occurred_at")))
            .where(context.inDates("event_date"));
    List<String> columns = new ArrayList<>(COLUMNS);
    columns.add("_ingested_at");
    // Where each event came from, so a quarantined one is traced to its file and line.
    columns.addAll(Columns.PROVENANCE);
    return typed.select(columns.stream().map(functions::col).toArray(Column[]::new));
  }
}
