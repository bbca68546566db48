package io.medalla.api;

/**
 * Stable error codes. Each maps to the process exit status of the CLI contract: {@code 1} a run
 * failed and may be retried, {@code 2} a usage or configuration error, {@code 3} a quality gate
 * blocked publishing.
 */
public enum ErrorCode {
  /** A configuration key is unknown, missing or of the wrong type. */
  INVALID_CONFIGURATION(2),
  /** A command-line argument is missing or invalid. */
  INVALID_ARGUMENT(2),
  /** A table, domain or pipeline name breaks the naming rules. */
  INVALID_NAME(2),
  /** A pipeline spec is incomplete or contradicts the layer rules. */
  INVALID_PIPELINE(2),
  /** No pipeline or table has the given name. */
  NOT_FOUND(2),
  /** The environment's write policy does not allow this write. */
  PERMISSION_DENIED(2),
  /** The run failed while reading, transforming or publishing; retrying may succeed. */
  RUN_FAILED(1),
  /** Input data a run needs is not there yet; retrying later may succeed. */
  INPUT_MISSING(1),
  /** A blocking quality rule failed; nothing was published. */
  QUALITY_GATE_BLOCKED(3);

  private final int exitStatus;

  ErrorCode(int exitStatus) {
    this.exitStatus = exitStatus;
  }

  /** The CLI exit status for this error. */
  public int exitStatus() {
    return exitStatus;
  }
}
