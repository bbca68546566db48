package io.medalla.testkit;

import static io.medalla.testkit.MedallaAssertions.assertThat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test kit's example: a gold pipeline through an initial load, late data and re-runs. */
class TestGoldPipelineExample {
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);
  private static final String ORDERS = "silver_shop.orders";
  private static final String REVENUE = "gold_shop.daily_revenue";

  @Test
  void lateOrdersRestateTheirDayAndAFullRefreshGivesTheSameTable(@TempDir Path directory) {
    GoldDailyRevenue pipeline = new GoldDailyRevenue();
    TestWarehouse warehouse =
        TestWarehouse.create(directory)
            .given(
                ORDERS,
                "order_id BIGINT, order_date DATE, amount DECIMAL(10,2)",
                "1,2026-11-01,10.00",
                "2,2026-11-01,5.50",
                "3,2026-11-02,7.00");
    assertThat(warehouse.incremental(pipeline, NOV_2)).succeeded().hasDates(NOV_1, NOV_2);
    assertThat(warehouse.rows(REVENUE))
        .containsExactly("[2026-11-01,2,15.50]", "[2026-11-02,1,7.00]");

    warehouse.append(ORDERS, "4,2026-11-01,1.00");
    assertThat(warehouse.incremental(pipeline, NOV_2)).succeeded().hasDates(NOV_1);
    List<String> restated = List.of("[2026-11-01,3,16.50]", "[2026-11-02,1,7.00]");
    assertThat(warehouse.rows(REVENUE)).isEqualTo(restated);

    assertThat(warehouse.incremental(pipeline, NOV_2)).skipped();
    assertThat(warehouse.run(pipeline, NOV_1)).succeeded();
    assertThat(warehouse.rows(REVENUE)).isEqualTo(restated);
    assertThat(warehouse.fullRefresh(pipeline, NOV_2)).succeeded();
    assertThat(warehouse.rows(REVENUE)).isEqualTo(restated);
  }

  /** Orders and revenue per order date. */
  static final class GoldDailyRevenue extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(REVENUE)
          .owner("shop-analytics@example.com")
          .dependsOn(ORDERS, "order_date")
          .keys("order_date")
          .partitionedBy("order_date")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read(ORDERS)
          .where(context.inDates("order_date"))
          .groupBy("order_date")
          .agg(count(lit(1)).as("orders"), sum("amount").as("revenue"));
    }
  }
}
