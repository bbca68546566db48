package io.medalla.internal.cli;

import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** {@code --window SPAN --at INSTANT}: the span of ledger history a command looks at. */
final class WindowOptions {
  @Option(
      names = "--window",
      paramLabel = "SPAN",
      description = "How far back, e.g. 28d or 7d (default: medalla.slo.window).")
  Duration window;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      description = "The window's end, a UTC instant such as 2026-11-30T06:00:00Z (default: now).")
  Instant at;

  Duration window(MedallaSettings settings) {
    return window != null ? window : settings.get(ConfigKeys.SLO_WINDOW);
  }

  Instant end() {
    return at != null ? at : Instant.now();
  }
}
