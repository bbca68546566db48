package io.medalla.internal.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.medalla.api.Alert;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigFixture;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class TestAlerts {
  private static final String TOKEN = "s3cr3t-token";

  /** One request as the webhook server saw it. */
  private record Received(String method, String path, String contentType, String body) {}

  @TempDir Path directory;

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile int status = 204;
  private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  private HttpServer server;

  @BeforeEach
  void captureWarnings() {
    warnings.start();
    ((Logger) LoggerFactory.getLogger(Alerts.class)).addAppender(warnings);
  }

  @AfterEach
  void stopCapturingWarnings() {
    ((Logger) LoggerFactory.getLogger(Alerts.class)).detachAppender(warnings);
  }

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          try (exchange) {
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), UTF_8)));
            exchange.sendResponseHeaders(status, -1);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void testWebhookReceivesAlert() throws IOException {
    String url = hookUrl(server.getAddress().getPort());
    Alerts alerts = Alerts.fromSettings(webhookSettings(url));

    alerts.send(alert("Cannot publish silver_shop.orders: task failed"));

    assertThat(received).hasSize(1);
    Received request = received.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/hook/" + TOKEN);
    assertThat(request.contentType()).isEqualTo("application/json");
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.path("event").asText()).isEqualTo("medalla.run.failed");
    assertThat(body.path("pipeline").asText()).isEqualTo("silver_shop.orders");
    assertThat(body.path("env").asText()).isEqualTo("prod");
    assertThat(body.path("run_id").asText()).isEqualTo("run-0001");
    assertThat(body.path("logical_date").asText()).isEqualTo("2026-11-02");
    assertThat(body.path("error_code").asText()).isEqualTo("RUN_FAILED");
    assertThat(body.path("error_class").asText()).isEqualTo("org.apache.spark.SparkException");
    assertThat(body.path("error").asText())
        .isEqualTo("Cannot publish silver_shop.orders: task failed");
    assertThat(body.path("where_to_look").asText())
        .isEqualTo("medalla status silver_shop.orders; the run's log lines");
    assertThat(body.path("occurred_at").asText()).isEqualTo("2026-11-03T01:02:03Z");
    assertThat(body.path("level").asText()).isEqualTo("ERROR");
  }

  @Test
  void testWebhookUrlRedactedFromBody() throws IOException {
    String url = hookUrl(server.getAddress().getPort());
    Alerts alerts = Alerts.fromSettings(webhookSettings(url));

    alerts.send(alert("Cannot notify " + url + ": connection reset"));

    assertThat(received).hasSize(1);
    String body = received.get(0).body();
    assertThat(body).doesNotContain(TOKEN);
    assertThat(new ObjectMapper().readTree(body).path("error").asText())
        .isEqualTo("Cannot notify " + Redaction.MASK + ": connection reset");
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void testServerErrorDoesNotThrow() {
    status = 500;
    Alerts alerts = Alerts.fromSettings(webhookSettings(hookUrl(server.getAddress().getPort())));

    assertThatCode(() -> alerts.send(alert("boom"))).doesNotThrowAnyException();
    assertThat(received).hasSize(1);
    assertThat(warnings.list)
        .singleElement()
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEqualTo(
            "Cannot deliver alert for run run-0001 to sink webhook:"
                + " java.io.IOException: webhook answered HTTP 500");
  }

  @Test
  void testClosedPortDoesNotThrow() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Alerts alerts = Alerts.fromSettings(webhookSettings(hookUrl(closedPort)));

    assertThatCode(() -> alerts.send(alert("boom"))).doesNotThrowAnyException();
    assertThat(warnings.list)
        .singleElement()
        .extracting(ILoggingEvent::getFormattedMessage, STRING)
        .startsWith(
            "Cannot deliver alert for run run-0001 to sink webhook: java.net.ConnectException")
        .doesNotContain(TOKEN);
  }

  @Test
  void testLogSinkOnly() {
    Alerts alerts = Alerts.fromSettings(ConfigFixture.settings(directory, Map.of()));
    ListAppender<ILoggingEvent> alertLines = new ListAppender<>();
    alertLines.start();
    Logger alertLogger = (Logger) LoggerFactory.getLogger("io.medalla.alert");
    alertLogger.addAppender(alertLines);
    try {
      alerts.send(alert("boom"));
    } finally {
      alertLogger.detachAppender(alertLines);
    }

    assertThat(received).isEmpty();
    assertThat(warnings.list).isEmpty();
    assertThat(alertLines.list)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
              assertThat(line.getFormattedMessage())
                  .isEqualTo(
                      "ALERT run run-0001 of silver_shop.orders [2026-11-02] failed with"
                          + " RUN_FAILED (org.apache.spark.SparkException): boom. medalla status"
                          + " silver_shop.orders; the run's log lines");
            });
  }

  @Test
  void testUnknownSink() {
    MedallaSettings settings =
        ConfigFixture.settings(directory, Map.of("medalla.alert.sinks", "log, pager"));

    assertThatThrownBy(() -> Alerts.fromSettings(settings))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("medalla.alert.sinks")
        .hasMessageContaining("unknown alert sink 'pager'")
        .hasMessageContaining("available sinks are [log, webhook");
  }

  private MedallaSettings webhookSettings(String url) {
    return ConfigFixture.settings(
        directory,
        Map.of("TEST_HOOK", url),
        Map.of(
            "medalla.alert.sinks", "log, webhook",
            "medalla.alert.webhook.url", "env:TEST_HOOK",
            "medalla.alert.webhook.timeout", "5s"));
  }

  private static String hookUrl(int port) {
    return "http://127.0.0.1:" + port + "/hook/" + TOKEN;
  }

  private static Alert alert(String message) {
    return new Alert(
        "silver_shop.orders",
        "prod",
        "run-0001",
        LocalDate.of(2026, 11, 2),
        "RUN_FAILED",
        "org.apache.spark.SparkException",
        message,
        "medalla status silver_shop.orders; the run's log lines",
        Instant.parse("2026-11-03T01:02:03Z"),
        Alert.Level.ERROR);
  }
}
