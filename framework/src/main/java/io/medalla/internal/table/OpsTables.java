package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the framework's own Delta tables (ledger, quality results and quarantine, backfills).
 * Appends never conflict with each other once a table exists, but concurrent first writes race to
 * create it and concurrent replacements of the same partition conflict: the loser retries under the
 * commit policy that pipeline outputs use too.
 */
public final class OpsTables {
  private final SparkSession spark;
  private final CommitRetry retry;

  public OpsTables(SparkSession spark, CommitRetry retry) {
    this.spark = requireNonNull(spark, "spark is null");
    this.retry = requireNonNull(retry, "retry is null");
  }

  /**
   * Appends {@code rows} in one commit tagged with {@code runId}; columns the table lacks are
   * added.
   */
  public void append(String path, List<Row> rows, StructType schema, String runId) {
    commit(
        path,
        () ->
            spark
                .createDataFrame(rows, schema)
                .coalesce(1)
                .write()
                .format("delta")
                .mode("append")
                .option("userMetadata", runId)
                .option("mergeSchema", "true")
                .save(path));
  }

  /** Runs {@code write}, a commit to the table at {@code path}, under the commit policy. */
  public void commit(String path, Runnable write) {
    retry.run(path, write);
  }
}
