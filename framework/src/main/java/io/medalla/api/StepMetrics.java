package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * What one lifecycle step of a run cost: its wall time and the Spark task metrics of the jobs it
 * ran, summed over their tasks.
 *
 * @param step the step's name: plan, guard, read, transform, conform, audit, publish or record; or
 *     {@code run} for a whole run's total
 * @param wallTime the time the run spent in the step
 * @param jobs the Spark jobs the step ran
 * @param tasks the tasks of those jobs, failed attempts included
 * @param failedTasks the task attempts that failed
 * @param cpuTime the executors' CPU time
 * @param bytesRead the bytes tasks read from storage
 * @param recordsRead the records tasks read from storage
 * @param bytesWritten the bytes tasks wrote to storage
 * @param recordsWritten the records tasks wrote to storage
 * @param shuffleReadBytes the shuffle bytes tasks read, local and remote
 * @param shuffleWriteBytes the shuffle bytes tasks wrote
 * @param spilledBytes the bytes spilled, from memory and to disk
 * @since 0.2.0
 */
public record StepMetrics(
    String step,
    Duration wallTime,
    long jobs,
    long tasks,
    long failedTasks,
    Duration cpuTime,
    long bytesRead,
    long recordsRead,
    long bytesWritten,
    long recordsWritten,
    long shuffleReadBytes,
    long shuffleWriteBytes,
    long spilledBytes) {
  public StepMetrics {
    requireNonNull(step, "step is null");
    requireNonNull(wallTime, "wallTime is null");
    requireNonNull(cpuTime, "cpuTime is null");
  }

  /** The sum of {@code steps}, named {@code step}. */
  public static StepMetrics sum(String step, Collection<StepMetrics> steps) {
    return new StepMetrics(
        step,
        Duration.ofNanos(sum(steps, metrics -> metrics.wallTime.toNanos())),
        sum(steps, StepMetrics::jobs),
        sum(steps, StepMetrics::tasks),
        sum(steps, StepMetrics::failedTasks),
        Duration.ofNanos(sum(steps, metrics -> metrics.cpuTime.toNanos())),
        sum(steps, StepMetrics::bytesRead),
        sum(steps, StepMetrics::recordsRead),
        sum(steps, StepMetrics::bytesWritten),
        sum(steps, StepMetrics::recordsWritten),
        sum(steps, StepMetrics::shuffleReadBytes),
        sum(steps, StepMetrics::shuffleWriteBytes),
        sum(steps, StepMetrics::spilledBytes));
  }

  private static long sum(Collection<StepMetrics> steps, ToLongFunction<StepMetrics> metric) {
    return steps.stream().mapToLong(metric).sum();
  }
}
