package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A failed run, as sent to every configured {@link AlertSink}.
 *
 * @param pipeline the pipeline that failed
 * @param environment local, dev or prod
 * @param runId the failed run's id
 * @param logicalDate the date the run processed
 * @param errorCode the stable error code, e.g. {@code RUN_FAILED}
 * @param errorClass the exception class that ended the run
 * @param message what went wrong (secrets masked)
 * @param whereToLook where the details are: the ledger row, the command to inspect it, the logs
 * @param occurredAt when the run ended
 */
public record Alert(
    String pipeline,
    String environment,
    String runId,
    LocalDate logicalDate,
    String errorCode,
    String errorClass,
    String message,
    String whereToLook,
    Instant occurredAt) {
  public Alert {
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(logicalDate, "logicalDate is null");
    requireNonNull(errorCode, "errorCode is null");
    requireNonNull(errorClass, "errorClass is null");
    requireNonNull(message, "message is null");
    requireNonNull(whereToLook, "whereToLook is null");
    requireNonNull(occurredAt, "occurredAt is null");
  }
}
