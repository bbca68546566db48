package io.medalla.internal.run;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.medalla.api.Alert;
import io.medalla.api.BronzePipeline;
import io.medalla.api.Columns;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.GoldPipeline;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMetrics;
import io.medalla.api.RunRecord;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.SourceBatch;
import io.medalla.api.TableId;
import io.medalla.api.WriteMode;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import io.medalla.internal.governance.AccessPolicy;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.governance.ColumnClassifier;
import io.medalla.internal.governance.TableAnnotations;
import io.medalla.internal.ingest.FileReader;
import io.medalla.internal.ingest.SourceKinds;
import io.medalla.internal.lineage.ColumnLineage;
import io.medalla.internal.lineage.LineageEmitter;
import io.medalla.internal.ops.Alerts;
import io.medalla.internal.ops.RunListeners;
import io.medalla.internal.ops.SparkTaskMetrics;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.medalla.internal.quality.Provenance;
import io.medalla.internal.quality.QualityGate;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.quality.QualityVerdict;
import io.medalla.internal.quality.Thresholds;
import io.medalla.internal.spark.HadoopFileSystems;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaPublisher;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.OpsTables;
import io.medalla.internal.table.StagedWrite;
import io.medalla.internal.table.TableMetadata;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a pipeline through the whole lifecycle, one named step after the other: plan, guard, read,
 * transform, conform, audit, publish, record. What the run does is decided once, by the plan; a run
 * allowed to write is in the ledger from its start (RUNNING) to its end, and a failed run raises an
 * alert whatever the ledger does. Nothing in the lifecycle is overridable by pipeline authors.
 */
