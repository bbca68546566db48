package io.medalla.pipelines.commerce;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * Which orders of {@code silver_commerce.orders} count as revenue, shared by the commerce gold
 * tables: an order is revenue once paid (paid, shipped or refunded); a refund is a full refund of
 * its amount; cancelled orders (cancelled before payment) and unpaid ones (created) never count.
 * Orders are attributed to the UTC date of their creation, in their own currency.
 */
final class OrderRevenue {
  /** Paid orders: every status reached after a payment. */
  static final Column PAID = col("status").isin("paid", "shipped", "refunded");

  /** Paid orders refunded in full. */
  static final Column REFUNDED = col("status").equalTo("refunded");

  /** The UTC date an order was placed on (the session time zone is UTC). */
  static final String ORDER_DATE = "to_date(created_at)";

  /** Money columns keep two decimals and room for large sums. */
  static final String MONEY = "decimal(18,2)";

  private OrderRevenue() {}

  /** The number of orders matching {@code condition}. */
  static Column countWhere(Column condition) {
    return count(when(condition, lit(1)));
  }

  /** The total amount of the orders matching {@code condition}; 0 when none do. */
  static Column amountWhere(Column condition) {
    return sum(when(condition, col("amount")).otherwise(lit(0))).cast(MONEY);
  }
}
