package io.medalla.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.medalla.api.RunResult;
import io.medalla.testkit.SharedSpark;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a failing pipeline in a real child process and greps everything it wrote (standard output,
 * standard error, the ledger's files, the alert received by a loopback webhook) for the secret.
 */
class TestSecretsAndAlerts {
  private static final String TOKEN = "xoxb-7731-s3cr3t-t0ken";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;
  private HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            received.add(
                exchange.getRequestMethod()
                    + " "
                    + new String(body.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopWebhook() {
    server.stop(0);
  }

  @Test
  void failedRunAlertsTheWebhookAndNoOutputContainsTheSecret() throws Exception {
    String webhookUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + TOKEN;
    Path warehouse = directory.resolve("warehouse");
    Path stdout = directory.resolve("stdout.log");
    Path stderr = directory.resolve("stderr.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(io.medalla.internal.spark.SparkSessions.JAVA_17_FLAGS.split(" ")));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            LeakProbe.class.getName(),
            warehouse.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().put("PROBE_WEBHOOK_URL", webhookUrl);
    Process process = builder.start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();

    String errors = Files.readString(stderr);
    assertThat(process.exitValue()).as(errors).isEqualTo(1);
    assertThat(received).hasSize(1);
    String request = received.get(0);
    assertThat(request).startsWith("POST ");
    JsonNode alert = JSON.readTree(request.substring("POST ".length()));
    assertThat(alert.get("pipeline").asText()).isEqualTo("gold_probe.leak");
    assertThat(alert.get("env").asText()).isEqualTo("local");
    assertThat(alert.get("error_code").asText()).isEqualTo("RUN_FAILED");
    assertThat(alert.get("error").asText()).isEqualTo("Cannot reach ****** from the executor");
    assertThat(alert.get("where_to_look").asText()).contains(alert.get("run_id").asText());

    List<JsonNode> runLines = new ArrayList<>();
    for (String line : errors.split("\n")) {
      if (line.startsWith("{") && line.contains("\"run_id\"")) {
        runLines.add(JSON.readTree(line));
      }
    }
    assertThat(runLines).isNotEmpty();
    assertThat(runLines)
        .allSatisfy(
            line -> {
              assertThat(line.get("mdc").get("run_id").asText())
                  .isEqualTo(alert.get("run_id").asText());
              assertThat(line.get("mdc").get("pipeline").asText()).isEqualTo("gold_probe.leak");
            });

    Row ledgerRow =
        SharedSpark.session()
            .read()
            .format("delta")
            .load(warehouse.resolve("_ops/run_ledger").toString())
            .first();
    assertThat(ledgerRow.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(ledgerRow.<String>getAs("error_message"))
        .isEqualTo("Cannot reach ****** from the executor");

    assertThat(Files.readString(stdout) + errors).doesNotContain(TOKEN).contains("******");
    assertThat(request).doesNotContain(TOKEN);
    try (Stream<Path> files = Files.walk(warehouse)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
            .as(file.toString())
            .doesNotContain(TOKEN);
      }
    }
  }

  @Test
  void credentialsInsideAJdbcUrlAreMaskedInTheErrorTheLedgerAndTheAlert() throws Exception {
    Path secret =
        Files.writeString(
            directory.resolve("webhook-url"),
            "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
    TestWarehouse warehouse =
        TestWarehouse.create(
            directory,
            Map.of(
                "medalla.alert.sinks",
                "log,webhook",
                "medalla.alert.webhook.url",
                "file:" + secret));

    RunResult run =
        warehouse.run(
            new LeakProbe.LeakingPipeline(
                "Cannot connect to jdbc:postgresql://db.internal:5432/shop?user=reporting"
                    + "&password=Sup3rSecret&ssl=true, nor to"
                    + " jdbc:postgresql://reporting:Sup3rSecret@db.internal/shop"),
            LocalDate.of(2026, 11, 1));

    assertThat(run.exitStatus()).isEqualTo(1);
    String ledgerMessage = warehouse.ledger().first().getAs("error_message");
    assertThat(received).hasSize(1);
    for (String written : List.of(run.record().errorMessage().orElseThrow(), ledgerMessage)) {
      assertThat(written)
          .isEqualTo(
              "Cannot connect to jdbc:postgresql://db.internal:5432/shop?user=******"
                  + "&password=******&ssl=true, nor to jdbc:postgresql://******@db.internal/shop");
    }
    assertThat(received.get(0))
        .contains("user=******&password=******")
        .doesNotContain("Sup3rSecret")
        .doesNotContain("reporting");
  }
}
