package io.medalla.api;

import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a {@link SourceKind} sees of the bronze run it reads for.
 *
 * @since 0.2.0
 */
public interface IngestContext {
  /** The Spark session of the run. */
  SparkSession spark();

  /** The bronze pipeline's spec; its {@link PipelineSpec#source()} is the source read. */
  PipelineSpec spec();

  /** The run's id. */
  String runId();

  /** The batch: the logical date the run ingests. */
  LocalDate logicalDate();

  /** The root of the landing folders ({@code medalla.landing}). */
  String landing();

  /** The bronze table's storage path. */
  String tablePath();

  /** The bronze table's version the run was planned on; empty before its first batch. */
  Optional<Long> tableVersion();

  /**
   * The bronze table at {@link #tableVersion()}: what was ingested before this run, from which a
   * kind decides what is new. Empty before the first batch.
   */
  Optional<Dataset<Row>> table();
}
