package io.medalla.internal.config;

import java.net.URI;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Masks secret values in any text the framework writes: log lines, error messages, ledger rows and
 * alerts. Secrets register themselves when they are read. A secret URL also registers its
 * credentials, path segments and query values of {@value #MIN_PART_LENGTH} or more characters, so a
 * token quoted on its own is masked too; each form is also masked JSON-escaped.
 */
public final class Redaction {
  /** What a secret value is replaced with. */
  public static final String MASK = "******";

  private static final int MIN_SECRET_LENGTH = 4;
  private static final int MIN_PART_LENGTH = 8;

  /** Longest first, so a whole secret is masked before the parts it contains. */
  private static final Set<String> SECRETS =
      new ConcurrentSkipListSet<>(
          Comparator.comparingInt(String::length)
              .reversed()
              .thenComparing(Comparator.naturalOrder()));

  private Redaction() {}

  /** Registers a secret value; values shorter than 4 characters are too ambiguous to mask. */
  public static void register(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    add(secret);
    URI uri;
    try {
      uri = URI.create(secret);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (uri.getScheme() == null) {
      return;
    }
    addPart(uri.getRawUserInfo());
    if (uri.getRawPath() != null) {
      for (String segment : uri.getRawPath().split("/")) {
        addPart(segment);
      }
    }
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("&")) {
        addPart(parameter.substring(parameter.indexOf('=') + 1));
      }
    }
  }

  private static void addPart(String part) {
    if (part != null && part.length() >= MIN_PART_LENGTH) {
      add(part);
    }
  }

  private static void add(String value) {
    SECRETS.add(value);
    SECRETS.add(value.replace("\\", "\\\\").replace("/", "\\/").replace("\"", "\\\""));
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
