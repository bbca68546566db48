package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a run cost, step by step, as the ledger stores it (column {@code steps}): the steps' wall
 * times add up to the run's duration, their task metrics to the run's total.
 *
 * @param steps the steps the run went through, in order, each once
 * @param filesWritten the data files the run's commit added to its output; 0 when it committed
 *     nothing
 * @since 0.2.0
 */
public record RunMetrics(List<StepMetrics> steps, long filesWritten) {
  public RunMetrics {
    steps = List.copyOf(requireNonNull(steps, "steps is null"));
  }

  /** The whole run: every step's metrics summed, named {@code run}. */
  public StepMetrics total() {
    return StepMetrics.sum("run", steps);
  }

  /** The metrics of the named step, if the run went through it. */
  public Optional<StepMetrics> step(String name) {
    return steps.stream().filter(step -> step.step().equals(name)).findFirst();
  }

  /**
   * The time the quality gate took on its own: the {@code audit} step. A run that audits while it
   * writes (write-audit-commit) computes the gate's metrics within {@code publish}, so this is then
   * the time to judge them.
   */
  public Duration qualityGateTime() {
    return step("audit").map(StepMetrics::wallTime).orElse(Duration.ZERO);
  }
}
