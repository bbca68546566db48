package io.medalla.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.Expect;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.servers.LineageServer;
import io.medalla.testkit.TestWarehouse;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs send their OpenLineage events to a real HTTP endpoint, or to a file. */
class TestLineage {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LineageServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = LineageServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void forgetEvents() {
    server.clear();
  }

  private TestWarehouse warehouse() {
    return TestWarehouse.create(
        directory,
        Map.of("medalla.lineage.transport", "http", "medalla.lineage.http.url", server.url()));
  }

  @Test
  void eachRunSendsOneStartAndOneCompleteWithWhatItReadAndCommitted() {
    TestWarehouse warehouse = warehouse();
    TestPipelines.landOrders(warehouse, DAY, 2);

    List<RunResult> results =
        List.of(
            warehouse.run(new TestPipelines.BronzeOrders(), DAY),
            warehouse.run(new TestPipelines.SilverOrders(), DAY),
            warehouse.run(new TestPipelines.GoldRevenue(), DAY));

    assertThat(results)
        .extracting(result -> result.record().status())
        .containsOnly(RunStatus.SUCCEEDED);
    assertThat(server.bodies())
        .hasSize(6)
        .allSatisfy(body -> assertThat(LineageServer.missingRequiredFields(body)).isEmpty());
    List<OpenLineage.RunEvent> events = server.events();
    for (int index = 0; index < results.size(); index++) {
      RunResult result = results.get(index);
      OpenLineage.RunEvent start = events.get(2 * index);
      OpenLineage.RunEvent complete = events.get(2 * index + 1);
      assertThat(start.getEventType()).isEqualTo(OpenLineage.RunEvent.EventType.START);
      assertThat(complete.getEventType()).isEqualTo(OpenLineage.RunEvent.EventType.COMPLETE);
      assertThat(complete.getRun().getRunId()).isEqualTo(start.getRun().getRunId());
      assertThat(complete.getRun().getFacets().getAdditionalProperties().get("medalla_run"))
          .extracting(facet -> facet.getAdditionalProperties().get("runId"))
          .isEqualTo(result.record().runId());
      assertThat(complete.getJob().getName()).isEqualTo(result.record().pipeline());
      assertThat(complete.getJob().getNamespace()).isEqualTo("medalla");
      OpenLineage.OutputDataset output = complete.getOutputs().get(0);
      assertThat(output.getFacets().getSymlinks().getIdentifiers().get(0).getName())
          .isEqualTo(result.record().pipeline());
      assertThat(output.getFacets().getVersion().getDatasetVersion())
          .isEqualTo(String.valueOf(result.record().outputVersion().orElseThrow()));
      assertThat(output.getOutputFacets().getOutputStatistics().getRowCount())
          .isEqualTo(result.record().rowsWritten());
      assertThat(output.getOutputFacets().getOutputStatistics().getFileCount())
          .isEqualTo(result.metrics().filesWritten());
      assertThat(start.getOutputs().get(0).getFacets().getVersion()).isNull();
    }

    OpenLineage.RunEvent silver = events.get(3);
    OpenLineage.InputDataset bronze = silver.getInputs().get(0);
    assertThat(bronze.getFacets().getSymlinks().getIdentifiers().get(0).getName())
        .isEqualTo("bronze_test.orders");
    assertThat(bronze.getFacets().getVersion().getDatasetVersion())
        .isEqualTo(
            String.valueOf(results.get(1).record().inputVersions().get("bronze_test.orders")));
    assertThat(bronze.getName())
        .isEqualTo(directory.resolve("warehouse/bronze/test/orders").toString());
    assertThat(bronze.getNamespace()).isEqualTo("file");
    assertThat(bronze.getFacets().getSchema().getFields())
        .extracting(OpenLineage.SchemaDatasetFacetFields::getName)
        .contains("order_id", "amount", "day", "_run_id");
    assertThat(events.get(1).getInputs().get(0).getName()).isEqualTo("json:test/orders");

    OpenLineage.OutputDataset revenue = events.get(5).getOutputs().get(0);
    assertThat(revenue.getFacets().getSchema().getFields())
        .extracting(OpenLineage.SchemaDatasetFacetFields::getName)
        .containsExactly("day", "revenue", "_run_id");
    Map<String, List<String>> columns =
        revenue
            .getFacets()
            .getColumnLineage()
            .getFields()
            .getAdditionalProperties()
            .entrySet()
            .stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    entry ->
                        entry.getValue().getInputFields().stream()
                            .map(field -> field.getName() + "#" + field.getField())
                            .toList()));
    String silverOrders = directory.resolve("warehouse/silver/test/orders").toString();
    assertThat(columns)
        .containsOnly(
            Map.entry("day", List.of(silverOrders + "#day")),
            Map.entry("revenue", List.of(silverOrders + "#amount")));
  }

  @Test
  void aFailedRunSendsFailABlockedOneAbortAndTheQualityResultsGoAlong() throws Exception {
    TestWarehouse warehouse =
        TestWarehouse.create(directory, Map.of("medalla.lineage.transport", "file"))
            .given("silver_test.amounts", "id INT, amount INT", "1,1", "2,");
    TestPipelines.GoldProbe checked =
        new TestPipelines.GoldProbe(
            PipelineSpec.builder("gold_test.checked")
                .owner("test-team@medalla.dev")
                .inputs("silver_test.amounts")
                .expect(Expect.complete("amount").fail())
                .build(),
            context -> context.read("silver_test.amounts"));

    RunResult failed = warehouse.run(new TestPipelines.BronzeOrders(), DAY); // nothing landed
    RunResult blocked = warehouse.run(checked, DAY);

    assertThat(failed.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(blocked.record().status()).isEqualTo(RunStatus.BLOCKED);
    List<String> lines =
        Files.readAllLines(directory.resolve("warehouse/_ops/lineage/events.jsonl"));
    assertThat(lines)
        .hasSize(4)
        .allSatisfy(line -> assertThat(LineageServer.missingRequiredFields(line)).isEmpty());
    List<OpenLineage.RunEvent> events =
        lines.stream().map(OpenLineageClientUtils::runEventFromJson).toList();
    assertThat(events)
        .extracting(OpenLineage.RunEvent::getEventType)
        .containsExactly(
            OpenLineage.RunEvent.EventType.START,
            OpenLineage.RunEvent.EventType.FAIL,
            OpenLineage.RunEvent.EventType.START,
            OpenLineage.RunEvent.EventType.ABORT);
    assertThat(events.get(1).getRun().getFacets().getErrorMessage().getMessage())
        .isEqualTo(failed.record().errorMessage().orElseThrow());
    OpenLineage.OutputDataset output = events.get(3).getOutputs().get(0);
    assertThat(output.getFacets().getVersion()).as("nothing was committed").isNull();
    assertThat(output.getOutputFacets().getOutputStatistics()).isNull();
    List<?> assertions =
        (List<?>)
            output
                .getFacets()
                .getAdditionalProperties()
                .get("dataQualityAssertions")
                .getAdditionalProperties()
                .get("assertions");
    assertThat(JSON.valueToTree(assertions).findValuesAsText("assertion"))
        .contains("complete_amount");
    assertThat(JSON.valueToTree(assertions).toString())
        .contains("\"assertion\":\"complete_amount\",\"success\":false");
  }

  @Test
  void aLineageEndpointThatIsDownDoesNotFailTheRunAndIsCounted() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    TestWarehouse warehouse =
        TestWarehouse.create(
            directory,
            Map.of(
                "medalla.lineage.transport",
                "http",
                "medalla.lineage.http.url",
                "http://127.0.0.1:" + closedPort));
    TestPipelines.landOrders(warehouse, DAY, 1);
    List<String> lines = new ArrayList<>();
    RunResult result =
        TestPipelines.runKeepingMetricsLines(
            warehouse, new TestPipelines.BronzeOrders(), DAY, lines);

    assertThat(result.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.exitStatus()).isZero();
    assertThat(JSON.readTree(lines.get(0)).get("lineage_events_failed").asInt()).isEqualTo(2);
  }
}
