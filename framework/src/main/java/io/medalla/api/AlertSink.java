package io.medalla.api;

/**
 * Receives an {@link Alert} for every failed run. The built-in sinks are {@code log} and {@code
 * webhook}; a module adds its own by listing an implementation (public no-argument constructor) in
 * {@code META-INF/services/io.medalla.api.AlertSink} and naming it in {@code medalla.alert.sinks}.
 */
public interface AlertSink {
  /** The name used in {@code medalla.alert.sinks}. */
  String name();

  /**
   * Delivers the alert. Failures are logged by the framework and never change the run's outcome.
   */
  void send(Alert alert) throws Exception;
}
