package io.medalla.api;

import static java.util.Objects.requireNonNull;

/**
 * A named rule with a severity, declared in a {@link PipelineSpec} and checked on every run's
 * candidate output before it is published.
 *
 * @param name unique within the pipeline; lowercase snake_case
 * @param rule what is checked
 * @param severity what a failure does
 */
public record Expectation(String name, Rule rule, Severity severity) {
  public Expectation {
    Names.requireIdentifier(name, "expectation name");
    requireNonNull(rule, "rule is null");
    requireNonNull(severity, "severity is null");
    if (severity == Severity.QUARANTINE && !rule.rowLevel()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid expectation %s: QUARANTINE applies to row-level rules (complete, allowed"
              + " values, range, pattern, predicate, references); use warn() or fail()",
          name);
    }
  }

  /** The same expectation under another name. */
  public Expectation named(String newName) {
    return new Expectation(newName, rule, severity);
  }
}
