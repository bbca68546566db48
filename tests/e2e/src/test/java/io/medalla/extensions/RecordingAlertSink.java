package io.medalla.extensions;

import io.medalla.api.Alert;
import io.medalla.api.AlertSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An alert sink that keeps every alert it receives, for tests: {@code medalla.alert.sinks =
 * [recording]}.
 */
public final class RecordingAlertSink implements AlertSink {
  private static final List<Alert> RECEIVED = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public void send(Alert alert) {
    RECEIVED.add(alert);
  }

  /** The alerts received for runs of {@code pipeline}, oldest first. */
  public static List<Alert> received(String pipeline) {
    return RECEIVED.stream().filter(alert -> alert.pipeline().equals(pipeline)).toList();
  }
}
