package io.medalla.pipelines.commerce;

import static io.medalla.testkit.MedallaAssertions.assertThat;

import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commerce gold tables against hand-computed results of small hand-made order histories. */
class TestCommerceDataProducts {
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);
  private static final String ORDERS_DDL =
      "order_id BIGINT, customer_id BIGINT, status STRING, amount DECIMAL(12,2), currency STRING,"
          + " created_at TIMESTAMP, updated_at TIMESTAMP";

  /** Orders of every status; the first UTC second of Nov 2 is the boundary. */
  private static final String[] ORDERS = {
    "1,1,paid,100.00,EUR,2026-11-01T10:00:00Z,2026-11-01T10:05:00Z",
    "2,1,shipped,50.50,EUR,2026-11-01T23:59:59Z,2026-11-03T08:00:00Z",
    "3,2,refunded,20.00,EUR,2026-11-01T12:00:00Z,2026-11-04T09:00:00Z",
    "4,2,cancelled,999.00,EUR,2026-11-01T13:00:00Z,2026-11-01T18:00:00Z",
    "5,3,created,75.00,EUR,2026-11-01T14:00:00Z,2026-11-01T14:00:00Z",
    "6,3,paid,10000.00,CLP,2026-11-01T15:00:00Z,2026-11-01T15:10:00Z",
    "7,1,paid,30.00,EUR,2026-11-02T00:00:00Z,2026-11-02T00:20:00Z",
    "8,4,cancelled,5.00,USD,2026-11-02T01:00:00Z,2026-11-02T02:00:00Z"
  };

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    warehouse = TestWarehouse.create(directory);
  }

  @Test
  void dailyRevenueCountsPaidOrdersByUtcOrderDateAndSubtractsRefunds() {
    warehouse.given("silver_commerce.orders", ORDERS_DDL, ORDERS);

    assertThat(warehouse.run(new GoldDailyRevenue(), NOV_1)).succeeded();
    assertThat(warehouse.run(new GoldDailyRevenue(), NOV_2)).succeeded();

    assertThat(warehouse.rows("gold_commerce.daily_revenue"))
        .as(
            "order_date, currency, orders, pending, cancelled, refunded orders,"
                + " gross, refunded, net revenue, average order value")
        .containsExactly(
            "[2026-11-01,CLP,1,0,0,0,10000.00,0.00,10000.00,10000.00]",
            "[2026-11-01,EUR,3,1,1,1,170.50,20.00,150.50,56.83]",
            "[2026-11-02,EUR,1,0,0,0,30.00,0.00,30.00,30.00]",
            "[2026-11-02,USD,0,0,1,0,0.00,0.00,0.00,null]");
    assertThat(warehouse.comment("gold_commerce.daily_revenue", "net_revenue"))
        .hasValue("gross_revenue - refunded_revenue");
  }

  @Test
  void lifetimeValueSumsPaidOrdersPerCustomerAndCurrencyWithTheCurrentCountry() {
    warehouse.given("silver_commerce.orders", ORDERS_DDL, ORDERS);
    warehouse.given(
        "silver_commerce.customers",
        "customer_id BIGINT, name STRING, email STRING, country STRING, updated_at TIMESTAMP,"
            + " valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN",
        "1,C1,c1@example.com,CL,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,"
            + "2026-10-15T00:00:00Z,false",
        "1,C1,c1@example.com,ES,2026-10-15T00:00:00Z,2026-10-15T00:00:00Z,,true",
        // Deleted at the source on Nov 3: no current version.
        "2,C2,c2@example.com,AR,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,"
            + "2026-11-03T00:00:00Z,false",
        "3,C3,c3@example.com,US,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,,true");

    assertThat(warehouse.run(new GoldCustomerLifetimeValue(), NOV_2)).succeeded();

    assertThat(warehouse.rows("gold_commerce.customer_lifetime_value"))
        .as(
            "customer_id, currency, country, orders, refunded orders, net revenue,"
                + " first and last order date")
        .containsExactly(
            "[1,EUR,ES,3,0,180.50,2026-11-01,2026-11-02]",
            "[2,EUR,null,1,1,0.00,2026-11-01,2026-11-01]",
            "[3,CLP,US,1,0,10000.00,2026-11-01,2026-11-01]");
    assertThat(warehouse.comment("gold_commerce.customer_lifetime_value", "country"))
        .hasValueSatisfying(
            comment -> assertThat(comment).startsWith("the customer's current country"));
  }

  @Test
  void aRefundArrivingLaterRestatesItsOrderDate() {
    landChanges(
        NOV_1,
        change(null, order(10, "created", "100.00", "EUR", "10:00"), 1, "2026-11-01T10:00:00Z"),
        change(
            order(10, "created", "100.00", "EUR", "10:00"),
            order(10, "paid", "100.00", "EUR", "10:00"),
            2,
            "2026-11-01T10:05:00Z"),
        change(
            order(10, "created", "100.00", "EUR", "10:00"),
            order(10, "paid", "100.00", "EUR", "10:00"),
            2,
            "2026-11-01T10:05:00Z"),
        change(null, order(11, "created", "40.00", "EUR", "23:30"), 3, "2026-11-01T23:30:00Z"));
    assertThat(warehouse.run(new BronzeOrders(), NOV_1)).succeeded();
    assertThat(warehouse.run(new SilverOrders(), NOV_1)).succeeded();
    assertThat(warehouse.incremental(new GoldDailyRevenue(), NOV_1)).succeeded();

    assertThat(warehouse.rows("gold_commerce.daily_revenue"))
        .containsExactly("[2026-11-01,EUR,1,1,0,0,100.00,0.00,100.00,100.00]");

    landChanges(
        NOV_2,
        change(
            order(10, "paid", "100.00", "EUR", "10:00"),
            order(10, "refunded", "100.00", "EUR", "10:00"),
            4,
            "2026-11-02T09:00:00Z"),
        change(
            order(11, "created", "40.00", "EUR", "23:30"),
            order(11, "paid", "40.00", "EUR", "23:30"),
            5,
            "2026-11-02T00:10:00Z"),
        change(null, order(12, "created", "12.00", "USD", "08:00"), 6, "2026-11-02T08:00:00Z"),
        change(
            order(12, "created", "12.00", "USD", "08:00"),
            order(12, "paid", "12.00", "USD", "08:00"),
            7,
            "2026-11-02T08:02:00Z"));
    assertThat(warehouse.run(new BronzeOrders(), NOV_2)).succeeded();
    assertThat(warehouse.run(new SilverOrders(), NOV_2)).succeeded();
    assertThat(warehouse.incremental(new GoldDailyRevenue(), NOV_2))
        .as("changes to orders of Nov 1 and Nov 2 touch both dates")
        .succeeded()
        .hasDates(NOV_1, NOV_2);
    assertThat(warehouse.rows("gold_commerce.daily_revenue"))
        .containsExactly(
            "[2026-11-01,EUR,2,0,0,1,140.00,100.00,40.00,70.00]",
            "[2026-11-02,USD,1,0,0,0,12.00,0.00,12.00,12.00]");
  }

  private void landChanges(LocalDate date, String... envelopes) {
    warehouse.land(BronzeOrders.LANDING_FOLDER, date, "changes.jsonl", List.of(envelopes));
  }

  /** An order's row image, created on Nov 1 or 2 (by id) at {@code time} UTC. */
  private static String order(long id, String status, String amount, String currency, String time) {
    String createdAt = (id == 12 ? "2026-11-02" : "2026-11-01") + "T" + time + ":00Z";
    return String.format(
        "{\"order_id\":%d,\"customer_id\":7,\"status\":\"%s\",\"amount\":%s,\"currency\":\"%s\","
            + "\"created_at\":\"%s\",\"updated_at\":\"%s\"}",
        id, status, amount, currency, createdAt, createdAt);
  }

  /** A Debezium envelope: a create when {@code before} is null, an update otherwise. */
  private static String change(String before, String after, long lsn, String time) {
    long millis = Instant.parse(time).toEpochMilli();
    return String.format(
        "{\"before\":%s,\"after\":%s,\"op\":\"%s\",\"ts_ms\":%d,"
            + "\"source\":{\"lsn\":%d,\"ts_ms\":%d}}",
        before, after, before == null ? "c" : "u", millis + 5, lsn, millis);
  }
}
