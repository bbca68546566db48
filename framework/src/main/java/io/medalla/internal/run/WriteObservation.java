package io.medalla.internal.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.Option;

/**
 * Measures rows while a write computes them: aggregates observed on the rows ({@link
 * Dataset#observe}) and the rows the write's scans read, both taken from the write's own query
 * execution, so measuring costs no Spark job of its own. Delta reports its write as a query
 * execution of its own, which the session's listeners receive shortly after the write returns.
 */
final class WriteObservation implements QueryExecutionListener, AutoCloseable {
  /** How long {@link #await} waits for the write's execution to be reported. */
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  private final SparkSession spark;
  private final String name = "medalla_" + UUID.randomUUID().toString().replace('-', '_');
  private Measures measures;

  /**
   * What a write measured.
   *
   * @param values the observed aggregates, in the order given to {@link #observe}
   * @param rowsRead the rows the write's scans read, as {@link ScannedRows} counts them
   */
  record Measures(Row values, long rowsRead) {}

  private WriteObservation(SparkSession spark) {
    this.spark = requireNonNull(spark, "spark is null");
  }

  /** Starts listening to {@code spark}'s query executions; close to stop. */
  static WriteObservation listen(SparkSession spark) {
    WriteObservation observation = new WriteObservation(spark);
    spark.listenerManager().register(observation);
    return observation;
  }

  /** {@code rows}, measured by {@code aggregates} (at least one) when an action computes them. */
  Dataset<Row> observe(Dataset<Row> rows, List<Column> aggregates) {
    return rows.observe(
        name, aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }

  /**
   * The measures of the last execution that computed the observed rows.
   *
   * @throws IllegalStateException when no such execution is reported in time, or the wait is
   *     interrupted
   */
  synchronized Measures await() {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try {
      while (measures == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "No query execution reported the measures of " + name + " within " + PATIENCE);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + name, e);
    }
    return measures;
  }

  @Override
  public synchronized void onSuccess(String function, QueryExecution execution, long durationNs) {
    Option<Row> values = execution.observedMetrics().get(name);
    if (values.isDefined()) {
      measures = new Measures(values.get(), ScannedRows.of(execution.executedPlan()));
      notifyAll();
    }
  }

  @Override
  public void onFailure(String function, QueryExecution execution, Exception error) {}

  @Override
  public void close() {
    spark.listenerManager().unregister(this);
  }
}
