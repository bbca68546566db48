package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a run ended with: its ledger row, what it cost and, for a failed run, the error.
 *
 * @param record the ledger row
 * @param metrics the run's cost, step by step (since 0.2.0)
 * @param errorCode the error's code when the run failed
 * @param failure the error when the run failed
 */
public record RunResult(
    RunRecord record,
    RunMetrics metrics,
    Optional<ErrorCode> errorCode,
    Optional<Throwable> failure) {
  public RunResult {
    requireNonNull(record, "record is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(errorCode, "errorCode is null");
    requireNonNull(failure, "failure is null");
  }

  /** The CLI exit status of this run: 0 on success, else the error code's status. */
  public int exitStatus() {
    return errorCode.map(ErrorCode::exitStatus).orElse(0);
  }
}
