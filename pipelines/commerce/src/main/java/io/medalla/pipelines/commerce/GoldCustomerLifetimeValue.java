package io.medalla.pipelines.commerce;

import static io.medalla.api.Columns.commented;
import static io.medalla.pipelines.commerce.OrderRevenue.PAID;
import static io.medalla.pipelines.commerce.OrderRevenue.REFUNDED;
import static io.medalla.pipelines.commerce.OrderRevenue.amountWhere;
import static io.medalla.pipelines.commerce.OrderRevenue.countWhere;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Objective;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Customer lifetime value to date, per customer and currency: their paid orders and net revenue
 * (refunds subtracted) from the orders' current state, the first and last paid order's UTC date,
 * and the customer's current country. The whole table is recomputed and replaced by every run.
 * Contract: pipelines/commerce/README.md.
 */
public final class GoldCustomerLifetimeValue extends GoldPipeline {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_commerce.customer_lifetime_value")
          .owner("commerce-data@medalla.dev")
          .description(
              "Customer lifetime value per customer and currency: paid orders (paid, shipped,"
                  + " refunded), net revenue with refunds subtracted, first/last order date (UTC);"
                  + " recomputed whole each run.")
          .inputs("silver_commerce.orders", "silver_commerce.customers")
          .critical()
          .expect(
              Expect.schema(
                      "customer_id BIGINT, currency STRING, country STRING, orders BIGINT,"
                          + " refunded_orders BIGINT, net_revenue DECIMAL(18,2),"
                          + " first_order_date DATE, last_order_date DATE")
                  .fail(),
              Expect.unique("customer_id", "currency").fail(),
              Expect.fresh("last_order_date", Duration.ofDays(2)).fail(),
              Expect.complete("customer_id", "currency", "orders", "net_revenue").fail(),
              Expect.satisfies("has_paid_orders", "orders > 0 AND refunded_orders <= orders")
                  .fail(),
              Expect.satisfies("ordered_dates", "first_order_date <= last_order_date").fail())
          .inherit("customer_id", "currency", "country")
          .classify(
              Classification.CONFIDENTIAL,
              "orders",
              "refunded_orders",
              "net_revenue",
              "first_order_date",
              "last_order_date")
          .objective(Objective.success(0.95))
          .objective(Objective.latency(Duration.ofMinutes(30), 0.9))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    Dataset<Row> values =
        context
            .read("silver_commerce.orders")
            .where(PAID)
            .withColumn("order_date", expr(OrderRevenue.ORDER_DATE))
            .groupBy("customer_id", "currency")
            .agg(
                countWhere(PAID).as("orders"),
                countWhere(REFUNDED).as("refunded_orders"),
                amountWhere(not(REFUNDED)).as("net_revenue"),
                min("order_date").as("first_order_date"),
                max("order_date").as("last_order_date"));
    Dataset<Row> currentCustomers =
        context
            .read("silver_commerce.customers")
            .where(col("is_current"))
            .select("customer_id", "country");
    return values
        .join(currentCustomers, new String[] {"customer_id"}, "left")
        .select(
            commented(col("customer_id"), "customer_id", "the customer"),
            commented(col("currency"), "currency", "currency of the amounts (never converted)"),
            commented(
                col("country"),
                "country",
                "the customer's current country; null when deleted at the source or unknown"),
            commented(col("orders"), "orders", "paid orders: paid, shipped or refunded"),
            commented(col("refunded_orders"), "refunded_orders", "paid orders refunded in full"),
            commented(
                col("net_revenue"),
                "net_revenue",
                "amount of the paid orders minus the refunded ones"),
            commented(
                col("first_order_date"), "first_order_date", "UTC date of the first paid order"),
            commented(
                col("last_order_date"), "last_order_date", "UTC date of the last paid order"));
  }
}
