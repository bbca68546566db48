package io.medalla.internal.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medalla.api.Alert;
import io.medalla.api.AlertSink;
import io.medalla.internal.config.Redaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts alerts as JSON to a webhook URL taken from a secret. */
final class WebhookAlertSink implements AlertSink {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final Duration timeout;
  private final HttpClient client;

  WebhookAlertSink(String url, Duration timeout) {
    this.url = URI.create(requireNonNull(url, "url is null"));
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public void send(Alert alert) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload(alert)))
            .build();
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("webhook answered HTTP " + response.statusCode());
    }
  }

  static String payload(Alert alert) {
    ObjectNode body = JSON.createObjectNode();
    body.put(
        "event", alert.level() == Alert.Level.ERROR ? "medalla.run.failed" : "medalla.run.warning");
    body.put("level", alert.level().name());
    body.put("pipeline", alert.pipeline());
    body.put("env", alert.environment());
    body.put("run_id", alert.runId());
    body.put("logical_date", alert.logicalDate().toString());
    body.put("error_code", alert.errorCode());
    body.put("error_class", alert.errorClass());
    body.put("error", alert.message());
    body.put("where_to_look", alert.whereToLook());
    body.put("occurred_at", alert.occurredAt().toString());
    return Redaction.redact(body.toString());
  }
}
