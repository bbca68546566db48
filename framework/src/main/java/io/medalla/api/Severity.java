package io.medalla.api;

/** What a failed expectation does to the run. */
public enum Severity {
  /** Recorded in the quality results; the run publishes and succeeds. */
  WARN,
  /**
   * Row-level rules only: failing rows go to the table's quarantine table with the rule names, the
   * run id and the original record; the other rows are published.
   */
  QUARANTINE,
  /** Nothing is published, the table's version is unchanged, the run exits 3 and alerts. */
  FAIL
}
