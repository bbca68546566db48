package io.medalla.internal.ops;

import static java.util.Objects.requireNonNull;

import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.StepMetrics;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes each ended run's metrics to a Prometheus Pushgateway, as a batch job does: the group is
 * {@code job = <pipeline>, env = <env>}. A run that ended well (succeeded, or had nothing new)
 * replaces the whole group (PUT), so its {@code medalla_run_last_success_timestamp_seconds} stays
 * until the next success; a failed or blocked run replaces only the families it sends (POST), which
 * keeps the last success's timestamp.
 */
public final class PushgatewayExporter {
  private static final String PREFIX = "medalla_run_";

  private final String root;
  private final Duration timeout;
  private final HttpClient client;

  private PushgatewayExporter(String url, Duration timeout) {
    this.root = url.replaceAll("/+$", "");
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The exporter, when {@code medalla.metrics.pushgateway.url} is set. */
  public static Optional<PushgatewayExporter> fromSettings(MedallaSettings settings) {
    return settings
        .find(ConfigKeys.METRICS_PUSHGATEWAY_URL)
        .filter(url -> !url.isBlank())
        .map(
            url ->
                new PushgatewayExporter(url, settings.get(ConfigKeys.METRICS_PUSHGATEWAY_TIMEOUT)));
  }

  /** The group of a pipeline's runs in an environment. */
  URI group(String pipeline, String environment) {
    return URI.create(root + "/metrics/job/" + encode(pipeline) + "/env/" + encode(environment));
  }

  /** Pushes the run's metrics; throws when the Pushgateway cannot be reached or refuses them. */
  public void push(RunResult result) throws IOException, InterruptedException {
    boolean ended = result.exitStatus() == 0;
    URI group = group(result.record().pipeline(), result.record().environment());
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString(exposition(result));
    HttpRequest request =
        HttpRequest.newBuilder(group)
            .timeout(timeout)
            .header("Content-Type", "text/plain; version=0.0.4")
            .method(ended ? "PUT" : "POST", body)
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "the Pushgateway at " + group + " answered HTTP " + response.statusCode());
    }
  }

  /** The run's metrics in Prometheus' text exposition format. */
  static String exposition(RunResult result) {
    RunRecord record = result.record();
    StringBuilder text = new StringBuilder();
    gauge(
        text,
        "duration_seconds",
        "Wall time of the pipeline's latest run.",
        seconds(record.duration()));
    gauge(text, "rows_read", "Rows the latest run read.", record.rowsRead());
    gauge(text, "rows_written", "Rows the latest run's commit wrote.", record.rowsWritten());
    gauge(text, "rows_quarantined", "Rows the latest run quarantined.", record.rowsQuarantined());
    gauge(
        text, "files_written", "Data files the latest run added.", result.metrics().filesWritten());
    record
        .outputVersion()
        .ifPresent(
            version -> gauge(text, "output_version", "The output's Delta version.", version));
    gauge(text, "end_timestamp_seconds", "When the latest run ended.", epoch(record.endedAt()));
    if (result.exitStatus() == 0) {
      gauge(
          text,
          "last_success_timestamp_seconds",
          "When the latest run that succeeded (or had nothing new) ended.",
          epoch(record.endedAt()));
    }
    family(text, "status", "1 for the latest run's status, 0 for the others.");
    for (RunStatus status : RunStatus.values()) {
      sample(text, "status", Map.of("status", status.name()), status == record.status() ? 1 : 0);
    }
    family(text, "info", "The latest run's identity.");
    sample(
        text,
        "info",
        Map.of("run_id", record.runId(), "logical_date", record.logicalDate().toString()),
        1);
    List<StepMetrics> steps = result.metrics().steps();
    for (String measure : RunMetricsFormat.measures(result.metrics().total()).keySet()) {
      String name = "step_" + measure.replace("_ms", "_seconds");
      family(text, name, "The latest run's " + measure.replace('_', ' ') + " per lifecycle step.");
      for (StepMetrics step : steps) {
        long value = RunMetricsFormat.measures(step).get(measure);
        sample(
            text,
            name,
            Map.of("step", step.step()),
            measure.endsWith("_ms") ? value / 1000.0 : value);
      }
    }
    return text.toString();
  }

  private static void gauge(StringBuilder text, String name, String help, Number value) {
    family(text, name, help);
    sample(text, name, Map.of(), value);
  }

  private static void family(StringBuilder text, String name, String help) {
    text.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(PREFIX).append(name).append(" gauge\n");
  }

  private static void sample(
      StringBuilder text, String name, Map<String, String> labels, Number value) {
    text.append(PREFIX).append(name);
    if (!labels.isEmpty()) {
      text.append('{');
      labels.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              label ->
                  text.append(label.getKey())
                      .append("=\"")
                      .append(label.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                      .append("\","));
      text.setCharAt(text.length() - 1, '}');
    }
    text.append(' ').append(String.format(Locale.ROOT, "%s", value)).append('\n');
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static double epoch(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
