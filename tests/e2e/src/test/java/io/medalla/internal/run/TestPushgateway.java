package io.medalla.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.servers.LoopbackServer;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs push their metrics to a real Pushgateway, which serves them back on /metrics. */
class TestPushgateway {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final String GROUP = "{env=\"local\",instance=\"\",job=\"bronze_test.orders\"";

  @TempDir static Path serverDirectory;
  @TempDir Path directory;

  private static LoopbackServer pushgateway;

  @BeforeAll
  static void startPushgateway() throws IOException {
    pushgateway = startPushgateway(serverDirectory.resolve("pushgateway.log"));
  }

  private static LoopbackServer startPushgateway(Path log) throws IOException {
    return LoopbackServer.start(
        List.of(
            "prometheus-pushgateway", "--web.listen-address=" + LoopbackServer.HOST + ":{port}"),
        "Listening on",
        log);
  }

  @AfterAll
  static void stopPushgateway() {
    if (pushgateway != null) {
      pushgateway.close();
    }
  }

  @Test
  void aRunsMetricsAreReadableFromThePushgatewayAndAFailureKeepsTheLastSuccess() throws Exception {
    TestWarehouse warehouse =
        TestWarehouse.create(
            directory, Map.of("medalla.metrics.pushgateway.url", pushgateway.url() + "/"));
    TestPipelines.landOrders(warehouse, DAY, 2);

    RunResult success = warehouse.run(new TestPipelines.BronzeOrders(), DAY);

    assertThat(success.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    Map<String, String> metrics = scrape();
    double endedAt = success.record().endedAt().toEpochMilli() / 1000.0;
    assertThat(metrics)
        .containsEntry("medalla_run_rows_written" + GROUP + "}", "2")
        .containsEntry(
            "medalla_run_files_written" + GROUP + "}",
            String.valueOf(success.metrics().filesWritten()))
        .containsEntry("medalla_run_status" + GROUP + ",status=\"SUCCEEDED\"}", "1")
        .containsEntry("medalla_run_status" + GROUP + ",status=\"FAILED\"}", "0")
        .containsEntry(
            "medalla_run_step_tasks" + GROUP + ",step=\"publish\"}",
            String.valueOf(success.metrics().step("publish").orElseThrow().tasks()))
        .containsEntry(
            "medalla_run_info"
                + GROUP
                + ",logical_date=\"2026-11-01\",run_id=\""
                + success.record().runId()
                + "\"}",
            "1");
    assertThat(
            Double.parseDouble(
                metrics.get("medalla_run_last_success_timestamp_seconds" + GROUP + "}")))
        .isEqualTo(endedAt);
    assertThat(Double.parseDouble(metrics.get("medalla_run_duration_seconds" + GROUP + "}")))
        .isEqualTo(success.record().duration().toMillis() / 1000.0);

    RunResult failure = warehouse.run(new TestPipelines.BronzeOrders(), DAY.plusDays(1));

    assertThat(failure.record().status()).isEqualTo(RunStatus.FAILED);
    metrics = scrape();
    assertThat(metrics)
        .containsEntry("medalla_run_status" + GROUP + ",status=\"FAILED\"}", "1")
        .containsEntry("medalla_run_status" + GROUP + ",status=\"SUCCEEDED\"}", "0")
        .containsEntry("medalla_run_rows_written" + GROUP + "}", "0");
    assertThat(
            Double.parseDouble(
                metrics.get("medalla_run_last_success_timestamp_seconds" + GROUP + "}")))
        .isEqualTo(endedAt);
    assertThat(Double.parseDouble(metrics.get("medalla_run_end_timestamp_seconds" + GROUP + "}")))
        .isEqualTo(failure.record().endedAt().toEpochMilli() / 1000.0);
  }

  @Test
  void aPushgatewayThatIsDownDoesNotFailTheRun() throws Exception {
    LoopbackServer stopped = startPushgateway(directory.resolve("stopped.log"));
    stopped.close();
    TestWarehouse warehouse =
        TestWarehouse.create(directory, Map.of("medalla.metrics.pushgateway.url", stopped.url()));
    TestPipelines.landOrders(warehouse, DAY, 1);

    RunResult result = warehouse.run(new TestPipelines.BronzeOrders(), DAY);

    assertThat(result.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.exitStatus()).isZero();
  }

  /** The Pushgateway's samples, by name and labels as it prints them. */
  private static Map<String, String> scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(pushgateway.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("medalla_run_")) {
        int split = line.lastIndexOf(' ');
        samples.put(line.substring(0, split), line.substring(split + 1));
      }
    }
    return samples;
  }
}
