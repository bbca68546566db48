package io.medalla.pipelines.product;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Classification;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;

/** Product events as received from the apps: JSON lines landed per day, kept as sent. */
public final class BronzeEvents extends BronzePipeline {
  /** The landing folder of product events. */
  public static final String LANDING_FOLDER = "product/events";

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("bronze_product.events")
          .owner("product-analytics@medalla.dev")
          .description("Product events from the web and mobile apps, exactly as received.")
          .source(
              FileSource.jsonLines(
                  LANDING_FOLDER,
                  "event_id STRING, user_id BIGINT, session_id STRING, event_type STRING,"
                      + " platform STRING, occurred_at STRING"))
          .classify(Classification.INTERNAL, "event_id", "occurred_at")
          .classify("user_id", Classification.PII, "pii:user_id")
          .classify("session_id", Classification.PII, "pii:session_id")
          .classify(Classification.PUBLIC, "event_type", "platform")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }
}
