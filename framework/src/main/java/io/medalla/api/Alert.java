package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A failed run, or a warning about a run that succeeded (its metrics far from their history), as
 * sent to every configured {@link AlertSink}.
 *
 * @param pipeline the pipeline the alert is about
 * @param environment local, dev or prod
 * @param runId the run's id
 * @param logicalDate the date the run processed
 * @param errorCode the stable code, e.g. {@code RUN_FAILED} or {@code RUN_METRIC_ANOMALY}
 * @param errorClass the exception class that ended a failed run; empty for a warning
 * @param message what went wrong (secrets masked)
 * @param whereToLook where the details are: the ledger row, the command to inspect it, the logs
 * @param occurredAt when the run ended
 * @param level whether the run failed or only needs a look (since 0.2.0)
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
    Instant occurredAt,
    Level level) {
  /**
   * How urgent an alert is.
   *
   * @since 0.2.0
   */
  public enum Level {
    /** The run failed or was blocked: its data is not published. */
    ERROR,
    /** The run published, but something about it is unusual. */
    WARNING
  }

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
    requireNonNull(level, "level is null");
  }
}
