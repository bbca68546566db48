package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;

import io.medalla.api.ChangeFeed;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMode;
import io.medalla.api.TableId;
import io.medalla.internal.cdc.ChangeResolver;
import io.medalla.internal.governance.AccessPolicy;
import io.medalla.internal.lineage.LineageFacts;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;
import java.util.SortedSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The run context handed to a transformation. Reads are limited to the spec's inputs, and return
 * them as the run's role sees them.
 */
final class DefaultRunContext implements RunContext {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final RunState run;
  private final PipelineSpec spec;
  private final RunPlan plan;
  private final String environment;
  private final RunPlanner planner;
  private final LineageFacts lineage;
  private final AccessPolicy access;

  DefaultRunContext(
      SparkSession spark,
      Warehouse warehouse,
      RunState run,
      String environment,
      RunPlanner planner,
      AccessPolicy access) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.run = run;
    this.spec = run.spec();
    this.plan = run.plan().orElseThrow();
    this.environment = environment;
    this.planner = planner;
    this.lineage = run.lineage();
    this.access = access;
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public LocalDate logicalDate() {
    return plan.logicalDate();
  }

  @Override
  public SortedSet<LocalDate> dates() {
    return plan.dates();
  }

  @Override
  public String environment() {
    return environment;
  }

  @Override
  public SparkSession spark() {
    return spark;
  }

  @Override
  public Dataset<Row> changes() {
    ChangeFeed feed =
        spec.changeFeed()
            .orElseThrow(
                () ->
                    new MedallaException(
                        ErrorCode.INVALID_PIPELINE,
                        "Cannot resolve changes in pipeline %s: its spec declares no change feed;"
                            + " add changes(ChangeFeed.debezium(...))",
                        spec.pipelineName()));
    TableId input = feed.input();
    Dataset<Row> stored = pinned(input);
    Dataset<Row> bronze = viewed(input, stored);
    lineage.read(
        input,
        new LineageFacts.InputRead(
            bronze.schema(), LineageFacts.ReadKind.CHANGE_EVENTS, processedFrom(input)));
    return ChangeResolver.resolve(spec, bronze, viewed(input, newEvents(input, stored)));
  }

  /**
   * The bronze rows this run applies: the batches of its dates, the commits since the last
   * processed version for an incremental run, everything for a full refresh.
   */
  private Dataset<Row> newEvents(TableId input, Dataset<Row> bronze) {
    return switch (plan.mode()) {
      case DATES ->
          bronze.where(
              col("_batch_id").isin(plan.dates().stream().map(LocalDate::toString).toArray()));
      case FULL_REFRESH -> bronze;
      case INCREMENTAL -> insertedSinceProcessed(input, bronze);
    };
  }

  /**
   * The rows inserted into {@code input} after the version this pipeline last processed, up to the
   * pinned version, with the columns of {@code table} (the input at the pinned version).
   */
  private Dataset<Row> insertedSinceProcessed(TableId input, Dataset<Row> table) {
    long from = processedFrom(input).orElseThrow();
    long to = plan.inputVersions().get(input);
    if (from > to) {
      return table.limit(0);
    }
    return DeltaTables.changes(spark, warehouse.path(input), from, to)
        .where(col("_change_type").equalTo("insert"))
        .select(Arrays.stream(table.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new));
  }

  @Override
  public Dataset<Row> read(TableId input) {
    Dataset<Row> table = pinned(input);
    boolean changesOnly = plan.mode() == RunMode.INCREMENTAL && spec.insertOnly();
    lineage.read(
        input,
        changesOnly
            ? new LineageFacts.InputRead(
                table.schema(), LineageFacts.ReadKind.CHANGE_FEED, processedFrom(input))
            : new LineageFacts.InputRead(
                table.schema(), LineageFacts.ReadKind.SNAPSHOT, Optional.empty()));
    return viewed(input, changesOnly ? insertedSinceProcessed(input, table) : table);
  }

  /** {@code stored} rows of {@code input} as the run's role sees them; clear reads recorded. */
  private Dataset<Row> viewed(TableId input, Dataset<Row> stored) {
    AccessPolicy.Read read = access.read(input, stored);
    if (!read.clearSensitive().isEmpty()) {
      run.readInClear(input, read.clearSensitive());
    }
    return read.rows();
  }

  /** The declared input {@code input} as stored, at the version pinned at planning. */
  private Dataset<Row> pinned(TableId input) {
    if (!spec.inputs().contains(input)) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Cannot read %s in pipeline %s: it is not a declared input (declared: %s). Add it to"
              + " the spec's inputs",
          input,
          spec.pipelineName(),
          spec.inputs());
    }
    Long version = plan.inputVersions().get(input);
    if (version == null) {
      throw planner.inputMissing(spec, input);
    }
    // The version pinned at planning: what the run reads is what the ledger records.
    return planner.read(input, version);
  }

  /** The first version of {@code input} an incremental run has not processed yet. */
  private Optional<Long> processedFrom(TableId input) {
    return plan.processedVersions().map(versions -> versions.getOrDefault(input, -1L) + 1);
  }
}
