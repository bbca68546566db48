package io.medalla.api;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What a pipeline's transformation sees of its run. */
public interface RunContext {
  /** The unique id of this run; it tags the output's Delta commit and the ledger row. */
  String runId();

  /** The logical date this run processes. */
  LocalDate logicalDate();

  /** The environment name: {@code local}, {@code dev} or {@code prod}. */
  String environment();

  /** The Spark session the run uses. */
  SparkSession spark();

  /**
   * Reads an input table declared in the spec.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} when the table is not a
   *     declared input, and with {@link ErrorCode#INPUT_MISSING} when it does not exist yet
   */
  Dataset<Row> read(TableId input);

  /**
   * The rows a change-data pipeline merges for this run: for the keys changed in the logical date's
   * batch, their latest state (SCD1) or all their versions (SCD2), resolved from every event the
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
