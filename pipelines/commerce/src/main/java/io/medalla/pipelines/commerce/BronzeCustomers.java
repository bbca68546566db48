package io.medalla.pipelines.commerce;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Classification;
import io.medalla.api.JdbcSource;
import io.medalla.api.PipelineSpec;

/** Customers extracted from the commerce database: changed rows and detected deletes. */
public final class BronzeCustomers extends BronzePipeline {
  /** The connection to the commerce database, configured as {@code medalla.connections.*}. */
  public static final String CONNECTION = "commerce_db";

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("bronze_commerce.customers")
          .owner("commerce-data@medalla.dev")
          .description("Customer rows read from the commerce database, and deletes detected there.")
          .source(
              JdbcSource.table(CONNECTION, "public.customers")
                  .incremental("updated_at")
                  .keys("customer_id")
                  .detectingDeletes())
          .classify("customer_id", Classification.PII, "pii:customer_id")
          .classify("name", Classification.PII, "pii:name")
          .classify("email", Classification.PII, "pii:email")
          .classify(Classification.PUBLIC, "country")
          .classify(Classification.INTERNAL, "updated_at")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }
}
