package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One row of the run ledger: every run, failed ones included.
 *
 * @param runId the run's id
 * @param pipeline the pipeline name
 * @param environment local, dev or prod
 * @param logicalDate the date processed
 * @param parameters the run's parameters (command, options)
 * @param status the outcome
 * @param startedAt when the run started
 * @param endedAt when the run ended
 * @param rowsRead rows read from inputs or source files
 * @param rowsProduced rows of the candidate output the transformation produced
 * @param rowsWritten rows the output commit wrote
 * @param rowsQuarantined rows of the candidate output moved to quarantine by the quality gate
 * @param rowsDeduplicated rows dropped as copies of a record: later copies of a key in the output
 *     of a pipeline that declares {@code deduplicate(...)}, and rows of an insert-only table whose
 *     key it already holds; {@code rowsProduced = rowsWritten + rowsQuarantined + rowsDeduplicated}
 *     for appends, partition overwrites and insert-only runs
 * @param outputVersion the output table's version after the run, if the table exists
 * @param errorCode the stable error code of a failed run
 * @param errorClass the exception class of a failed run
 * @param errorMessage the error message of a failed run, secrets masked
 * @param principal the user the run wrote as
 * @param mode which partitions the run processed
 * @param dates the partitions the run wrote, for a partitioned output; else the logical date
 * @param inputVersions each input table's version the run read, by catalog name
 */
public record RunRecord(
    String runId,
    String pipeline,
    String environment,
    LocalDate logicalDate,
    Map<String, String> parameters,
    RunStatus status,
    Instant startedAt,
    Instant endedAt,
    long rowsRead,
    long rowsProduced,
    long rowsWritten,
    long rowsQuarantined,
    long rowsDeduplicated,
    Optional<Long> outputVersion,
    Optional<String> errorCode,
    Optional<String> errorClass,
    Optional<String> errorMessage,
    String principal,
    RunMode mode,
    List<LocalDate> dates,
    Map<String, Long> inputVersions) {
  public RunRecord {
    requireNonNull(runId, "runId is null");
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(logicalDate, "logicalDate is null");
    parameters = Map.copyOf(parameters);
    requireNonNull(status, "status is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(endedAt, "endedAt is null");
    requireNonNull(outputVersion, "outputVersion is null");
    requireNonNull(errorCode, "errorCode is null");
    requireNonNull(errorClass, "errorClass is null");
    requireNonNull(errorMessage, "errorMessage is null");
    requireNonNull(principal, "principal is null");
    requireNonNull(mode, "mode is null");
    dates = List.copyOf(dates);
    inputVersions = Map.copyOf(inputVersions);
  }

  /** How long the run took. */
  public Duration duration() {
    return Duration.between(startedAt, endedAt);
  }
}
