package io.medalla.internal.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.Alert;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.ops.Alerts;
import io.medalla.internal.ops.Logging;
import io.medalla.internal.ops.PushgatewayExporter;
import io.medalla.internal.ops.RunMetricsFormat;
import io.medalla.internal.quality.AnomalyDetection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens once a run's end row is in the ledger: its metrics line on the log, its run-metric
 * anomalies as warning alerts, its summary in the pipeline's run history, its push to the
 * Pushgateway. Each of them is logged and never fails the run.
 */
final class RunReports {
  /** The alert code of a run whose metrics are far from their history. */
  static final String ANOMALY_CODE = "RUN_METRIC_ANOMALY";

  private static final Logger LOG = LoggerFactory.getLogger(RunReports.class);
  private static final Logger METRICS = LoggerFactory.getLogger(Logging.METRICS_LOGGER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunHistory history;
  private final Alerts alerts;
  private final Optional<PushgatewayExporter> pushgateway;
  private final int historyRuns;
  private final int minHistory;
  private final double maxSlowdown;
  private final double maxReadGrowth;

  RunReports(RunHistory history, MedallaSettings settings, Alerts alerts) {
    this.historyRuns = settings.get(ConfigKeys.METRICS_HISTORY_RUNS);
    this.minHistory = settings.get(ConfigKeys.METRICS_MIN_HISTORY);
    this.maxSlowdown = settings.get(ConfigKeys.METRICS_MAX_SLOWDOWN);
    this.maxReadGrowth = settings.get(ConfigKeys.METRICS_MAX_READ_GROWTH);
    this.history = history;
    this.alerts = alerts;
    this.pushgateway = PushgatewayExporter.fromSettings(settings);
  }

  /**
   * Reports an ended run.
   *
   * @param lineageEventsFailed how many of the run's lineage events could not be sent
   */
  void ended(RunResult result, int lineageEventsFailed) {
    RunRecord record = result.record();
    try {
      Map<String, Object> line = RunMetricsFormat.run(result);
      line.put("lineage_events_failed", lineageEventsFailed);
      METRICS.info(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      LOG.warn("Cannot write the metrics line of run {}", record.runId(), e);
    }
    try {
      String pipeline = record.pipeline();
      RunHistory.Entry entry = RunHistory.Entry.of(result);
      if (entry.succeeded()) {
        anomalies(result, entry, history.read(pipeline));
      }
      history.add(pipeline, entry);
    } catch (Exception e) { // Hadoop's checked I/O errors and any other: the run is over
      LOG.warn("Cannot update the run history of {}: {}", record.pipeline(), e.toString());
    }
    pushgateway.ifPresent(exporter -> push(exporter, result));
  }

  /** Warns of a succeeded run far slower, or reading far more, than the pipeline's last ones. */
  private void anomalies(RunResult result, RunHistory.Entry run, List<RunHistory.Entry> entries) {
    List<RunHistory.Entry> succeeded =
        entries.stream().filter(RunHistory.Entry::succeeded).toList();
    List<RunHistory.Entry> recent =
        succeeded.subList(Math.max(0, succeeded.size() - historyRuns), succeeded.size());
    if (recent.size() < minHistory) {
      return;
    }
    List<String> findings = new ArrayList<>();
    judge("duration (ms)", maxSlowdown, recent, run, RunHistory.Entry::durationMs)
        .ifPresent(findings::add);
    judge("bytes read", maxReadGrowth, recent, run, RunHistory.Entry::bytesRead)
        .ifPresent(findings::add);
    if (findings.isEmpty()) {
      return;
    }
    RunRecord record = result.record();
    String message = String.join("; ", findings);
    LOG.warn("Run {} of {}: {}", record.runId(), record.pipeline(), message);
    alerts.send(
        new Alert(
            record.pipeline(),
            record.environment(),
            record.runId(),
            record.logicalDate(),
            ANOMALY_CODE,
            "",
            message,
            String.format(
                "`medalla status --pipeline %s --steps`: the run's steps against the runs before",
                record.pipeline()),
            record.endedAt(),
            Alert.Level.WARNING));
  }

  private static Optional<String> judge(
      String measure,
      double maxRatio,
      List<RunHistory.Entry> history,
      RunHistory.Entry run,
      ToLongFunction<RunHistory.Entry> value) {
    return AnomalyDetection.aboveMedian(
            maxRatio,
            history.stream().map(entry -> (double) value.applyAsLong(entry)).toList(),
            value.applyAsLong(run))
        .map(detail -> measure + " " + detail);
  }

  private static void push(PushgatewayExporter exporter, RunResult result) {
    try {
      exporter.push(result);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Cannot push the metrics of run {}: interrupted", result.record().runId());
    } catch (Exception e) {
      LOG.warn("Cannot push the metrics of run {}: {}", result.record().runId(), e.toString());
    }
  }
}
