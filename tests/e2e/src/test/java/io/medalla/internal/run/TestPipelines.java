package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.medalla.api.BronzePipeline;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.SilverPipeline;
import io.medalla.internal.ops.Logging;
import io.medalla.testkit.TestWarehouse;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.LoggerFactory;

/** Small pipelines over a {@code test} domain for lifecycle tests. */
final class TestPipelines {
  static final String LANDING = "test/orders";

  private TestPipelines() {}

  /** Lands {@code rows} orders of {@code date} for {@link BronzeOrders}. */
  static void landOrders(TestWarehouse warehouse, LocalDate date, int rows) {
    warehouse.land(
        LANDING,
        date,
        "orders.jsonl",
        IntStream.range(0, rows)
            .mapToObj(
                i ->
                    String.format(
                        "{\"order_id\":\"%s-%d\",\"amount\":%d,\"day\":\"%s\"}", date, i, i, date))
            .toList());
  }

  /** Runs {@code pipeline}, adding the run-metrics lines the run printed to {@code lines}. */
  static RunResult runKeepingMetricsLines(
      TestWarehouse warehouse, Pipeline pipeline, LocalDate date, List<String> lines) {
    Logger metricsLogger = (Logger) LoggerFactory.getLogger(Logging.METRICS_LOGGER);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    metricsLogger.addAppender(appender);
    try {
      return warehouse.run(pipeline, date);
    } finally {
      metricsLogger.detachAppender(appender);
      appender.list.forEach(event -> lines.add(event.getFormattedMessage()));
    }
  }

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
