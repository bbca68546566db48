package io.medalla.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.medalla.api.RunResult;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class TestObservability {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  @TempDir Path directory;

  @Test
  void runLogsCarryRunContextAndSparkJobsNameTheirStep() throws Exception {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    warehouse.land(
        TestPipelines.LANDING,
        DAY,
        "orders.jsonl",
        List.of("{\"order_id\":\"a\",\"amount\":1,\"day\":\"2026-11-01\"}"));
    Logger medalla = (Logger) LoggerFactory.getLogger("io.medalla");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    medalla.addAppender(logs);
    List<String> jobDescriptions = new CopyOnWriteArrayList<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart jobStart) {
            String description = jobStart.properties().getProperty("spark.job.description");
            String group = jobStart.properties().getProperty("spark.jobGroup.id");
            jobDescriptions.add(group + " | " + description);
          }
        };
    warehouse.spark().sparkContext().addSparkListener(listener);
    RunResult result;
    try {
      result = warehouse.run(new TestPipelines.BronzeOrders(), DAY);
      warehouse.spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      warehouse.spark().sparkContext().removeSparkListener(listener);
      medalla.detachAppender(logs);
    }

    String runId = result.record().runId();
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .allSatisfy(
            event -> {
              assertThat(event.getMDCPropertyMap()).containsEntry("run_id", runId);
              assertThat(event.getMDCPropertyMap())
                  .containsEntry("pipeline", "bronze_test.orders")
                  .containsEntry("env", "local")
                  .containsEntry("logical_date", "2026-11-01");
            });
    assertThat(jobDescriptions)
        .contains("medalla-" + runId + " | bronze_test.orders [2026-11-01] conform")
        .contains("medalla-" + runId + " | bronze_test.orders [2026-11-01] publish");
  }
}
