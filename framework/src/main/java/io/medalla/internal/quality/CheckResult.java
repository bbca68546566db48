package io.medalla.internal.quality;

import static java.util.Objects.requireNonNull;

import io.medalla.api.Expectation;
import io.medalla.api.Finding;
import io.medalla.api.Severity;

/**
 * One expectation's result on one run, as recorded in {@code _ops/quality_results}.
 *
 * @param expectation the expectation's name
 * @param rule the rule kind, e.g. {@code Unique}
 * @param severity the declared severity
 * @param status passed or failed
 * @param observed what was measured, e.g. {@code 3 duplicate rows}
 * @param threshold what was required
 * @param failingRows rows that broke a row-level rule; 0 for batch-level rules
 * @param message a sentence for humans
 */
public record CheckResult(
    String expectation,
    String rule,
    Severity severity,
    CheckStatus status,
    String observed,
    String threshold,
    long failingRows,
    String message) {
  public CheckResult {
    requireNonNull(expectation, "expectation is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(status, "status is null");
    requireNonNull(observed, "observed is null");
    requireNonNull(threshold, "threshold is null");
    requireNonNull(message, "message is null");
  }

  static CheckResult of(
      Expectation expectation,
      boolean passed,
      String observed,
      String threshold,
      long failingRows,
      String message) {
    return new CheckResult(
        expectation.name(),
        expectation.rule().getClass().getSimpleName(),
        expectation.severity(),
        passed ? CheckStatus.PASSED : CheckStatus.FAILED,
        observed,
        threshold,
        failingRows,
        message);
  }

  /** The result of what a source found while reading. */
  public static CheckResult of(Finding finding) {
    return new CheckResult(
        finding.name(),
        finding.rule(),
        finding.severity(),
        finding.passed() ? CheckStatus.PASSED : CheckStatus.FAILED,
        finding.observed(),
        finding.expected(),
        0,
        finding.message());
  }

  /** Whether this result stops publishing. */
  public boolean blocks() {
    return status == CheckStatus.FAILED && severity == Severity.FAIL;
  }
}
