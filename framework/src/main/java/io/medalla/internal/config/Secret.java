package io.medalla.internal.config;

import static java.util.Objects.requireNonNull;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret taken from an environment variable or a file. Only the reference ({@code
 * env:NAME}/{@code file:PATH}) is printable; the value is registered with {@link Redaction} when it
 * is read, so it is masked in every log line, error and ledger row.
 */
public final class Secret {
  private final String reference;

  private Secret(String reference) {
    this.reference = reference;
  }

  /**
   * Parses a secret reference.
   *
   * @throws IllegalArgumentException when the text is not {@code env:NAME} or {@code file:PATH}
   */
  public static Secret reference(String text) {
    requireNonNull(text, "text is null");
    boolean envReference = text.startsWith("env:") && text.length() > 4;
    boolean fileReference = text.startsWith("file:") && text.length() > 5;
    if (!envReference && !fileReference) {
      throw new ConfigType.InvalidValueException("<literal value hidden>");
    }
    return new Secret(text);
  }

  /** The reference, safe to print. */
  public String reference() {
    return reference;
  }

  /**
   * Reads the secret's value from the process environment or the file.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} when it is not set
   */
  public String reveal(Map<String, String> environment) {
    String value;
    if (reference.startsWith("env:")) {
      String name = reference.substring(4);
      value = environment.get(name);
      if (value == null || value.isBlank()) {
        throw new MedallaException(
            ErrorCode.INVALID_CONFIGURATION,
            "Cannot read secret %s: environment variable %s is not set. Export it before the run",
            reference,
            name);
      }
    } else {
      Path file = Path.of(reference.substring(5));
      try {
        value = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new MedallaException(
            ErrorCode.INVALID_CONFIGURATION,
            "Cannot read secret %s: %s. Make the file readable by the run's user",
            reference,
            e.getClass().getSimpleName());
      }
    }
    Redaction.register(value);
    return value;
  }

  @Override
  public String toString() {
    return "secret(" + reference + ")";
  }
}
