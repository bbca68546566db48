package io.medalla.internal.run;

import static java.util.Objects.requireNonNull;

import io.medalla.api.ErrorCode;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunRecord;
import io.medalla.api.RunRequest;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.governance.TableAnnotations;
import io.medalla.internal.lineage.LineageFacts;
import io.medalla.internal.table.DeltaPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One run as the runner's steps learn about it: its identity, then its plan, counts and published
 * version. The one place a run's ledger rows are built.
 */
final class RunState {
  private final String runId;
  private final PipelineSpec spec;
  private final RunRequest request;
  private final String environment;
  private final String principal;
  private final Instant startedAt;
  private RunPlan plan;
  private long rowsRead;
  private long rowsProduced;
  private long rowsWritten;
  private long rowsQuarantined;
  private long rowsDeduplicated;
  private Optional<Long> publishedVersion = Optional.empty();
  private long filesWritten;
  private final Map<String, Duration> wallTimes = new LinkedHashMap<>();
  private String step;
  private Instant stepStartedAt;
  private final LineageFacts lineage = new LineageFacts();
  private TableAnnotations annotations = TableAnnotations.NONE;
  private final Map<TableId, SortedSet<String>> readInClear = new LinkedHashMap<>();
  private boolean started;

  RunState(
      String runId,
      PipelineSpec spec,
      RunRequest request,
      String environment,
      String principal,
      Instant startedAt) {
    this.runId = requireNonNull(runId, "runId is null");
    this.spec = requireNonNull(spec, "spec is null");
    this.request = requireNonNull(request, "request is null");
    this.environment = requireNonNull(environment, "environment is null");
    this.principal = requireNonNull(principal, "principal is null");
    this.startedAt = requireNonNull(startedAt, "startedAt is null");
  }

  String runId() {
    return runId;
  }

  PipelineSpec spec() {
    return spec;
  }

  RunRequest request() {
    return request;
  }

  String principal() {
    return principal;
  }

  /** The classification and column lineage the run stores with its output. */
  TableAnnotations annotations() {
    return annotations;
  }

  void annotated(TableAnnotations annotations) {
    this.annotations = annotations;
  }

  /** Whether the run's start is in the ledger: the write policy let it write. */
  boolean started() {
    return started;
  }

  void markStarted() {
    started = true;
  }

  /** The confidential and pii columns of each input the run read in clear. */
  Map<TableId, SortedSet<String>> readInClear() {
    return readInClear;
  }

  void readInClear(TableId input, SortedSet<String> columns) {
    readInClear.computeIfAbsent(input, table -> new TreeSet<>()).addAll(columns);
  }

  /** What the run's lineage events say beyond its ledger row. */
  LineageFacts lineage() {
    return lineage;
  }

  /**
   * Starts lifecycle step {@code name}, ending the one before; a step entered again goes on adding
   * to its time. The first step starts when the run did.
   */
  void enter(String name) {
    Instant now = Instant.now();
    closeStep(now);
    step = name;
    stepStartedAt = stepStartedAt == null ? startedAt : now;
  }

  /** The run's time in each step, in the order entered; they add up to the run's duration. */
  Map<String, Duration> wallTimes() {
    return new LinkedHashMap<>(wallTimes);
  }

  private void closeStep(Instant now) {
    if (step != null) {
      wallTimes.merge(step, Duration.between(stepStartedAt, now), Duration::plus);
      stepStartedAt = now;
      step = null;
    }
  }

  /** The plan, once the run is planned. */
  Optional<RunPlan> plan() {
    return Optional.ofNullable(plan);
  }

  /** The planned logical date, or the requested one before planning. */
  LocalDate logicalDate() {
    return plan == null ? request.lastDate() : plan.logicalDate();
  }

  void planned(RunPlan plan) {
    this.plan = requireNonNull(plan, "plan is null");
  }

  /**
   * The rows the run read, the rows its transformation produced and those of them dropped as later
   * copies of a key.
   */
  void produced(long read, long produced, long duplicates) {
    this.rowsRead = read;
    this.rowsProduced = produced;
    this.rowsDeduplicated = duplicates;
  }

  /**
   * The outcome of the run's commit; {@code alreadyHeld} rows were not written because an
   * insert-only table already held their keys, which makes them copies too.
   */
  void published(DeltaPublisher.Published published, long quarantined, long alreadyHeld) {
    this.rowsWritten = published.rowsWritten();
    this.filesWritten = published.filesWritten();
    this.rowsQuarantined = quarantined;
    this.rowsDeduplicated += alreadyHeld;
    this.publishedVersion = Optional.of(published.tableVersion());
  }

  long filesWritten() {
    return filesWritten;
  }

  long rowsRead() {
    return rowsRead;
  }

  long rowsWritten() {
    return rowsWritten;
  }

  long rowsQuarantined() {
    return rowsQuarantined;
  }

  /** The output's version: after the run's publish, else as planned; empty before planning. */
  Optional<Long> outputVersion() {
    return publishedVersion.isPresent() ? publishedVersion : plan().flatMap(RunPlan::outputVersion);
  }

  /** The row a run writes when it starts. */
  RunRecord running() {
    return record(RunStatus.RUNNING, startedAt, outputVersion(), Optional.empty());
  }

  /** The row of a run that ended without an error. */
  RunRecord ended(RunStatus status) {
    return record(status, end(), outputVersion(), Optional.empty());
  }

  /** The row of a failed run, with the output's version as known at its failure. */
  RunRecord failed(
      RunStatus status, ErrorCode code, Throwable error, String message, Optional<Long> version) {
    return record(status, end(), version, Optional.of(new Failure(code, error, message)));
  }

  /** Ends the run now, and its last step with it. */
  private Instant end() {
    Instant now = Instant.now();
    closeStep(now);
    return now;
  }

  private record Failure(ErrorCode code, Throwable error, String message) {}

  private RunRecord record(
      RunStatus status, Instant endedAt, Optional<Long> version, Optional<Failure> failure) {
    return new RunRecord(
        runId,
        spec.pipelineName(),
        environment,
        logicalDate(),
        request.parameters(),
        status,
        startedAt,
        endedAt,
        rowsRead,
        rowsProduced,
        rowsWritten,
        rowsQuarantined,
        rowsDeduplicated,
        version,
        failure.map(f -> f.code().name()),
        failure.map(f -> f.error().getClass().getName()),
        failure.map(Failure::message),
        principal,
        plan == null ? request.mode() : plan.mode(),
        List.copyOf(plan == null ? request.dates() : plan.dates()),
        plan == null ? Map.of() : byName(plan.inputVersions()));
  }

  private static Map<String, Long> byName(Map<TableId, Long> versions) {
    Map<String, Long> named = new LinkedHashMap<>();
    versions.forEach((table, version) -> named.put(table.catalogName(), version));
    return named;
  }
}
