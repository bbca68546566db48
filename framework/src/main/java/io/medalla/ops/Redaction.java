package io.medalla.ops;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks secret values in any text the framework writes: log lines, error messages, ledger rows and
 * alerts. Secrets register themselves when they are read.
 */
public final class Redaction {
  /** What a secret value is replaced with. */
  public static final String MASK = "******";

  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private Redaction() {}

  /** Registers a secret value; values shorter than 4 characters are too ambiguous to mask. */
  public static void register(String secret) {
    if (secret != null && secret.length() >= 4) {
      SECRETS.add(secret);
    }
  }

  /** Returns {@code text} with every registered secret replaced by {@link #MASK}. */
  public static String redact(String text) {
    if (text == null || SECRETS.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : SECRETS) {
      result = result.replace(secret, MASK);
    }
    return result;
  }
}
