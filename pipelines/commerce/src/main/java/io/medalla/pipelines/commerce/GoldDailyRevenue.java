package io.medalla.pipelines.commerce;

import static io.medalla.api.Columns.commented;
import static io.medalla.pipelines.commerce.OrderRevenue.PAID;
import static io.medalla.pipelines.commerce.OrderRevenue.REFUNDED;
import static io.medalla.pipelines.commerce.OrderRevenue.amountWhere;
import static io.medalla.pipelines.commerce.OrderRevenue.countWhere;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;

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
 * Daily revenue per order date (UTC) and currency, from the current state of the orders: paid
 * orders (paid, shipped, refunded) make gross revenue, refunds are subtracted in net revenue,
 * cancelled and unpaid orders are only counted. A status change restates its order's date.
 * Contract: pipelines/commerce/README.md.
 */
public final class GoldDailyRevenue extends GoldPipeline {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("gold_commerce.daily_revenue")
          .owner("commerce-data@medalla.dev")
          .description(
              "Daily revenue per UTC order date and currency from the orders' current status:"
                  + " gross = paid+shipped+refunded, net = gross - refunded; cancelled and"
                  + " unpaid orders excluded.")
          .dependsOn("silver_commerce.orders", OrderRevenue.ORDER_DATE)
          .keys("order_date", "currency")
          .partitionedBy("order_date")
          .critical()
          .expect(
              Expect.schema(
                      "order_date DATE, currency STRING, orders BIGINT, pending_orders BIGINT,"
                          + " cancelled_orders BIGINT, refunded_orders BIGINT,"
                          + " gross_revenue DECIMAL(18,2), refunded_revenue DECIMAL(18,2),"
                          + " net_revenue DECIMAL(18,2), average_order_value DECIMAL(18,2)")
                  .fail(),
              Expect.unique("order_date", "currency").fail(),
              Expect.fresh("order_date", Duration.ofDays(1)).fail(),
              Expect.complete("order_date", "currency", "gross_revenue", "net_revenue").fail(),
              Expect.values("currency", SilverOrders.CURRENCIES).fail(),
              Expect.satisfies(
                      "net_is_gross_minus_refunds",
                      "net_revenue = gross_revenue - refunded_revenue AND net_revenue >= 0")
                  .fail(),
              Expect.meanShift("orders", 4.0).warn())
          .inherit("order_date", "currency")
          .classify(
              Classification.CONFIDENTIAL,
              "orders",
              "pending_orders",
              "cancelled_orders",
              "refunded_orders",
              "gross_revenue",
              "refunded_revenue",
              "net_revenue",
              "average_order_value")
          .objective(Objective.freshness(Duration.ofHours(4), 0.99))
          .objective(Objective.success(0.99))
          .build();

  @Override
  public PipelineSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(RunContext context) {
    return context
        .read("silver_commerce.orders")
        .withColumn("order_date", expr(OrderRevenue.ORDER_DATE))
        .where(context.inDates("order_date"))
        .groupBy(
            commented(col("order_date"), "order_date", "UTC date the orders were created"),
            commented(col("currency"), "currency", "currency of the amounts (never converted)"))
        .agg(
            commented(countWhere(PAID), "orders", "paid orders: paid, shipped or refunded"),
            commented(
                countWhere(col("status").equalTo("created")),
                "pending_orders",
                "orders not paid yet (created); not revenue"),
            commented(
                countWhere(col("status").equalTo("cancelled")),
                "cancelled_orders",
                "orders cancelled before payment; not revenue"),
            commented(
                countWhere(REFUNDED), "refunded_orders", "paid orders refunded in full since"),
            commented(amountWhere(PAID), "gross_revenue", "amount of the paid orders"),
            commented(amountWhere(REFUNDED), "refunded_revenue", "amount of the refunded orders"),
            commented(
                amountWhere(PAID.and(not(REFUNDED))),
                "net_revenue",
                "gross_revenue - refunded_revenue"))
        .select(
            col("*"),
            commented(
                round(col("gross_revenue").divide(col("orders")), 2).cast(OrderRevenue.MONEY),
                "average_order_value",
                "gross_revenue / orders, rounded half up to cents; null without paid orders"));
  }
}
