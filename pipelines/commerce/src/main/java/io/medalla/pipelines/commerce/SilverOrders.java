package io.medalla.pipelines.commerce;

import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.PipelineSpec;

/** The current state of every order (SCD1): the latest change wins, a delete removes the order. */
public final class SilverOrders extends ChangeDataPipeline {
  /** The order statuses the shop uses. */
  public static final String[] STATUSES = {"created", "paid", "shipped", "cancelled", "refunded"};

  /** The currencies orders are paid in; amounts are never converted. */
  public static final String[] CURRENCIES = {"EUR", "USD", "CLP"};

  /** An order's row as the shop's database holds it, which is also the table's contract. */
  private static final String ORDER =
      "order_id BIGINT, customer_id BIGINT, status STRING, amount DECIMAL(12,2), currency STRING,"
          + " created_at TIMESTAMP, updated_at TIMESTAMP";

  private static final PipelineSpec SPEC =
      PipelineSpec.builder("silver_commerce.orders")
          .owner("commerce-data@medalla.dev")
          .description("Current state of every order (SCD1) from its change events.")
          .keys("order_id")
          .changes(ChangeFeed.debezium("bronze_commerce.orders", ORDER))
          .expect(
              Expect.schema(ORDER).fail(),
              Expect.unique("order_id").fail(),
              Expect.complete("order_id", "customer_id", "created_at").fail(),
              Expect.values("status", STATUSES).fail(),
              Expect.values("currency", CURRENCIES).fail(),
              Expect.between("amount", 0, 1_000_000).fail())
          .classify(Classification.INTERNAL, "order_id", "status", "created_at", "updated_at")
          .classify("customer_id", Classification.PII, "pii:customer_id")
          .classify(Classification.CONFIDENTIAL, "amount")
          .classify(Classification.PUBLIC, "currency")
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }
}
