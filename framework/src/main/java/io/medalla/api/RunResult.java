package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a run ended with: its ledger row and, for a failed run, the error.
 *
 * @param record the ledger row
 * @param errorCode the error's code when the run failed
 * @param failure the error when the run failed
 */
public record RunResult(
    RunRecord record, Optional<ErrorCode> errorCode, Optional<Throwable> failure) {
  public RunResult {
    requireNonNull(record, "record is null");
    requireNonNull(errorCode, "errorCode is null");
    requireNonNull(failure, "failure is null");
  }

  /** The CLI exit status of this run: 0 on success, else the error code's status. */
  public int exitStatus() {
    return errorCode.map(ErrorCode::exitStatus).orElse(0);
  }
}
