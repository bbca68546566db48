package io.medalla.internal.governance;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a column's values are stored or shown: a policy's word. */
public enum Masking {
  /** The value itself. */
  CLEAR,
  /** Spark's {@code mask}: upper-case letters as X, lower-case as x, digits as n. */
  MASK,
  /** The SHA-256 of the salted value, as hex: equal values stay equal, none can be read back. */
  HASH,
  /**
   * A deterministic AES token: equal values give equal tokens, so joins still work, and a role that
   * reads in clear gets the value back.
   */
  TOKEN,
  /** Nothing. */
  NULL;

  /** The lower-case word used in configuration and output. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The policy named {@code id} at configuration key {@code key}.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} naming key and words
   */
  public static Masking parse(String id, String key) {
    for (Masking masking : values()) {
      if (masking.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
        return masking;
      }
    }
    throw new MedallaException(
        ErrorCode.INVALID_CONFIGURATION,
        "Invalid value '%s' for %s; allowed: %s",
        id,
        key,
        Arrays.stream(values()).map(Masking::id).collect(Collectors.joining(", ")));
  }
}
