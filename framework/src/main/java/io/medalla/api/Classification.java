package io.medalla.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How sensitive a column's values are, from least to most sensitive. Every silver and gold column
 * has one; the environment's policies say how each level is stored and who reads it in clear.
 *
 * @since 0.3.0
 */
public enum Classification {
  /** Fit for anyone, such as a country or a product category. */
  PUBLIC,
  /** For the company's staff, such as metrics and business identifiers. */
  INTERNAL,
  /** For the teams that need it, such as revenue per customer or contract terms. */
  CONFIDENTIAL,
  /** Identifies a person directly or indirectly, such as a user id, email or name. */
  PII;

  /** The lower-case name used in configuration, table properties and output. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The more sensitive of this level and {@code other}. */
  public Classification max(Classification other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /**
   * The level named {@code id}, in any case.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_ARGUMENT} naming the allowed levels
   */
  public static Classification parse(String id) {
    for (Classification level : values()) {
      if (level.id().equalsIgnoreCase(id.strip())) {
        return level;
      }
    }
    throw new MedallaException(
        ErrorCode.INVALID_ARGUMENT,
        "Unknown classification '%s'; allowed: %s",
        id,
        Arrays.stream(values()).map(Classification::id).collect(Collectors.joining(", ")));
  }
}
