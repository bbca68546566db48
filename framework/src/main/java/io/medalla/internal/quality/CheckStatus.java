package io.medalla.internal.quality;

/** The outcome of one expectation on one run. */
public enum CheckStatus {
  PASSED,
  FAILED
}
