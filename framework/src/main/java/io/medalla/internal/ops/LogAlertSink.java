package io.medalla.internal.ops;

import io.medalla.api.Alert;
import io.medalla.api.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes alerts as ERROR log lines on the {@code io.medalla.alert} logger. */
final class LogAlertSink implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger("io.medalla.alert");

  @Override
  public String name() {
    return "log";
  }

  @Override
  public void send(Alert alert) {
    if (alert.level() == Alert.Level.WARNING) {
      LOG.warn(
          "ALERT run {} of {} [{}] needs a look, {}: {}. {}",
          alert.runId(),
          alert.pipeline(),
          alert.logicalDate(),
          alert.errorCode(),
          alert.message(),
          alert.whereToLook());
      return;
    }
    LOG.error(
        "ALERT run {} of {} [{}] failed with {} ({}): {}. {}",
        alert.runId(),
        alert.pipeline(),
        alert.logicalDate(),
        alert.errorCode(),
        alert.errorClass(),
        alert.message(),
        alert.whereToLook());
  }
}
