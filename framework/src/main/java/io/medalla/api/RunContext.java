package io.medalla.api;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.time.LocalDate;
import java.util.SortedSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What a pipeline's transformation sees of its run. */
public interface RunContext {
  /** The unique id of this run; it tags the output's Delta commit and the ledger row. */
  String runId();

  /**
   * The logical date of this run: the date a {@code run --date} processes, the last date of a
   * backfill batch or of an incremental run's partitions.
   */
  LocalDate logicalDate();

  /**
   * The partitions (dates) a partitioned pipeline's run writes, ascending: the logical date for
   * {@code run --date}, a batch of dates for a backfill, the partitions touched by new input
   * changes for an incremental run, every partition for a full refresh. Filter the output on them
   * with {@link #inDates(String)}; rows outside them are rejected.
   */
  SortedSet<LocalDate> dates();

  /** Whether {@code column} (a {@code DATE}) is one of the run's {@link #dates()}. */
  default Column inDates(String column) {
    return col(column).isin(dates().stream().map(Date::valueOf).toArray());
  }

  /**
   * Whether {@code column} (a {@code DATE}) falls in a {@code days}-day window ending on one of the
   * run's dates: what a rolling-window pipeline reads for its {@link #dates()}.
   */
  default Column inWindow(String column, int days) {
    return col(column)
        .between(Date.valueOf(dates().first().minusDays(days - 1L)), Date.valueOf(dates().last()));
  }

  /** The environment name: {@code local}, {@code dev} or {@code prod}. */
  String environment();

  /** The Spark session the run uses. */
  SparkSession spark();

  /**
   * Reads an input table declared in the spec, at the version the run pinned. For an incremental
   * run of an {@link PipelineSpec.Builder#insertOnly() insert-only} pipeline, only the rows the
   * input gained since the version the pipeline last processed.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} when the table is not a
   *     declared input, and with {@link ErrorCode#INPUT_MISSING} when it does not exist yet
   */
  Dataset<Row> read(TableId input);

  /**
   * The rows a change-data pipeline merges for this run: for the keys changed in the run's new
   * events (the batches of its dates, or the bronze commits an incremental run has not processed
   * yet), their latest state (SCD1) or all their versions (SCD2), resolved from every event the
   * feed's bronze table holds for them.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} when the spec declares no
   *     change feed
   */
  default Dataset<Row> changes() {
    throw new MedallaException(
        ErrorCode.INVALID_PIPELINE, "Cannot resolve changes: this run has no change feed");
  }

  /** Reads an input table declared in the spec, by catalog name. */
  default Dataset<Row> read(String catalogName) {
    return read(TableId.parse(catalogName));
  }
}
