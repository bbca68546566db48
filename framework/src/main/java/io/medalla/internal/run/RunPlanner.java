package io.medalla.internal.run;

import static org.apache.spark.sql.functions.expr;

import io.medalla.api.DateDependency;
import io.medalla.api.ErrorCode;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.TableId;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaPublisher;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a run processes. Inputs are pinned at their current versions. An incremental run
 * reads the change data feed of every input committed since the versions the pipeline last
 * processed (kept in the run ledger) and maps the changed rows to the output partitions they feed
 * through the spec's {@link DateDependency}s; a first incremental run is a full refresh.
 */
final class RunPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(RunPlanner.class);

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final RunLedger ledger;

  RunPlanner(SparkSession spark, Warehouse warehouse, RunLedger ledger) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.ledger = ledger;
  }

  /** What the planner decided about the run's dates and inputs. */
  private record Decision(
      RunMode mode,
      SortedSet<LocalDate> dates,
      LocalDate logicalDate,
      Map<TableId, Long> inputVersions,
      Optional<Map<TableId, Long>> processedVersions) {}

  /** Plans the run: its dates and input versions, the output's version and the write's scope. */
  RunPlan plan(PipelineSpec spec, RunRequest request) {
    Decision decision = decide(spec, request);
    Optional<Long> outputVersion =
        DeltaTables.latestCommit(spark, warehouse.path(spec.output())).map(DeltaCommit::version);
    return new RunPlan(
        decision.mode(),
        decision.dates(),
        decision.logicalDate(),
        decision.inputVersions(),
        decision.processedVersions(),
        outputVersion,
        scope(spec, decision.mode()));
  }

  /**
   * What the commit replaces: the whole table for a full refresh, only new keys for an incremental
   * run of an insert-only pipeline, the run's dates otherwise.
   */
  private static DeltaPublisher.Scope scope(PipelineSpec spec, RunMode mode) {
    if (mode == RunMode.FULL_REFRESH) {
      return DeltaPublisher.Scope.TABLE;
    }
    return mode == RunMode.INCREMENTAL && spec.insertOnly()
        ? DeltaPublisher.Scope.NEW_KEYS
        : DeltaPublisher.Scope.DATES;
  }

  private Decision decide(PipelineSpec spec, RunRequest request) {
    LocalDate asOf = request.lastDate();
    if (spec.output().layer() == Layer.BRONZE) {
      return bronze(spec, request);
    }
    Map<TableId, Long> versions = inputVersions(spec);
    return switch (request.mode()) {
      case DATES -> {
        requirePartitionedFor(spec, request.dates());
        yield new Decision(RunMode.DATES, request.dates(), asOf, versions, Optional.empty());
      }
      case FULL_REFRESH -> fullRefresh(spec, versions, asOf);
      case INCREMENTAL -> incremental(spec, versions, asOf);
    };
  }

  private static Decision bronze(PipelineSpec spec, RunRequest request) {
    if (request.mode() == RunMode.FULL_REFRESH) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Cannot fully refresh %s: a bronze table is the record of what was ingested and is never"
              + " rebuilt. Re-run or backfill its dates instead",
          spec.output());
    }
    if (request.dates().size() > 1) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Cannot ingest %d dates in one run of %s: bronze ingests one batch per logical date",
          request.dates().size(),
          spec.output());
    }
    return new Decision(
        RunMode.DATES, request.dates(), request.lastDate(), Map.of(), Optional.empty());
  }

  private static void requirePartitionedFor(PipelineSpec spec, SortedSet<LocalDate> dates) {
    if (dates.size() > 1 && spec.partitionColumn().isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Cannot run %s for %d dates at once: it is not partitioned by date. Run its dates one"
              + " by one",
          spec.pipelineName(),
          dates.size());
    }
  }

  private Decision incremental(PipelineSpec spec, Map<TableId, Long> versions, LocalDate asOf) {
    Optional<Map<TableId, Long>> processed = ledger.processedVersions(spec.pipelineName());
    if (processed.isEmpty()) {
      LOG.info("No incremental run of {} on record: refreshing it fully", spec.pipelineName());
      return fullRefresh(spec, versions, asOf);
    }
    Map<TableId, Long> since = processed.get();
    List<TableId> changed =
        versions.keySet().stream()
            .filter(input -> versions.get(input) > since.getOrDefault(input, -1L))
            .toList();
    if (changed.isEmpty()) {
      LOG.info("No new commits in the inputs of {} since {}", spec.pipelineName(), since);
      return new Decision(RunMode.INCREMENTAL, new TreeSet<>(), asOf, versions, processed);
    }
    if (spec.partitionColumn().isEmpty()) {
      return new Decision(
          RunMode.INCREMENTAL, new TreeSet<>(List.of(asOf)), asOf, versions, processed);
    }
    SortedSet<LocalDate> touched = new TreeSet<>();
    for (TableId input : changed) {
      Optional<DateDependency> dependency = spec.dateDependency(input);
      if (dependency.isEmpty()) {
        LOG.info(
            "{} changed and {} declares no date dependency on it: refreshing fully",
            input,
            spec.pipelineName());
        return fullRefresh(spec, versions, asOf);
      }
      long from = since.getOrDefault(input, -1L) + 1;
      Optional<SortedSet<LocalDate>> fed =
          changedPartitions(input, from, versions.get(input), dependency.get());
      if (fed.isEmpty()) {
        return fullRefresh(spec, versions, asOf);
      }
      touched.addAll(fed.get());
    }
    LOG.info(
        "New commits in {} touch {} partitions of {}: {}",
        changed,
        touched.size(),
        spec.pipelineName(),
        touched);
    return new Decision(
        RunMode.INCREMENTAL,
        touched,
        touched.isEmpty() ? asOf : touched.last(),
        versions,
        processed);
  }

  private Decision fullRefresh(PipelineSpec spec, Map<TableId, Long> versions, LocalDate asOf) {
    if (spec.partitionColumn().isEmpty()) {
      return new Decision(
          RunMode.FULL_REFRESH, new TreeSet<>(List.of(asOf)), asOf, versions, Optional.empty());
    }
    if (spec.dateDependencies().isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Cannot refresh %s incrementally or fully: it declares no date dependency, so the"
              + " partitions its inputs feed are unknown. Declare dependsOn(input, dateExpression)"
              + " in the spec",
          spec.pipelineName());
    }
    SortedSet<LocalDate> all = new TreeSet<>();
    for (DateDependency dependency : spec.dateDependencies()) {
      Long version = versions.get(dependency.input());
      if (version == null) {
        throw inputMissing(spec, dependency.input());
      }
      all.addAll(feeds(read(dependency.input(), version), dependency));
    }
    return new Decision(
        RunMode.FULL_REFRESH, all, all.isEmpty() ? asOf : all.last(), versions, Optional.empty());
  }

  /**
   * The output partitions fed by the rows changed in {@code input} between two versions, or empty
   * when its change data feed does not cover them (not enabled then, or vacuumed).
   */
  private Optional<SortedSet<LocalDate>> changedPartitions(
      TableId input, long from, long to, DateDependency dependency) {
    try {
      return Optional.of(
          feeds(DeltaTables.changes(spark, warehouse.path(input), from, to), dependency));
    } catch (Exception e) {
      if (e instanceof AnalysisException) {
        LOG.warn(
            "The change data feed of {} from version {} is not available ({}): refreshing fully",
            input,
            from,
            e.getMessage());
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The output partitions that {@code rows} of the dependency's input feed. */
  private static SortedSet<LocalDate> feeds(Dataset<Row> rows, DateDependency dependency) {
    List<Row> days =
        rows.select(expr(dependency.dateExpression()).cast("date").as("day"))
            .where("day IS NOT NULL")
            .distinct()
            .collectAsList();
    SortedSet<LocalDate> partitions = new TreeSet<>();
    for (Row day : days) {
      LocalDate first = ((Date) day.get(0)).toLocalDate();
      for (int offset = 0; offset < dependency.windowDays(); offset++) {
        partitions.add(first.plusDays(offset));
      }
    }
    return Collections.unmodifiableSortedSet(partitions);
  }

  /** The current versions of the input tables that exist. */
  private Map<TableId, Long> inputVersions(PipelineSpec spec) {
    Map<TableId, Long> versions = new LinkedHashMap<>();
    for (TableId input : spec.inputs()) {
      DeltaTables.latestCommit(spark, warehouse.path(input))
          .ifPresent(commit -> versions.put(input, commit.version()));
    }
    return versions;
  }

  MedallaException inputMissing(PipelineSpec spec, TableId input) {
    return new MedallaException(
        ErrorCode.INPUT_MISSING,
        "Cannot read %s in pipeline %s: the table does not exist yet at %s. Run pipeline %s first",
        input,
        spec.pipelineName(),
        warehouse.path(input),
        input);
  }

  Dataset<Row> read(TableId input, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(warehouse.path(input));
  }
}