public final class PipelineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final MedallaSettings settings;
  private final Warehouse warehouse;
  private final OpsTables opsTables;
  private final RunLedger ledger;
  private final Alerts alerts;
  private final RunListeners listeners;
  private final WritePolicy writePolicy;
  private final DeltaPublisher publisher;
  private final QualityGate qualityGate;
  private final QualityStore qualityStore;
  private final RunPlanner planner;
  private final SourceIngestion ingestion;
  private final SparkTaskMetrics taskMetrics;
  private final RunHistory history;
  private final RunReports reports;
  private final Optional<LineageEmitter> lineage;
  private final AccessPolicy access;
  private final Optional<AuditLog> audit;

  public PipelineRunner(SparkSession spark, MedallaSettings settings) {
    this.spark = requireNonNull(spark, "spark is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.warehouse = new Warehouse(settings.warehouse());
    CommitRetry commits = CommitRetry.fromSettings(settings);
    this.opsTables = new OpsTables(spark, commits);
    this.ledger = new RunLedger(spark, warehouse, opsTables);
    this.alerts = Alerts.fromSettings(settings);
    this.listeners = RunListeners.fromSettings(settings);
    this.writePolicy = new WritePolicy(settings);
    this.publisher = new DeltaPublisher(commits);
    this.qualityGate = new QualityGate(new Thresholds(settings.get(ConfigKeys.QUALITY_THRESHOLDS)));
    this.qualityStore = new QualityStore(spark, warehouse, commits);
    this.planner = new RunPlanner(spark, warehouse, ledger);
    this.ingestion =
        new SourceIngestion(spark, warehouse, settings.landing(), SourceKinds.load(settings));
    this.taskMetrics = SparkTaskMetrics.of(spark.sparkContext());
    this.history =
        new RunHistory(
            spark,
            warehouse,
            Math.max(RunHistory.KEPT_AT_LEAST, settings.get(ConfigKeys.METRICS_HISTORY_RUNS)));
    this.reports = new RunReports(history, settings, alerts);
    this.lineage = LineageEmitter.fromSettings(settings, this::location);
    this.access = AccessPolicy.fromSettings(settings);
    this.audit =
        settings.get(ConfigKeys.GOVERNANCE_AUDIT)
            ? Optional.of(new AuditLog(spark, warehouse.opsPath(AuditLog.TABLE_NAME), commits))
            : Optional.empty();
  }

  /** The environment's storage and read policies, as this process's role. */
  public AccessPolicy access() {
    return access;
  }

  /** The audit log, unless {@code medalla.governance.audit} is off. */
  public Optional<AuditLog> audit() {
    return audit;
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

  /** The latest runs of each pipeline with their totals. */
  public RunHistory history() {
    return history;
  }

  /** The writer of the framework's own tables, under the runner's commit policy. */
  public OpsTables opsTables() {
    return opsTables;
  }

  /**
   * Checks that this session's principal may write {@code table}, a pipeline's output or one of the
   * framework's tables, before anything is written.
   *
   * @throws MedallaException with {@link ErrorCode#PERMISSION_DENIED} when it may not
   */
  public void checkWrite(String table) {
    writePolicy.checkWrite(table, spark.sparkContext().sparkUser());
  }

  /** Runs {@code pipeline} for {@code logicalDate}; never throws for a failed run. */
  public RunResult run(Pipeline pipeline, LocalDate logicalDate, Map<String, String> parameters) {
    return run(pipeline, RunRequest.of(List.of(logicalDate), parameters));
  }

  /** Runs {@code pipeline} as {@code request} asks; never throws for a failed run. */
  public RunResult run(Pipeline pipeline, RunRequest request) {
    Instant startedAt = Instant.now();
    RunState run =
        new RunState(
            newRunId(startedAt),
            pipeline.spec(),
            request,
            settings.environment(),
            spark.sparkContext().sparkUser(),
            startedAt);
    open(run);
    try {
      return execute(pipeline, run);
    } catch (Exception | LinkageError e) { // Spark throws checked exceptions undeclared
      return fail(run, e);
    } finally {
      spark.sparkContext().clearJobGroup();
      MDC.clear();
    }
  }

  /** The steps of a run, in order. */
  private RunResult execute(Pipeline pipeline, RunState run) {
    RunPlan plan = plan(run);
    guard(run);
    if (plan.nothingNew()) {
      LOG.info(
          "Run {} SKIPPED: nothing new in the inputs of {}",
          run.runId(),
          run.spec().pipelineName());
      return record(run, RunStatus.SKIPPED, Optional.empty());
    }
    DefaultRunContext context =
        new DefaultRunContext(spark, warehouse, run, settings.environment(), planner, access);
    Transformed transformed = transform(run, pipeline, context, read(run, pipeline));
    Dataset<Row> conformed = conform(run, transformed.output());
    if (transformed.checks().isEmpty()
        && QualityGate.checksOnWrite(
            run.spec(), Provenance.published(run.spec().output().layer(), conformed).schema())
        && DeltaPublisher.stageable(run.spec(), plan.scope(), plan.outputVersion())) {
      Optional<DeltaPublisher.Published> published =
          publishStaged(run, transformed, conformed, context);
      if (published.isPresent()) {
        return record(run, published.get());
      }
    }
    Dataset<Row> cached = conformed.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long candidateRows = measure(run, cached);
      Dataset<Row> candidate = Deduplication.kept(cached);
      QualityVerdict verdict = audit(run, transformed, candidate, candidateRows, context);
      DeltaPublisher.Published published = publish(run, verdict);
      recordQuality(run, verdict);
      return record(run, published);
    } finally {
      cached.unpersist();
    }
  }

  private void open(RunState run) {
    MDC.put("run_id", run.runId());
    MDC.put("pipeline", run.spec().pipelineName());
    MDC.put("env", settings.environment());
    MDC.put("logical_date", run.request().lastDate().toString());
    spark.sparkContext().setJobGroup("medalla-" + run.runId(), run.spec().pipelineName(), false);
    LOG.info(
        "Starting {} run of {} for {}",
        run.request().mode(),
        run.spec().pipelineName(),
        run.request().dates());
  }

  /** Plan: the dates, the pinned input versions, the output's version and the write's scope. */
  private RunPlan plan(RunState run) {
    step(run, "plan");
    RunPlan plan = planner.plan(run.spec(), run.request());
    run.planned(plan);
    return plan;
  }

  /**
   * Guard: refuses a run the write policy forbids before anything is written, then records the run
   * as RUNNING, so a run that never ends stays visible and every commit it makes has its row.
   */
  private void guard(RunState run) {
    step(run, "guard");
    writePolicy.checkWrite(run.spec(), run.principal());
    RunRecord running = run.running();
    ledger.start(running);
    run.markStarted();
    lineage.ifPresent(emitter -> emitter.started(run.spec(), running, run.lineage()));
    listeners.started(running);
  }

  /** Read: a bronze run's source batch; other layers read their pinned inputs in transform. */
  private Optional<SourceBatch> read(RunState run, Pipeline pipeline) {
    if (!(pipeline instanceof BronzePipeline)) {
      return Optional.empty();
    }
    step(run, "read");
    return Optional.of(ingestion.read(run.spec(), run.plan().orElseThrow(), run.runId()));
  }

  /**
   * A transformation's output, with the checks the framework adds for its source (bronze files:
   * every record well formed) and what reading found (bronze files: schema drift).
   */
  private record Transformed(
      Dataset<Row> output, List<Expectation> checks, List<CheckResult> findings) {
    /** Whether the run has nothing for the quality gate to check or to record. */
    boolean unchecked(PipelineSpec spec) {
      return spec.expectations().isEmpty() && checks.isEmpty() && findings.isEmpty();
    }
  }

  /** Transform: the author's code, its output's columns classified. */
  private Transformed transform(
      RunState run, Pipeline pipeline, RunContext context, Optional<SourceBatch> batch) {
    step(run, "transform");
    if (pipeline instanceof BronzePipeline bronze) {
      SourceBatch records = batch.orElseThrow();
      Dataset<Row> output = bronze.transform(records.records(), context);
      classify(run, output);
      return new Transformed(
          output, records.checks(), records.findings().stream().map(CheckResult::of).toList());
    }
    Dataset<Row> output =
        pipeline instanceof SilverPipeline silver
            ? silver.transform(context)
            : ((GoldPipeline) pipeline).transform(context);
    traceColumns(run, output);
    classify(run, output);
    return new Transformed(output, Provenance.checks(pipeline.layer(), output), List.of());
  }

  /** Where each output column of a silver or gold run comes from, from its analysed plan. */
  private void traceColumns(RunState run, Dataset<Row> output) {
    try {
      Map<String, TableId> inputs = new HashMap<>();
      run.spec().inputs().forEach(input -> inputs.put(new Path(location(input)).toString(), input));
      run.lineage().columns(ColumnLineage.of(output, inputs));
    } catch (RuntimeException e) { // a plan shape the tracing does not know: no column lineage
      LOG.debug("Run {}: no column lineage: {}", run.runId(), e.toString());
    }
  }

  /**
   * The output's classification, from the spec and the stored classification of the input columns
   * each column is computed from; refuses pii that would be published unclassified or unprotected.
   */
  private void classify(RunState run, Dataset<Row> output) {
    Map<TableId, TableAnnotations> inputs = new HashMap<>();
    TableAnnotations resolved =
        ColumnClassifier.resolve(
            run.spec(),
            output.schema(),
            run.lineage().columns(),
            table ->
                inputs.computeIfAbsent(
                    table,
                    input ->
                        TableAnnotations.fromProperties(
                            TableMetadata.properties(
                                spark, warehouse.path(input), Optional.empty()))),
            settings.get(ConfigKeys.GOVERNANCE_REQUIRE_CLASSIFICATION));
    TableAnnotations stored = access.storage(resolved, Arrays.asList(output.schema().fields()));
    RunPlan plan = run.plan().orElseThrow();
    if (plan.outputVersion().isPresent() && plan.scope() != DeltaPublisher.Scope.TABLE) {
      AccessPolicy.checkStorageUnchanged(
          run.spec().output(),
          TableAnnotations.fromProperties(
              TableMetadata.properties(
                  spark, warehouse.path(run.spec().output()), plan.outputVersion())),
          stored);
    }
    run.annotated(stored);
  }

  /** Conform: the output in its layer's shape, later copies of a key marked. */
  private Dataset<Row> conform(RunState run, Dataset<Row> output) {
    step(run, "conform");
    Dataset<Row> marked = Deduplication.mark(run.spec(), output);
    Dataset<Row> conformed =
        run.annotations()
            .applyTo(Conformer.conform(run.spec(), marked, run.runId(), run.logicalDate()));
    if (lineage.isPresent()) {
      run.lineage()
          .published(Provenance.published(run.spec().output().layer(), conformed).schema());
    }
    return conformed;
  }

  /**
   * Counts the rows read, the rows produced and their copies of a key, in one pass that also
   * rejects rows outside the run's partitions; returns the candidate's rows, copies left out.
   */
  private long measure(RunState run, Dataset<Row> conformed) {
    List<Column> counts = partitionCounts(run);
    Dataset<Row> measured =
        conformed.agg(counts.get(0), counts.get(1), Deduplication.copies(conformed));
    Row values = measured.first();
    long produced = values.getLong(0);
    run.produced(
        ScannedRows.of(measured.queryExecution().executedPlan()), produced, values.getLong(2));
    checkPartitions(run, values);
    return produced - values.getLong(2);
  }

  /**
   * Audit and publish in one pass (write-audit-commit), for an append or an overwrite of an
   * existing table: the write computes the rows, counts them and computes every metric the gate
   * needs while it writes their files, and the files are committed only once the rows are in the
   * run's partitions and the gate passed. Empty, having committed nothing, when the run takes the
   * cached path instead: its batch was published before, or a quarantine rule failed rows, which a
   * second pass splits off.
   */
  private Optional<DeltaPublisher.Published> publishStaged(
      RunState run, Transformed transformed, Dataset<Row> conformed, RunContext context) {
    step(run, "publish");
    PipelineSpec spec = run.spec();
    List<Column> counts = partitionCounts(run);
    try (WriteObservation measured = WriteObservation.listen(spark);
        WriteObservation audited = WriteObservation.listen(spark)) {
      Dataset<Row> candidate =
          Deduplication.kept(
              measured.observe(
                  conformed,
                  List.of(counts.get(0), counts.get(1), Deduplication.copies(conformed))));
      Optional<QualityGate.Planned> gate =
          transformed.unchecked(spec)
              ? Optional.empty()
              : Optional.of(
                  qualityGate.plan(
                      spec,
                      List.of(),
                      candidate,
                      context,
                      qualityStore.history(spec.output(), context.logicalDate())));
      Column[] candidateColumns =
          Arrays.stream(candidate.columns())
              .map(Columns::quoted)
              .map(functions::col)
              .toArray(Column[]::new);
      Dataset<Row> rows =
          gate.map(
                  planned ->
                      audited
                          .observe(planned.audited(), planned.aggregates())
                          .select(candidateColumns))
              .orElse(candidate);
      Optional<StagedWrite> staged = stage(run, conformed, rows);
      if (staged.isEmpty()) {
        return Optional.empty();
      }
      StagedWrite write = staged.get();
      try {
        WriteObservation.Measures measures = measured.await();
        Row values = measures.values();
        run.produced(measures.rowsRead(), values.getLong(0), values.getLong(2));
        checkPartitions(run, values);
        long candidateRows = values.getLong(0) - values.getLong(2);
        if (write.rows().orElse(candidateRows) != candidateRows) {
          LOG.info(
              "Run {}: the write observed {} rows but its files hold {}; auditing a cached pass",
              run.runId(),
              candidateRows,
              write.rows().getAsLong());
          return Optional.empty();
        }
        QualityVerdict verdict = unchecked(transformed, candidate, candidateRows);
        if (gate.isPresent()) {
          step(run, "audit");
          QualityVerdict gated = gate.get().measured(audited.await().values(), write.written());
          if (gated.publishableRows() + gated.quarantinedRows() != candidateRows) {
            LOG.info(
                "Run {}: the gate observed other rows than written; auditing a cached pass",
                run.runId());
            return Optional.empty();
          }
          if (gated.quarantinedRows() > 0) {
            LOG.info(
                "Run {}: {} rows to quarantine; publishing after a second pass",
                run.runId(),
                gated.quarantinedRows());
            return Optional.empty();
          }
          verdict = judged(transformed, candidate, gated);
          if (!verdict.blocking().isEmpty()) {
            recordResults(run, verdict);
          }
        }
        Optional<DeltaPublisher.Published> published = commitStaged(run, write, verdict);
        if (published.isPresent()) {
          run.published(published.get(), 0, 0);
          if (gate.isPresent()) {
            recordResults(run, verdict);
          }
          recordQuality(run, verdict);
        }
        return published;
      } finally {
        write.abandon();
      }
    }
  }

  /**
   * Writes {@code rows}' files without committing them; empty when nothing was written. A write
   * Delta rejects for rows outside the run's partitions fails with the runner's own error.
   */
  private Optional<StagedWrite> stage(RunState run, Dataset<Row> conformed, Dataset<Row> rows) {
    PipelineSpec spec = run.spec();
    try {
      return publisher.stage(spark, target(run), stored(run, rows));
    } catch (Exception e) { // Spark throws checked exceptions undeclared
      if (spec.partitionColumn().isPresent()) {
        List<Column> counts = partitionCounts(run);
        checkPartitions(run, conformed.agg(counts.get(0), counts.get(1)).first());
      }
      throw e;
    }
  }

  /**
   * Commits an audited staged write; an empty bronze batch commits nothing. Empty when the commit
   * lost to a concurrent one: the run then audits and publishes a cached pass, under the commit
   * policy.
   */
  private Optional<DeltaPublisher.Published> commitStaged(
      RunState run, StagedWrite write, QualityVerdict verdict) {
    step(run, "publish");
    PipelineSpec spec = run.spec();
    if (spec.writeMode() == WriteMode.IDEMPOTENT_APPEND && verdict.publishableRows() == 0) {
      return Optional.of(
          DeltaPublisher.unchanged(spec, run.plan().orElseThrow().outputVersion().orElseThrow()));
    }
    try {
      return Optional.of(write.commit());
    } catch (DeltaConcurrentModificationException e) {
      LOG.info("Run {} lost a commit race: {}", run.runId(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The rows produced and the rows outside the run's partitions, as {@link #checkPartitions} reads
   * them.
   */
  private static List<Column> partitionCounts(RunState run) {
    return List.of(count(lit(1)), outsidePartitions(run.spec(), run.plan().orElseThrow().dates()));
  }

  /**
   * Rejects a candidate with rows outside the run's partitions, given the values of {@link
   * #partitionCounts} first in {@code counts}.
   */
  private static void checkPartitions(RunState run, Row counts) {
    PipelineSpec spec = run.spec();
    SortedSet<LocalDate> dates = run.plan().orElseThrow().dates();
    long produced = counts.getLong(0);
    long outside = counts.getLong(1);
    if (outside > 0) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Cannot publish %s: %d of %d rows have %s outside the run's partitions %s. A"
              + " partitioned pipeline writes only its run's partitions; filter the output on"
              + " them with context.inDates(\"%s\")",
          spec.output(),
          outside,
          produced,
          spec.partitionColumn().orElseThrow(),
          dates,
          spec.partitionColumn().orElseThrow());
    }
  }

  /**
   * Runs the quality gate and records its results; throws when a blocking expectation failed, so
   * nothing is published.
   */
  private QualityVerdict audit(
      RunState run,
      Transformed transformed,
      Dataset<Row> candidate,
      long candidateRows,
      RunContext context) {
    step(run, "audit");
    PipelineSpec spec = run.spec();
    if (transformed.unchecked(spec)) {
      return unchecked(transformed, candidate, candidateRows);
    }
    QualityVerdict gated =
        qualityGate.evaluate(
            spec,
            transformed.checks(),
            candidate,
            candidateRows,
            context,
            qualityStore.history(spec.output(), context.logicalDate()));
    QualityVerdict verdict = judged(transformed, candidate, gated);
    recordResults(run, verdict);
    return verdict;
  }

  /** The verdict on a candidate with nothing to check: every row published. */
  private static QualityVerdict unchecked(
      Transformed transformed, Dataset<Row> candidate, long candidateRows) {
    return new QualityVerdict(
        transformed.findings(), candidate, candidateRows, Optional.empty(), 0, Map.of());
  }

  /** The gate's verdict with what reading found, its failed expectations logged. */
  private static QualityVerdict judged(
      Transformed transformed, Dataset<Row> candidate, QualityVerdict gated) {
    List<CheckResult> results = new ArrayList<>(transformed.findings());
    for (CheckResult result : gated.results()) {
      results.add(
          result.expectation().equals(Provenance.WELL_FORMED)
              ? FileReader.describeWellFormed(result, candidate)
              : result);
    }
    for (CheckResult result : results) {
      if (result.status() == CheckStatus.FAILED) {
        LOG.warn(
            "Expectation {} ({}) failed: {}",
            result.expectation(),
            result.severity(),
            result.message());
      }
    }
    return new QualityVerdict(
        results,
        gated.publishable(),
        gated.publishableRows(),
        gated.quarantined(),
        gated.quarantinedRows(),
        gated.metrics());
  }

  /**
   * Records the gate's results; throws when a blocking expectation failed, so nothing is published.
   */
  private void recordResults(RunState run, QualityVerdict verdict) {
    PipelineSpec spec = run.spec();
    qualityStore.recordResults(run.runId(), spec.output(), run.logicalDate(), verdict.results());
    run.lineage().checked(verdict.results());
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
  }

  /** Publish: one commit of the audited rows, as the plan scoped it. */
  private DeltaPublisher.Published publish(RunState run, QualityVerdict verdict) {
    step(run, "publish");
    RunPlan plan = run.plan().orElseThrow();
    DeltaPublisher.Published published =
        run.spec().writeMode() == WriteMode.IDEMPOTENT_APPEND
                && verdict.publishableRows() == 0
                && plan.outputVersion().isPresent()
            ? DeltaPublisher.unchanged(run.spec(), plan.outputVersion().get())
            : commit(run, verdict.publishable());
    long alreadyHeld =
        plan.scope() == DeltaPublisher.Scope.NEW_KEYS
            ? verdict.publishableRows() - published.rowsWritten()
            : 0;
    run.published(published, verdict.quarantinedRows(), alreadyHeld);
    return published;
  }

  /** One commit of {@code rows}, as the plan scoped it. */
  private DeltaPublisher.Published commit(RunState run, Dataset<Row> rows) {
    return publisher.publish(spark, target(run), stored(run, rows));
  }

  /** The rows a run publishes, in their layer's shape and protected as the policy says. */
  private Dataset<Row> stored(RunState run, Dataset<Row> rows) {
    return access.store(Provenance.published(run.spec().output().layer(), rows), run.annotations());
  }

  /** Where and how the run publishes, as planned. */
  private DeltaPublisher.Target target(RunState run) {
    RunPlan plan = run.plan().orElseThrow();
    return new DeltaPublisher.Target(
        warehouse.path(run.spec().output()),
        run.spec(),
        run.runId(),
        plan.dates(),
        plan.scope(),
        plan.outputVersion(),
        run.annotations().properties());
  }

  /** Record: the quarantined rows and the quality metrics of a run the gate checked. */
  private void recordQuality(RunState run, QualityVerdict verdict) {
    step(run, "record");
    if (verdict.results().isEmpty()) {
      return;
    }
    RunPlan plan = run.plan().orElseThrow();
    PipelineSpec spec = run.spec();
    qualityStore.quarantine(
        spec.output(),
        run.runId(),
        plan.dates(),
        plan.scope() == DeltaPublisher.Scope.NEW_KEYS,
        verdict
            .quarantined()
            .map(
                records ->
                    access.storeRecords(records, run.annotations(), QualityStore.RECORD_COLUMNS)));
    qualityStore.recordMetrics(run.runId(), spec.output(), run.logicalDate(), verdict.metrics());
  }

  /** Record: the ledger's end row of a run that published. */
  private RunResult record(RunState run, DeltaPublisher.Published published) {
    PipelineSpec spec = run.spec();
    RunStatus status = published.commit().isPresent() ? RunStatus.SUCCEEDED : RunStatus.SKIPPED;
    if (published.commit().isPresent()) {
      storeAnnotations(run);
    }
    RunResult result =
        record(run, status, published.commit().map(commit -> published.tableVersion()));
    LOG.info(
        "Run {} {}: read {} rows, wrote {} rows, quarantined {}, {} at version {} in {} ms",
        run.runId(),
        status,
        run.rowsRead(),
        run.rowsWritten(),
        run.rowsQuarantined(),
        spec.output(),
        published.tableVersion(),
        result.record().duration().toMillis());
    return result;
  }

  /**
   * Brings the output's stored classification and column lineage up to date, in a commit of its own
   * only when they changed since the table was created or last annotated.
   */
  private void storeAnnotations(RunState run) {
    TableAnnotations annotations = run.annotations();
    if (TableMetadata.update(
        spark,
        warehouse.path(run.spec().output()),
        run.runId(),
        annotations::storedIn,
        annotations::annotate)) {
      LOG.info("Run {}: stored the new classification of {}", run.runId(), run.spec().output());
    }
  }

  /** Records the end of a run that ended without an error and committed {@code committed}. */
  private RunResult record(RunState run, RunStatus status, Optional<Long> committed) {
    step(run, "record");
    RunRecord record = run.ended(status);
    RunMetrics metrics = metrics(run);
    ledger.end(record, metrics);
    RunResult result = new RunResult(record, metrics, Optional.empty(), Optional.empty());
    audit(run, result, committed);
    reports.ended(result, lineageEnded(run, result));
    listeners.ended(result);
    return result;
  }

  /**
   * Ends a failed run: its ledger row and reports (none for a run the write policy refused, which
   * writes nothing), an alert and the listeners, each whatever the others do.
   */
  private RunResult fail(RunState run, Throwable error) {
    step(run, "record");
    ErrorCode code =
        error instanceof MedallaException medalla ? medalla.code() : ErrorCode.RUN_FAILED;
    String message = Redaction.redact(describe(error));
    RunStatus status =
        code == ErrorCode.QUALITY_GATE_BLOCKED ? RunStatus.BLOCKED : RunStatus.FAILED;
    PipelineSpec spec = run.spec();
    RunRecord record =
        run.failed(
            status,
            code,
            error,
            message,
            run.plan().isPresent() ? run.outputVersion() : currentVersion(spec));
    RunMetrics metrics = metrics(run);
    LOG.error(
        "Run {} of {} {}: {}{}{}",
        run.runId(),
        spec.pipelineName(),
        status,
        message,
        System.lineSeparator(),
        Redaction.redact(stackTrace(error)));
    // Refused by the write policy: the run may write nothing, not even to the framework's tables.
    boolean refused = code == ErrorCode.PERMISSION_DENIED && !run.started();
    if (refused) {
      LOG.warn("Run {} refused: nothing was written, not even its ledger row", run.runId());
    } else {
      try {
        ledger.end(record, metrics);
      } catch (Exception | LinkageError e) { // the ledger's own Delta errors, checked ones too
        LOG.error("Cannot record run {} in the ledger at {}", run.runId(), ledger.path(), e);
      }
    }
    alerts.send(
        new Alert(
            spec.pipelineName(),
            settings.environment(),
            run.runId(),
            record.logicalDate(),
            code.name(),
            error.getClass().getName(),
            message,
            String.format(
                "ledger %s (run_id = '%s'); `medalla status --pipeline %s`; logs with run_id=%s",
                ledger.path(), run.runId(), spec.pipelineName(), run.runId()),
            record.endedAt(),
            Alert.Level.ERROR));
    RunResult result = new RunResult(record, metrics, Optional.of(code), Optional.of(error));
    if (!refused) {
      audit(run, result, Optional.empty());
      reports.ended(result, lineageEnded(run, result));
    }
    listeners.ended(result);
    return result;
  }

  /**
   * Audit: the run's end with its configuration's fingerprint, its commit, the inputs it read
   * sensitive columns of in clear, and an access it was refused. A log that cannot be written is
   * reported, not the run's failure: its output is committed by then.
   */
  private void audit(RunState run, RunResult result, Optional<Long> committed) {
    if (audit.isEmpty()) {
      return;
    }
    RunRecord record = result.record();
    Optional<String> output = Optional.of(run.spec().output().catalogName());
    List<AuditLog.Entry> entries = new ArrayList<>();
    run.readInClear()
        .forEach(
            (input, columns) ->
                entries.add(
                    auditEntry(
                        run,
                        AuditLog.Action.CLEAR_READ,
                        Optional.of(input.catalogName()),
                        Optional.ofNullable(record.inputVersions().get(input.catalogName())),
                        Map.of("columns", String.join(",", columns)))));
    committed.ifPresent(
        version ->
            entries.add(
                auditEntry(
                    run,
                    AuditLog.Action.COMMIT,
                    output,
                    committed,
                    Map.of("rows_written", Long.toString(record.rowsWritten())))));
    if (result.errorCode().filter(ErrorCode.PERMISSION_DENIED::equals).isPresent()) {
      entries.add(
          auditEntry(
              run,
              AuditLog.Action.REFUSED,
              output,
              Optional.empty(),
              Map.of("reason", record.errorMessage().orElse(""))));
    }
    Map<String, String> detail = new TreeMap<>();
    detail.put("status", record.status().name());
    detail.put("pipeline", record.pipeline());
    detail.put("mode", record.mode().name());
    detail.put("config_fingerprint", settings.fingerprint());
    record.errorCode().ifPresent(code -> detail.put("error_code", code));
    entries.add(auditEntry(run, AuditLog.Action.RUN, output, record.outputVersion(), detail));
    try {
      audit.get().append(entries);
    } catch (Exception | LinkageError e) { // Delta's own errors, checked ones too
      LOG.error("Cannot write the audit entries of run {}", run.runId(), e);
    }
  }

  private AuditLog.Entry auditEntry(
      RunState run,
      AuditLog.Action action,
      Optional<String> table,
      Optional<Long> version,
      Map<String, String> detail) {
    return new AuditLog.Entry(
        action, table, version, run.runId(), run.principal(), access.role(), detail);
  }

  /** Sends the ended run's lineage; returns how many of its events could not be sent. */
  private int lineageEnded(RunState run, RunResult result) {
    return lineage.map(emitter -> emitter.ended(run.spec(), result, run.lineage())).orElse(0);
  }

  /** A table's qualified location, as lineage names it. */
  private URI location(TableId table) {
    Path path = new Path(warehouse.path(table));
    try {
      return HadoopFileSystems.of(spark, path).makeQualified(path).toUri();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve the location of " + table, e);
    }
  }

  /** What the ended run cost, step by step; its jobs from now on count for no step. */
  private RunMetrics metrics(RunState run) {
    return new RunMetrics(
        List.copyOf(taskMetrics.finish(run.runId(), run.wallTimes()).values()), run.filesWritten());
  }

  /** The output's version for a run that failed before it was planned, if it can be read. */
  private Optional<Long> currentVersion(PipelineSpec spec) {
    try {
      return DeltaTables.latestCommit(spark, warehouse.path(spec.output()))
          .map(DeltaCommit::version);
    } catch (Exception | LinkageError e) {
      LOG.warn("Cannot read the version of {}: {}", spec.output(), e.getMessage());
      return Optional.empty();
    }
  }

  private void step(RunState run, String step) {
    run.enter(step);
    taskMetrics.enter(run.runId(), step);
    spark
        .sparkContext()
        .setJobDescription(run.spec().pipelineName() + " [" + run.logicalDate() + "] " + step);
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
