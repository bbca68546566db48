package io.medalla.pipelines.commerce;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Classification;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;

/** Order change events (Debezium JSON envelopes) landed as files, as received. */
public final class BronzeOrders extends BronzePipeline {
  /** The landing folder of order change events. */
  public static final String LANDING_FOLDER = "commerce/orders";

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("bronze_commerce.orders")
          .owner("commerce-data@medalla.dev")
          .description("Order change events from the commerce database, as landed.")
          .source(FileSource.debezium(LANDING_FOLDER, "order_id BIGINT"))
          // The change images hold the order's customer id: found by erasure, typed in silver.
          .classify("before", Classification.CONFIDENTIAL, "pii:customer_id")
          .classify("after", Classification.CONFIDENTIAL, "pii:customer_id")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }
}
