package io.medalla.internal.run;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.medalla.api.Alert;
import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.JdbcSource;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.Source;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import io.medalla.internal.ingest.FileReader;
import io.medalla.internal.ingest.JdbcReader;
import io.medalla.internal.ops.Alerts;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.medalla.internal.quality.Provenance;
import io.medalla.internal.quality.QualityGate;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.quality.QualityVerdict;
import io.medalla.internal.quality.Thresholds;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaPublisher;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
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
  private final RunPlanner planner;

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
    this.planner = new RunPlanner(spark, warehouse, ledger);
  }

  /** The session this runner runs in. */
  public SparkSession spark() {
    return spark;
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
    return run(pipeline, RunRequest.of(List.of(logicalDate), parameters));
  }

  /** Runs {@code pipeline} as {@code request} asks; never throws for a failed run. */
  public RunResult run(Pipeline pipeline, RunRequest request) {
    PipelineSpec spec = pipeline.spec();
    Instant startedAt = Instant.now();
    String runId = newRunId(startedAt);
    String principal = spark.sparkContext().sparkUser();
    String environment = settings.environment();
    LocalDate logicalDate = request.lastDate();
    Map<String, String> parameters = request.parameters();
    MDC.put("run_id", runId);
    MDC.put("pipeline", spec.pipelineName());
    MDC.put("env", environment);
    MDC.put("logical_date", logicalDate.toString());
    spark.sparkContext().setJobGroup("medalla-" + runId, spec.pipelineName(), false);
    LOG.info("Starting {} run of {} for {}", request.mode(), spec.pipelineName(), request.dates());
    long rowsRead = 0;
    long rowsProduced = 0;
    Dataset<Row> candidate = null;
    RunPlan plan = null;
    try {
      step(spec, logicalDate, "guard");
      writePolicy.checkWrite(spec, principal);

      step(spec, logicalDate, "plan");
      plan = planner.plan(spec, request);
      logicalDate = plan.logicalDate();
      if (plan.nothingNew()) {
        RunRecord record =
            completed(
                runId,
                spec,
                plan,
                parameters,
                RunStatus.SKIPPED,
                startedAt,
                new Counts(0, 0, 0, 0),
                DeltaTables.latestCommit(spark, warehouse.path(spec.output()))
                    .map(DeltaCommit::version),
                principal);
        ledger.record(record);
        LOG.info("Run {} SKIPPED: nothing new in the inputs of {}", runId, spec.pipelineName());
        return new RunResult(record, Optional.empty(), Optional.empty());
      }

      step(spec, logicalDate, "read and transform");
      DefaultRunContext context =
          new DefaultRunContext(spark, warehouse, spec, runId, plan, environment, planner);
      long nextVersion =
          DeltaTables.latestCommit(spark, warehouse.path(spec.output()))
              .map(commit -> commit.version() + 1)
              .orElse(0L);
      Transformed transformed = transform(pipeline, context, logicalDate);

      step(spec, logicalDate, "conform");
      candidate =
          Conformer.conform(spec, transformed.output(), runId, logicalDate)
              .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> measured = candidate.agg(count(lit(1)), outsidePartitions(spec, plan.dates()));
      Row measures = measured.first();
      long candidateRows = measures.getLong(0);
      rowsProduced = candidateRows;
      rowsRead = ScannedRows.of(measured.queryExecution().executedPlan());
      if (measures.getLong(1) > 0) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Cannot publish %s: %d of %d rows have %s outside the run's partitions %s. A"
                + " partitioned pipeline writes only its run's partitions; filter the output on"
                + " them with context.inDates(\"%s\")",
            spec.output(),
            measures.getLong(1),
            candidateRows,
            spec.partitionColumn().orElseThrow(),
            plan.dates(),
            spec.partitionColumn().orElseThrow());
      }

      step(spec, logicalDate, "audit");
      QualityVerdict verdict = audit(spec, transformed, candidate, candidateRows, context);

      step(spec, logicalDate, "publish");
      DeltaPublisher.Scope scope = scope(spec, plan);
      DeltaPublisher.Published published =
          publisher.publish(
              spark,
              warehouse.path(spec.output()),
              spec,
              Provenance.published(spec.output().layer(), verdict.publishable()),
              verdict.publishableRows(),
              runId,
              plan.dates(),
              scope,
              nextVersion);
      RunStatus status = published.commit().isPresent() ? RunStatus.SUCCEEDED : RunStatus.SKIPPED;
      if (!verdict.results().isEmpty()) {
        qualityStore.quarantine(
            spec.output(),
            runId,
            plan.dates(),
            scope == DeltaPublisher.Scope.NEW_KEYS,
            verdict.quarantined());
        qualityStore.recordMetrics(runId, spec.output(), logicalDate, verdict.metrics());
      }
      RunRecord record =
          completed(
              runId,
              spec,
              plan,
              parameters,
              status,
              startedAt,
              new Counts(
                  rowsRead, candidateRows, published.rowsWritten(), verdict.quarantinedRows()),
              Optional.of(published.tableVersion()),
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
    } catch (Exception | LinkageError e) { // Spark throws checked exceptions undeclared
      return fail(spec, request, plan, runId, startedAt, rowsRead, rowsProduced, principal, e);
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
      PipelineSpec spec,
      Transformed transformed,
      Dataset<Row> candidate,
      long candidateRows,
      RunContext context) {
    if (spec.expectations().isEmpty() && transformed.checks().isEmpty()) {
      return new QualityVerdict(
          transformed.findings(), candidate, candidateRows, Optional.empty(), 0, Map.of());
    }
    QualityVerdict gated =
        qualityGate.evaluate(
            spec,
            transformed.checks(),
            candidate,
            candidateRows,
            context,
            qualityStore.history(spec.output(), context.logicalDate()));
    List<CheckResult> results = new ArrayList<>(transformed.findings());
    for (CheckResult result : gated.results()) {
      results.add(
          result.expectation().equals(Provenance.WELL_FORMED)
              ? FileReader.describeWellFormed(result, candidate)
              : result);
    }
    QualityVerdict verdict =
        new QualityVerdict(
            results,
            gated.publishable(),
            gated.publishableRows(),
            gated.quarantined(),
            gated.quarantinedRows(),
            gated.metrics());
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

  /**
   * A transformation's output, with the checks the framework adds for its source (bronze files:
   * every record well formed) and what reading found (bronze files: schema drift).
   */
  private record Transformed(
      Dataset<Row> output, List<Expectation> checks, List<CheckResult> findings) {}

  private Transformed transform(
      Pipeline pipeline, DefaultRunContext context, LocalDate logicalDate) {
    if (pipeline instanceof BronzePipeline bronze) {
      Source source = bronze.spec().source().orElseThrow();
      if (source instanceof FileSource files) {
        FileReader.FileBatch batch =
            FileReader.read(
                spark,
                settings.landing(),
                warehouse.path(bronze.spec().output()),
                files,
                logicalDate);
        LOG.info("Ingesting {} new files of {}", batch.files().size(), files.describe());
        return new Transformed(
            bronze.transform(batch.records(), context),
            List.of(
                Expect.satisfies(Provenance.WELL_FORMED, FileReader.CORRUPT_RECORD + " IS NULL")
                    .warn()),
            List.of(batch.schemaDrift()));
      }
      Dataset<Row> records =
          JdbcReader.read(spark, settings, warehouse, bronze.spec(), (JdbcSource) source);
      return new Transformed(bronze.transform(records, context), List.of(), List.of());
    }
    Dataset<Row> output =
        pipeline instanceof SilverPipeline silver
            ? silver.transform(context)
            : ((GoldPipeline) pipeline).transform(context);
    return new Transformed(output, Provenance.checks(pipeline.layer(), output), List.of());
  }

  private RunResult fail(
      PipelineSpec spec,
      RunRequest request,
      RunPlan plan,
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
    LocalDate logicalDate = plan == null ? request.lastDate() : plan.logicalDate();
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
            request.parameters(),
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
            principal,
            plan == null ? request.mode() : plan.mode(),
            List.copyOf(plan == null ? request.dates() : plan.dates()),
            plan == null ? Map.of() : byName(plan.inputVersions()));
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

  /** Counts rows outside the run's partitions; always 0 for unpartitioned outputs. */
  private static Column outsidePartitions(PipelineSpec spec, SortedSet<LocalDate> dates) {
    return spec.partitionColumn()
        .map(
            column ->
                count(
                    when(
                        not(
                            coalesce(
                                col(column).isin(dates.stream().map(Date::valueOf).toArray()),
                                lit(false))),
                        lit(1))))
        .orElse(lit(0L));
  }

  private static DeltaPublisher.Scope scope(PipelineSpec spec, RunPlan plan) {
    if (plan.mode() == RunMode.FULL_REFRESH) {
      return DeltaPublisher.Scope.TABLE;
    }
    return plan.mode() == RunMode.INCREMENTAL && spec.insertOnly()
        ? DeltaPublisher.Scope.NEW_KEYS
        : DeltaPublisher.Scope.DATES;
  }

  /** A run's row counts, as the ledger records them. */
  private record Counts(long read, long produced, long written, long quarantined) {}

  /** The ledger row of a run that ended without an error. */
  private RunRecord completed(
      String runId,
      PipelineSpec spec,
      RunPlan plan,
      Map<String, String> parameters,
      RunStatus status,
      Instant startedAt,
      Counts rows,
      Optional<Long> outputVersion,
      String principal) {
    return new RunRecord(
        runId,
        spec.pipelineName(),
        settings.environment(),
        plan.logicalDate(),
        parameters,
        status,
        startedAt,
        Instant.now(),
        rows.read(),
        rows.produced(),
        rows.written(),
        rows.quarantined(),
        outputVersion,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        principal,
        plan.mode(),
        List.copyOf(plan.dates()),
        byName(plan.inputVersions()));
  }

  private static Map<String, Long> byName(Map<TableId, Long> versions) {
    Map<String, Long> named = new LinkedHashMap<>();
    versions.forEach((table, version) -> named.put(table.catalogName(), version));
    return named;
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
