package io.medalla.quality;

/** The outcome of one expectation on one run. */
public enum CheckStatus {
  PASSED,
  FAILED
}
