package io.medalla.internal.ops;

import io.medalla.api.Alert;
import io.medalla.api.AlertSink;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends alerts to the sinks named in {@code medalla.alert.sinks}; a failing sink never throws. */
public final class Alerts {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

  private final List<AlertSink> sinks;

  private Alerts(List<AlertSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  /**
   * Creates the configured sinks.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} for an unknown sink name
   */
  public static Alerts fromSettings(MedallaSettings settings) {
    List<AlertSink> sinks = new ArrayList<>();
    for (String name : settings.get(ConfigKeys.ALERT_SINKS)) {
      sinks.add(
          switch (name) {
            case "log" -> new LogAlertSink();
            case "webhook" ->
                new WebhookAlertSink(
                    settings.secret(ConfigKeys.ALERT_WEBHOOK_URL).orElseThrow(),
                    settings.get(ConfigKeys.ALERT_WEBHOOK_TIMEOUT));
            default -> pluggedSink(name);
          });
    }
    return new Alerts(sinks);
  }

  private static AlertSink pluggedSink(String name) {
    List<String> available = new ArrayList<>(List.of("log", "webhook"));
    for (AlertSink sink : ServiceLoader.load(AlertSink.class)) {
      if (sink.name().equals(name)) {
        return sink;
      }
      available.add(sink.name());
    }
    throw new MedallaException(
        ErrorCode.INVALID_CONFIGURATION,
        "Invalid value for %s: unknown alert sink '%s'; available sinks are %s",
        ConfigKeys.ALERT_SINKS.path(),
        name,
        available);
  }

  /** Delivers the alert to every sink, logging (not throwing) delivery failures. */
  public void send(Alert alert) {
    for (AlertSink sink : sinks) {
      try {
        sink.send(alert);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn(
            "Cannot deliver alert for run {} to sink {}: interrupted", alert.runId(), sink.name());
      } catch (Exception e) {
        LOG.warn(
            "Cannot deliver alert for run {} to sink {}: {}",
            alert.runId(),
            sink.name(),
            Redaction.redact(String.valueOf(e)));
      }
    }
  }
}
