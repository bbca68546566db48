package io.medalla.pipelines.commerce;

import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.PipelineSpec;

/**
 * Every version of every customer (SCD2): {@code valid_from} is when a version was written at the
 * source, {@code valid_to} when the next one or a delete replaced it, {@code is_current} marks the
 * live version.
 */
public final class SilverCustomers extends ChangeDataPipeline {
  /** A customer's row as the commerce database holds it. */
  private static final String CUSTOMER =
      "customer_id BIGINT, name STRING, email STRING, country STRING, updated_at TIMESTAMP";

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("silver_commerce.customers")
          .owner("commerce-data@medalla.dev")
          .description("Customer history (SCD2) from the commerce database.")
          .keys("customer_id")
          .changes(
              ChangeFeed.extracted("bronze_commerce.customers", CUSTOMER, "updated_at")
                  .keepingHistory())
          .expect(
              Expect.schema(
                      CUSTOMER + ", valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN")
                  .fail(),
              Expect.unique("customer_id", "valid_from").fail(),
              Expect.complete("customer_id", "valid_from").fail(),
              Expect.matches("email", "^[^@\\s]+@[^@\\s]+$").quarantine())
          .inherit("customer_id", "name", "email", "country", "updated_at")
          .classify(Classification.INTERNAL, "valid_from", "valid_to", "is_current")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }
}
