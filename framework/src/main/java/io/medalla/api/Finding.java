package io.medalla.api;

import static java.util.Objects.requireNonNull;

/**
 * A batch-level result that a {@link SourceKind} found while reading, recorded like an
 * expectation's result; a failed finding of severity {@link Severity#FAIL} blocks publishing.
 *
 * @param name the result's name, lowercase snake_case, e.g. {@code schema_drift}
 * @param rule what kind of check it is, e.g. {@code SchemaDrift}
 * @param severity {@link Severity#WARN} or {@link Severity#FAIL}
 * @param passed whether the batch passed
 * @param observed what was found, e.g. {@code new columns: [coupon string]}
 * @param expected what was required, e.g. {@code the declared source schema}
 * @param message a sentence for humans
 * @since 0.2.0
 */
public record Finding(
    String name,
    String rule,
    Severity severity,
    boolean passed,
    String observed,
    String expected,
    String message) {
  public Finding {
    Names.requireIdentifier(name, "finding name");
    requireNonNull(rule, "rule is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(observed, "observed is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(message, "message is null");
    if (severity == Severity.QUARANTINE) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid finding %s: a finding judges the whole batch, so it cannot quarantine rows; use"
              + " WARN or FAIL",
          name);
    }
  }
}
