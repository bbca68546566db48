package io.medalla.api;

/** The outcome of one run, as recorded in the ledger. */
public enum RunStatus {
  /**
   * The run started and has not ended: it is still running, or it was killed before it could record
   * its end. The row is superseded by the run's end row.
   *
   * @since 0.2.0
   */
  RUNNING,
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
