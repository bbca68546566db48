package io.medalla.internal.table;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the framework's own Delta tables (ledger, quality results and quarantine, backfills).
 * Appends never conflict with each other once a table exists, but concurrent first writes race to
 * create it and concurrent replacements of the same partition conflict: the loser retries.
 */
public final class OpsTables {
  private static final int ATTEMPTS = 5;
  private static final long FIRST_BACKOFF_MILLIS = 100;

  private OpsTables() {}

  /**
   * Appends {@code rows} in one commit tagged with {@code runId}; columns the table lacks are
   * added.
   */
  public static void append(
      SparkSession spark, String path, List<Row> rows, StructType schema, String runId) {
    retrying(
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

  /** Runs {@code write}, again after a short backoff when a concurrent commit won a race. */
  public static void retrying(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (DeltaConcurrentModificationException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(FIRST_BACKOFF_MILLIS << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
