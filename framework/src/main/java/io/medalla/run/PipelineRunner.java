package io.medalla.run;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.medalla.api.Alert;
import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.GoldPipeline;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import io.medalla.config.ConfigKeys;
import io.medalla.config.MedallaSettings;
import io.medalla.ops.Alerts;
import io.medalla.ops.Redaction;
import io.medalla.quality.CheckResult;
import io.medalla.quality.CheckStatus;
import io.medalla.quality.QualityGate;
import io.medalla.quality.QualityStore;
import io.medalla.quality.QualityVerdict;
import io.medalla.quality.Thresholds;
import io.medalla.table.DeltaPublisher;
import io.medalla.table.DeltaTables;
import io.medalla.table.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a pipeline through the whole lifecycle: plan, guard, read, transform, conform, audit,
 * publish, record. Every run, failed ones included, gets a ledger row; a failed run raises an
 * alert. Nothing in the lifecycle is overridable by pipeline authors.
 */
public final class PipelineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final MedallaSettings settings;
  private final Warehouse warehouse;
  private final RunLedger ledger;
  private final Alerts alerts;
  private final WritePolicy writePolicy;
  private final DeltaPublisher publisher;
  private final QualityGate qualityGate;
  private final QualityStore qualityStore;

  public PipelineRunner(SparkSession spark, MedallaSettings settings) {
    this.spark = requireNonNull(spark, "spark is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.warehouse = new Warehouse(settings.warehouse());
    this.ledger = new RunLedger(spark, warehouse);
    this.alerts = Alerts.fromSettings(settings);
    this.writePolicy = new WritePolicy(settings);
    this.publisher =
        new DeltaPublisher(
            settings.get(ConfigKeys.COMMIT_MAX_RETRIES),
            settings.get(ConfigKeys.COMMIT_INITIAL_BACKOFF));
    this.qualityGate = new QualityGate(new Thresholds(settings.get(ConfigKeys.QUALITY_THRESHOLDS)));
    this.qualityStore = new QualityStore(spark, warehouse);
  }

  /** The warehouse this runner writes. */
  public Warehouse warehouse() {
    return warehouse;
  }

  /** The run ledger this runner records to. */
  public RunLedger ledger() {
    return ledger;
  }

  /** Runs {@code pipeline} for {@code logicalDate}; never throws for a failed run. */
  public RunResult run(Pipeline pipeline, LocalDate logicalDate, Map<String, String> parameters) {
    PipelineSpec spec = pipeline.spec();
    Instant startedAt = Instant.now();
    String runId = newRunId(startedAt);
    String principal = spark.sparkContext().sparkUser();
    String environment = settings.environment();
    MDC.put("run_id", runId);
    MDC.put("pipeline", spec.pipelineName());
    MDC.put("env", environment);
    MDC.put("logical_date", logicalDate.toString());
    spark.sparkContext().setJobGroup("medalla-" + runId, spec.pipelineName(), false);
    LOG.info("Starting run of {} for {}", spec.pipelineName(), logicalDate);
    long rowsRead = 0;
    long rowsProduced = 0;
    Dataset<Row> candidate = null;
    try {
      step(spec, logicalDate, "guard");
      writePolicy.checkWrite(spec, principal);

      step(spec, logicalDate, "read and transform");
      DefaultRunContext context =
          new DefaultRunContext(spark, warehouse, spec, runId, logicalDate, environment);
      Dataset<Row> transformed = transform(pipeline, context, logicalDate);

      step(spec, logicalDate, "conform");
      candidate =
          Conformer.conform(spec, transformed, runId, logicalDate)
              .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> measured = candidate.agg(count(lit(1)), outsidePartition(spec, logicalDate));
      Row measures = measured.first();
      long candidateRows = measures.getLong(0);
      rowsProduced = candidateRows;
      rowsRead = ScannedRows.of(measured.queryExecution().executedPlan());
      if (measures.getLong(1) > 0) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Cannot publish %s: %d of %d rows have %s outside the run's partition %s. A"
                + " partitioned pipeline writes only its logical date's partition; filter the"
                + " output on it",
            spec.output(),
            measures.getLong(1),
            candidateRows,
            spec.partitionColumn().orElseThrow(),
            logicalDate);
      }

      step(spec, logicalDate, "audit");
      QualityVerdict verdict = audit(spec, candidate, candidateRows, context);

      step(spec, logicalDate, "publish");
      DeltaPublisher.Published published =
          publisher.publish(
              spark,
              warehouse.path(spec.output()),
              spec,
              verdict.publishable(),
              runId,
              logicalDate);
      RunStatus status = published.commit().isPresent() ? RunStatus.SUCCEEDED : RunStatus.SKIPPED;
      if (!spec.expectations().isEmpty()) {
        qualityStore.quarantine(spec.output(), runId, logicalDate, verdict.quarantined());
        qualityStore.recordMetrics(runId, spec.output(), logicalDate, verdict.metrics());
      }
      RunRecord record =
          new RunRecord(
              runId,
              spec.pipelineName(),
              environment,
              logicalDate,
              parameters,
              status,
              startedAt,
              Instant.now(),
              rowsRead,
              candidateRows,
              published.rowsWritten(),
              verdict.quarantinedRows(),
              Optional.of(published.tableVersion()),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              principal);
      step(spec, logicalDate, "record");
      ledger.record(record);
      LOG.info(
          "Run {} {}: read {} rows, wrote {} rows, quarantined {}, {} at version {} in {} ms",
          runId,
          status,
          rowsRead,
          published.rowsWritten(),
          verdict.quarantinedRows(),
          spec.output(),
          published.tableVersion(),
          record.duration().toMillis());
      return new RunResult(record, Optional.empty(), Optional.empty());
    } catch (RuntimeException | LinkageError e) {
      return fail(
          spec, logicalDate, parameters, runId, startedAt, rowsRead, rowsProduced, principal, e);
    } finally {
      if (candidate != null) {
        candidate.unpersist();
      }
      spark.sparkContext().clearJobGroup();
      MDC.clear();
    }
  }

  /**
   * Runs the quality gate and records its results; throws when a blocking expectation failed, so
   * nothing is published.
   */
  private QualityVerdict audit(
      PipelineSpec spec, Dataset<Row> candidate, long candidateRows, RunContext context) {
    if (spec.expectations().isEmpty()) {
      return new QualityVerdict(List.of(), candidate, candidateRows, Optional.empty(), 0, Map.of());
    }
    QualityVerdict verdict =
        qualityGate.evaluate(
            spec,
            candidate,
            candidateRows,
            context,
            qualityStore.history(spec.output(), context.logicalDate()));
    qualityStore.recordResults(
        context.runId(), spec.output(), context.logicalDate(), verdict.results());
    for (CheckResult result : verdict.results()) {
      if (result.status() == CheckStatus.FAILED) {
        LOG.warn(
            "Expectation {} ({}) failed: {}",
            result.expectation(),
            result.severity(),
            result.message());
      }
    }
    List<CheckResult> blocking = verdict.blocking();
    if (!blocking.isEmpty()) {
      throw new MedallaException(
          ErrorCode.QUALITY_GATE_BLOCKED,
          "Cannot publish %s: the quality gate blocked it (%s). Nothing was published; fix the"
              + " data or the rule, then re-run. Details: `medalla quality %s`",
          spec.output(),
          blocking.stream()
              .map(result -> result.expectation() + ": " + result.message())
              .collect(java.util.stream.Collectors.joining("; ")),
          spec.output());
    }
    return verdict;
  }

  private Dataset<Row> transform(
      Pipeline pipeline, DefaultRunContext context, LocalDate logicalDate) {
    if (pipeline instanceof BronzePipeline bronze) {
      Dataset<Row> records =
          SourceReader.read(
              spark, settings.landing(), bronze.spec().source().orElseThrow(), logicalDate);
      return bronze.transform(records, context);
    }
    if (pipeline instanceof SilverPipeline silver) {
      return silver.transform(context);
    }
    return ((GoldPipeline) pipeline).transform(context);
  }

  private RunResult fail(
      PipelineSpec spec,
      LocalDate logicalDate,
      Map<String, String> parameters,
      String runId,
      Instant startedAt,
      long rowsRead,
      long rowsProduced,
      String principal,
      Throwable error) {
    ErrorCode code =
        error instanceof MedallaException medalla ? medalla.code() : ErrorCode.RUN_FAILED;
    String message = Redaction.redact(describe(error));
    RunStatus status =
        code == ErrorCode.QUALITY_GATE_BLOCKED ? RunStatus.BLOCKED : RunStatus.FAILED;
    String path = warehouse.path(spec.output());
    Optional<Long> version = Optional.empty();
    try {
      version = DeltaTables.latestCommit(spark, path).map(commit -> commit.version());
    } catch (RuntimeException e) {
      LOG.warn("Cannot read the version of {}: {}", spec.output(), e.getMessage());
    }
    RunRecord record =
        new RunRecord(
            runId,
            spec.pipelineName(),
            settings.environment(),
            logicalDate,
            parameters,
            status,
            startedAt,
            Instant.now(),
            rowsRead,
            rowsProduced,
            0,
            0,
            version,
            Optional.of(code.name()),
            Optional.of(error.getClass().getName()),
            Optional.of(message),
            principal);
    LOG.error(
        "Run {} of {} {}: {}{}{}",
        runId,
        spec.pipelineName(),
        status,
        message,
        System.lineSeparator(),
        Redaction.redact(stackTrace(error)));
    try {
      ledger.record(record);
    } catch (RuntimeException e) {
      LOG.error("Cannot record run {} in the ledger at {}", runId, ledger.path(), e);
    }
    alerts.send(
        new Alert(
            spec.pipelineName(),
            settings.environment(),
            runId,
            logicalDate,
            code.name(),
            error.getClass().getName(),
            message,
            String.format(
                "ledger %s (run_id = '%s'); `medalla status --pipeline %s`; logs with run_id=%s",
                ledger.path(), runId, spec.pipelineName(), runId),
            record.endedAt()));
    return new RunResult(record, Optional.of(code), Optional.of(error));
  }

  private void step(PipelineSpec spec, LocalDate logicalDate, String step) {
    spark.sparkContext().setJobDescription(spec.pipelineName() + " [" + logicalDate + "] " + step);
  }

  /** Counts rows outside the logical date's partition; always 0 for unpartitioned outputs. */
  private static Column outsidePartition(PipelineSpec spec, LocalDate logicalDate) {
    return spec.partitionColumn()
        .map(
            column ->
                count(
                    when(
                        not(col(column).eqNullSafe(lit(java.sql.Date.valueOf(logicalDate)))),
                        lit(1))))
        .orElse(lit(0L));
  }

  /** The stack trace as text, so it can be masked whatever logging backend prints it. */
  private static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null ? error.getClass().getSimpleName() : message.strip();
  }

  private static String newRunId(Instant startedAt) {
    return RUN_ID_TIME.format(startedAt) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
