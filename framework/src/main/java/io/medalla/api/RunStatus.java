package io.medalla.api;

/** The outcome of one run, as recorded in the ledger. */
public enum RunStatus {
  /** The output was published in one commit. */
  SUCCEEDED,
  /** The batch had been published by an earlier run; nothing was written. */
  SKIPPED,
  /** The run failed; nothing was published. */
  FAILED,
  /** A blocking quality rule failed; nothing was published. */
  BLOCKED;

  /** Whether the run ended without an error. */
  public boolean isSuccess() {
    return this == SUCCEEDED || this == SKIPPED;
  }
}
