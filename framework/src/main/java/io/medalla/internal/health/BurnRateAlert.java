package io.medalla.internal.health;

import io.medalla.api.Alert;
import java.time.Duration;

/**
 * The multi-window burn-rate alerts of the SRE workbook: an objective alerts when its error budget
 * burns at least {@code threshold} times the sustainable rate over both the long window (the burn
 * is significant) and the short one (it is still going on).
 */
public enum BurnRateAlert {
  /** 2% of a 30-day budget gone in an hour: page. */
  FAST_BURN(14.4, Duration.ofHours(1), Duration.ofMinutes(5), Alert.Level.ERROR),
  /** 5% of a 30-day budget gone in six hours: a ticket. */
  SLOW_BURN(6, Duration.ofHours(6), Duration.ofMinutes(30), Alert.Level.WARNING);

  private final double threshold;
  private final Duration longWindow;
  private final Duration shortWindow;
  private final Alert.Level level;

  BurnRateAlert(double threshold, Duration longWindow, Duration shortWindow, Alert.Level level) {
    this.threshold = threshold;
    this.longWindow = longWindow;
    this.shortWindow = shortWindow;
    this.level = level;
  }

  public double threshold() {
    return threshold;
  }

  public Duration longWindow() {
    return longWindow;
  }

  public Duration shortWindow() {
    return shortWindow;
  }

  public Alert.Level level() {
    return level;
  }

  /** The alert's stable code, {@code SLO_FAST_BURN} or {@code SLO_SLOW_BURN}. */
  public String code() {
    return "SLO_" + name();
  }
}
