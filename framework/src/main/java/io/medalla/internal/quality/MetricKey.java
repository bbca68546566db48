package io.medalla.internal.quality;

import static java.util.Objects.requireNonNull;

/**
 * Names a metric in the history: {@code Size/*}, {@code Completeness/user_id}, {@code Mean/amount}.
 *
 * @param name the Deequ metric name
 * @param instance the column, or {@code *} for the whole batch
 */
public record MetricKey(String name, String instance) {
  public static final String BATCH = "*";

  public MetricKey {
    requireNonNull(name, "name is null");
    requireNonNull(instance, "instance is null");
  }

  static MetricKey size() {
    return new MetricKey("Size", BATCH);
  }

  static MetricKey completeness(String column) {
    return new MetricKey("Completeness", column);
  }

  static MetricKey mean(String column) {
    return new MetricKey("Mean", column);
  }
}
