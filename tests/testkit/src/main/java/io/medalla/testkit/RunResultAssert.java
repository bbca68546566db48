package io.medalla.testkit;

import io.medalla.api.ErrorCode;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a run's outcome; a failing one names the pipeline, the run and, for a failed run,
 * its error message. Start with {@link MedallaAssertions#assertThat(RunResult)}.
 *
 * <pre>{@code
 * assertThat(warehouse.incremental(new GoldDailyRevenue(), day)).succeeded().hasDates(day);
 * }</pre>
 */
public final class RunResultAssert extends AbstractAssert<RunResultAssert, RunResult> {
  RunResultAssert(RunResult actual) {
    super(actual, RunResultAssert.class);
  }

  /** The run published its output. */
  public RunResultAssert succeeded() {
    return hasStatus(RunStatus.SUCCEEDED);
  }

  /** The run found nothing to do: the batch had been published, or no input changed. */
  public RunResultAssert skipped() {
    return hasStatus(RunStatus.SKIPPED);
  }

  /** A blocking quality rule failed, so nothing was published. */
  public RunResultAssert blocked() {
    return hasStatus(RunStatus.BLOCKED);
  }

  /** The run failed with {@code errorCode} and published nothing. */
  public RunResultAssert failedWith(ErrorCode errorCode) {
    hasStatus(RunStatus.FAILED);
    if (!actual.errorCode().equals(Optional.of(errorCode))) {
      failWithMessage(
          "Expected %s to fail with %s but it failed with %s", describe(), errorCode, error());
    }
    return this;
  }

  /** The run ended with {@code status}. */
  public RunResultAssert hasStatus(RunStatus status) {
    isNotNull();
    if (record().status() != status) {
      failWithMessage(
          "Expected %s to end %s but it ended %s: %s",
          describe(), status, record().status(), error());
    }
    return this;
  }

  /** The run processed exactly these partitions (or, unpartitioned, its logical date). */
  public RunResultAssert hasDates(LocalDate... dates) {
    isNotNull();
    if (!record().dates().equals(List.of(dates))) {
      failWithMessage(
          "Expected %s to process %s but it processed %s",
          describe(), List.of(dates), record().dates());
    }
    return this;
  }

  /** The run was of {@code mode}; a first incremental run is a full refresh. */
  public RunResultAssert hasMode(RunMode mode) {
    isNotNull();
    if (record().mode() != mode) {
      failWithMessage("Expected %s to be %s but it was %s", describe(), mode, record().mode());
    }
    return this;
  }

  /** The run read {@code rows} rows of its inputs. */
  public RunResultAssert hasRowsRead(long rows) {
    return hasCount("read", record().rowsRead(), rows);
  }

  /** The run's commit wrote {@code rows} rows (a merge counts the rows it changed). */
  public RunResultAssert hasRowsWritten(long rows) {
    return hasCount("write", record().rowsWritten(), rows);
  }

  /** The quality gate moved {@code rows} rows of the run's output to quarantine. */
  public RunResultAssert hasRowsQuarantined(long rows) {
    return hasCount("quarantine", record().rowsQuarantined(), rows);
  }

  private RunResultAssert hasCount(String verb, long actualRows, long expectedRows) {
    isNotNull();
    if (actualRows != expectedRows) {
      failWithMessage(
          "Expected %s to %s %d rows but it did %d", describe(), verb, expectedRows, actualRows);
    }
    return this;
  }

  private RunRecord record() {
    return actual.record();
  }

  private String describe() {
    return String.format(
        "run %s of %s (%s %s)",
        record().runId(), record().pipeline(), record().mode(), record().dates());
  }

  private String error() {
    return record().errorMessage().orElse("no error message");
  }
}
