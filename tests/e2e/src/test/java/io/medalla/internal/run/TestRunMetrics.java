package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.Alert;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.StepMetrics;
import io.medalla.extensions.RecordingAlertSink;
import io.medalla.internal.cli.CliRunner;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRunMetrics {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> RECORDING_ALERTS =
      Map.of("medalla.alert.sinks", "log,recording");

  @TempDir Path directory;

  @Test
  void stepTimesAddUpToTheRunAndAreStoredPrintedAndShown() throws Exception {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    TestPipelines.landOrders(warehouse, DAY, 3);
    List<String> lines = new ArrayList<>();
    RunResult result =
        TestPipelines.runKeepingMetricsLines(
            warehouse, new TestPipelines.BronzeOrders(), DAY, lines);

    assertThat(result.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    List<StepMetrics> steps = result.metrics().steps();
    assertThat(steps)
        .extracting(StepMetrics::step)
        .containsExactly(
            "plan", "guard", "read", "transform", "conform", "audit", "publish", "record");
    assertThat(steps.stream().map(StepMetrics::wallTime).reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(result.record().duration());
    StepMetrics publish = result.metrics().step("publish").orElseThrow();
    assertThat(publish.tasks()).isPositive();
    assertThat(publish.cpuTime()).isPositive();
    assertThat(publish.recordsWritten()).isEqualTo(result.record().rowsWritten()).isEqualTo(3);
    assertThat(publish.bytesWritten()).isPositive();
    assertThat(result.metrics().total().bytesRead()).isPositive();
    assertThat(result.metrics().total().failedTasks()).isZero();
    assertThat(result.metrics().filesWritten()).isPositive();

    Row row =
        warehouse
            .ledger()
            .where(col("run_id").equalTo(result.record().runId()))
            .collectAsList()
            .get(0);
    assertThat(row.<Long>getAs("files_written")).isEqualTo(result.metrics().filesWritten());
    List<Row> storedSteps = row.getList(row.fieldIndex("steps"));
    assertThat(storedSteps)
        .extracting(step -> step.<String>getAs("step"))
        .containsExactlyElementsOf(steps.stream().map(StepMetrics::step).toList());
    assertThat(storedSteps)
        .extracting(step -> step.<Long>getAs("records_written"))
        .containsExactlyElementsOf(steps.stream().map(StepMetrics::recordsWritten).toList());
    assertThat(storedSteps)
        .extracting(step -> step.<Long>getAs("wall_ms"))
        .containsExactlyElementsOf(steps.stream().map(step -> step.wallTime().toMillis()).toList());

    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.get("event").asText()).isEqualTo("medalla.run.metrics");
    assertThat(line.get("run_id").asText()).isEqualTo(result.record().runId());
    assertThat(line.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(line.get("duration_ms").asLong()).isEqualTo(result.record().duration().toMillis());
    assertThat(line.get("rows_written").asLong()).isEqualTo(3);
    assertThat(line.get("total").get("tasks").asLong()).isEqualTo(result.metrics().total().tasks());
    assertThat(line.get("steps")).hasSize(steps.size());
    assertThat(line.get("steps").get(6).get("records_written").asLong()).isEqualTo(3);

    CliRunner cli = new CliRunner(directory, Map.of());
    String[] where = {"--warehouse", warehouse.root().resolve("warehouse").toString()};
    CliRunner.Outcome status =
        cli.run("status", "--pipeline", "bronze_test.orders", "--json", where[0], where[1]);
    assertThat(status.status()).isZero();
    JsonNode shown = JSON.readTree(status.out()).get("runs").get(0);
    assertThat(shown.get("files_written").asLong()).isEqualTo(result.metrics().filesWritten());
    assertThat(shown.get("steps")).hasSize(steps.size());
    assertThat(shown.get("steps").get(6).get("tasks").asLong()).isEqualTo(publish.tasks());
    CliRunner.Outcome text = cli.run("status", "--steps", where[0], where[1]);
    assertThat(text.out())
        .contains(result.record().runId())
        .containsPattern("\\n    publish +\\d+ ms  jobs +\\d+  tasks +" + publish.tasks() + " ");
  }

  @Test
  void aRunReadingTenTimesTheBytesOfItsHistoryRaisesAWarning() {
    TestWarehouse warehouse = TestWarehouse.create(directory, RECORDING_ALERTS);
    List<RunResult> results = new ArrayList<>();
    for (int day = 0; day < 5; day++) {
      LocalDate date = DAY.plusDays(day);
      TestPipelines.landOrders(warehouse, date, day < 4 ? 5 : 5_000);
      results.add(warehouse.run(new TestPipelines.BronzeOrders(), date));
    }

    assertThat(results)
        .extracting(result -> result.record().status())
        .containsOnly(RunStatus.SUCCEEDED);
    List<Alert> alerts = RecordingAlertSink.received("bronze_test.orders");
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.level()).isEqualTo(Alert.Level.WARNING);
    assertThat(alert.errorCode()).isEqualTo(RunReports.ANOMALY_CODE);
    assertThat(alert.runId()).isEqualTo(results.get(4).record().runId());
    assertThat(alert.message()).contains("bytes read").doesNotContain("duration");
    assertThat(results.get(4).exitStatus()).isZero();
  }

  @Test
  void aRunFiveTimesSlowerThanItsHistoryRaisesAWarning() {
    TestWarehouse warehouse =
        TestWarehouse.create(directory, RECORDING_ALERTS)
            .given("silver_test.numbers", "n BIGINT", "1");
    LocalDate slowDay = DAY.plusDays(4);
    List<RunResult> results = new ArrayList<>();
    GoldProbeOfWork probe = new GoldProbeOfWork(slowDay, results);
    for (int day = 0; day < 5; day++) {
      results.add(warehouse.run(probe.pipeline(), DAY.plusDays(day)));
    }

    List<Alert> alerts = RecordingAlertSink.received("gold_test.work");
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).level()).isEqualTo(Alert.Level.WARNING);
    assertThat(alerts.get(0).runId()).isEqualTo(results.get(4).record().runId());
    assertThat(alerts.get(0).message()).contains("duration");
    assertThat(results.get(4).record().status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void describeShowsThePipelinesRecentRuns() throws Exception {
    CliRunner cli = new CliRunner(directory, Map.of());
    String warehouseRoot = directory.resolve("warehouse").toString();
    List<String> runIds = new ArrayList<>();
    for (String date : List.of("2026-11-01", "2026-11-02")) { // no landed files: both fail
      CliRunner.Outcome run =
          cli.run("run", "bronze_product.events", "--date", date, "--warehouse", warehouseRoot);
      assertThat(run.status()).isEqualTo(1);
      runIds.add(run.out().replaceAll("(?s).*?  run (\\S+)  .*", "$1"));
    }

    CliRunner.Outcome describe =
        cli.run("describe", "bronze_product.events", "--json", "--warehouse", warehouseRoot);

    assertThat(describe.status()).isZero();
    JsonNode recent = JSON.readTree(describe.out()).get("recent_runs");
    assertThat(recent)
        .extracting(run -> run.get("run_id").asText())
        .containsExactly(runIds.get(1), runIds.get(0));
    assertThat(recent).extracting(run -> run.get("status").asText()).containsOnly("FAILED");
  }

  /**
   * A gold pipeline doing a little Spark work on every day but one, where it goes on working until
   * its run has taken six times as long as the slowest run before it.
   */
  private record GoldProbeOfWork(LocalDate slowDay, List<RunResult> earlier) {
    TestPipelines.GoldProbe pipeline() {
      return new TestPipelines.GoldProbe(
          PipelineSpec.builder("gold_test.work")
              .owner("test-team@medalla.dev")
              .inputs("silver_test.numbers")
              .build(),
          context -> {
            SparkSession spark = context.spark();
            if (context.logicalDate().equals(slowDay)) {
              long slowest =
                  earlier.stream()
                      .mapToLong(result -> result.record().duration().toNanos())
                      .max()
                      .orElseThrow();
              long deadline = System.nanoTime() + 6 * slowest;
              while (System.nanoTime() < deadline) {
                spark.range(100_000).selectExpr("sum(hash(id))").collect();
              }
            }
            return context.read("silver_test.numbers").selectExpr("n", "n * 2 AS twice");
          });
    }
  }
}
