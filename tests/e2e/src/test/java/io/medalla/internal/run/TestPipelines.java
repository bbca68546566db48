package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.medalla.api.BronzePipeline;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import java.sql.Date;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Small pipelines over a {@code test} domain for lifecycle tests. */
final class TestPipelines {
  static final String LANDING = "test/orders";

  private TestPipelines() {}

  static final class BronzeOrders extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_test.orders")
          .owner("test-team@medalla.dev")
          .source(FileSource.jsonLines(LANDING, "order_id STRING, amount INT, day STRING"))
          .build();
    }
  }

  /** Silver orders of the logical date, replacing the date's partition. */
  static final class SilverOrders extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_test.orders")
          .owner("test-team@medalla.dev")
          .inputs("bronze_test.orders")
          .keys("order_id")
          .partitionedBy("day")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_test.orders")
          .where(col("_corrupt_record").isNull())
          .select(col("order_id"), col("amount"), col("day").cast("date").as("day"))
          .where(col("day").equalTo(lit(Date.valueOf(context.logicalDate()))));
    }
  }

  /** Latest amount per order, merged by key (no partition). */
  static final class SilverOrderState extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_test.order_state")
          .owner("test-team@medalla.dev")
          .inputs("bronze_test.orders")
          .keys("order_id")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_test.orders")
          .where(col("_batch_id").equalTo(context.logicalDate().toString()))
          .select("order_id", "amount");
    }
  }

  /** Revenue per day, a full snapshot replaced on every run. */
  static final class GoldRevenue extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_test.revenue")
          .owner("test-team@medalla.dev")
          .inputs("silver_test.orders")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context.read("silver_test.orders").groupBy("day").agg(sum("amount").as("revenue"));
    }
  }

  /** A gold pipeline whose transformation is given by the test. */
  static final class GoldProbe extends GoldPipeline {
    private final PipelineSpec spec;
    private final Function<RunContext, Dataset<Row>> transformation;

    GoldProbe(PipelineSpec spec, Function<RunContext, Dataset<Row>> transformation) {
      this.spec = spec;
      this.transformation = transformation;
    }

    @Override
    public PipelineSpec spec() {
      return spec;
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return transformation.apply(context);
    }
  }
}
