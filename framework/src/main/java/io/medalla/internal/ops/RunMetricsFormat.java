package io.medalla.internal.ops;

import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.StepMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's metrics by the names the ledger's {@code steps} column, the metrics line and the
 * Pushgateway use: times in milliseconds, sizes in bytes.
 */
public final class RunMetricsFormat {
  private RunMetricsFormat() {}

  /** One step's metrics, {@code step} first. */
  public static Map<String, Object> step(StepMetrics metrics) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("step", metrics.step());
    step.putAll(measures(metrics));
    return step;
  }

  /** One step's measures, by name. */
  public static Map<String, Long> measures(StepMetrics metrics) {
    Map<String, Long> measures = new LinkedHashMap<>();
    measures.put("wall_ms", metrics.wallTime().toMillis());
    measures.put("jobs", metrics.jobs());
    measures.put("tasks", metrics.tasks());
    measures.put("failed_tasks", metrics.failedTasks());
    measures.put("cpu_ms", metrics.cpuTime().toMillis());
    measures.put("bytes_read", metrics.bytesRead());
    measures.put("records_read", metrics.recordsRead());
    measures.put("bytes_written", metrics.bytesWritten());
    measures.put("records_written", metrics.recordsWritten());
    measures.put("shuffle_read_bytes", metrics.shuffleReadBytes());
    measures.put("shuffle_write_bytes", metrics.shuffleWriteBytes());
    measures.put("spilled_bytes", metrics.spilledBytes());
    return measures;
  }

  /** The metrics line of an ended run: its outcome, its totals and every step. */
  public static Map<String, Object> run(RunResult result) {
    RunRecord record = result.record();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("event", "medalla.run.metrics");
    run.put("run_id", record.runId());
    run.put("pipeline", record.pipeline());
    run.put("env", record.environment());
    run.put("logical_date", record.logicalDate().toString());
    run.put("status", record.status().name());
    run.put("duration_ms", record.duration().toMillis());
    run.put("rows_read", record.rowsRead());
    run.put("rows_written", record.rowsWritten());
    run.put("rows_quarantined", record.rowsQuarantined());
    run.put("rows_deduplicated", record.rowsDeduplicated());
    run.put("files_written", result.metrics().filesWritten());
    run.put("output_version", record.outputVersion().orElse(null));
    run.put("quality_gate_ms", result.metrics().qualityGateTime().toMillis());
    run.put("total", measures(result.metrics().total()));
    run.put("steps", result.metrics().steps().stream().map(RunMetricsFormat::step).toList());
    return run;
  }
}
