package io.medalla.internal.table;

import static io.medalla.api.Columns.quoted;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.WriteMode;
import io.medalla.internal.cdc.ChangeResolver;
import io.medalla.internal.cdc.KeyRanges;
import io.medalla.internal.table.CommitRetry.ConcurrentCreation;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.DeltaOptions;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.OptimisticTransaction$;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.commands.WriteIntoDelta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Publishes a run's output as exactly one Delta commit tagged with the run id. Bronze appends are
 * idempotent per (pipeline, logical date) through Delta's {@code txnAppId}/{@code txnVersion};
 * partitioned tables replace the logical date's partition; keyed tables merge. A commit that loses
 * a concurrent-modification race is retried under the {@link CommitRetry} policy.
 */
public final class DeltaPublisher {
  /** Table property holding the owner. */
  public static final String OWNER_PROPERTY = "medalla.owner";

  /** Table property holding the building pipeline. */
  public static final String PIPELINE_PROPERTY = "medalla.pipeline";

  /** Table property flagging a critical dataset. */
  public static final String CRITICAL_PROPERTY = "medalla.critical";

  private static final Logger LOG = LoggerFactory.getLogger(DeltaPublisher.class);

  private final CommitRetry retry;

  public DeltaPublisher(CommitRetry retry) {
    this.retry = requireNonNull(retry, "retry is null");
  }

  /** What a publish replaces. */
  public enum Scope {
    /** The run's dates as the write mode says: their partitions, or the keys merged. */
    DATES,
    /** The whole table (a full refresh). */
    TABLE,
    /** Nothing: only keys the run's partitions do not hold yet are inserted (insert-only). */
    NEW_KEYS
  }

  /**
   * Where and how a run publishes.
   *
   * @param path the table's location
   * @param runId the run, recorded in the commit's {@code userMetadata}
   * @param dates the run's partitions: a partitioned table replaces exactly these; a bronze batch
   *     is identified by the last
   * @param scope what the run's rows replace
   * @param plannedVersion the table's version the run was planned on; empty when it did not exist.
   *     A bronze batch's transaction version is this plus one
   * @param properties further table properties of a table the publish creates
   */
  public record Target(
      String path,
      PipelineSpec spec,
      String runId,
      SortedSet<LocalDate> dates,
      Scope scope,
      Optional<Long> plannedVersion,
      Map<String, String> properties) {
    public Target {
      properties = Map.copyOf(properties);
    }
  }

  /**
   * The outcome of a publish.
   *
   * @param commit the run's commit, or empty when the batch had been published before
   * @param tableVersion the table's version after the publish
   */
  public record Published(Optional<DeltaCommit> commit, long tableVersion) {
    /** Rows the run's commit wrote; 0 for a skipped repeat. */
    public long rowsWritten() {
      return commit.map(DeltaCommit::rowsWritten).orElse(0L);
    }

    /** Data files the run's commit added; 0 for a skipped repeat. */
    public long filesWritten() {
      return commit.map(DeltaCommit::filesWritten).orElse(0L);
    }
  }

  /**
   * The outcome of a publish that writes nothing: an idempotent append with no rows, on a table at
   * {@code version}.
   */
  public static Published unchanged(PipelineSpec spec, long version) {
    LOG.info("Nothing new for {}; table stays at version {}", spec.output(), version);
    return new Published(Optional.empty(), version);
  }

  /**
   * Publishes {@code output} as {@code target} says.
   *
   * @throws MedallaException with {@link ErrorCode#RUN_FAILED} when the commit policy gives up
   */
  public Published publish(SparkSession spark, Target target, Dataset<Row> output) {
    String path = target.path();
    PipelineSpec spec = target.spec();
    String runId = target.runId();
    SortedSet<LocalDate> dates = target.dates();
    Optional<Long> plannedVersion = target.plannedVersion();
    long batchVersion = plannedVersion.map(version -> version + 1).orElse(0L);
    boolean[] exists = {plannedVersion.isPresent()};
    retry.run(
        spec.output().toString(),
        () -> {
          try {
            write(spark, target, output, batchVersion, exists[0]);
          } catch (ConcurrentCreation e) {
            exists[0] = true; // the retry writes to the table the concurrent run created
            throw e;
          }
        });
    DeltaCommit latest = DeltaTables.latestCommit(spark, path).orElseThrow();
    Optional<DeltaCommit> ours =
        latest.runId().filter(runId::equals).isPresent() ? Optional.of(latest) : Optional.empty();
    if (ours.isPresent()) {
      LOG.info(
          "Committed {} version {} ({} rows, {})",
          spec.output(),
          latest.version(),
          latest.rowsWritten(),
          latest.operation());
    } else {
      LOG.info(
          "Skipped {}: batch {} was published before; table stays at version {}",
          spec.output(),
          dates.last(),
          latest.version());
    }
    return new Published(ours, latest.version());
  }

  private void write(
      SparkSession spark, Target target, Dataset<Row> output, long batchVersion, boolean exists) {
    String path = target.path();
    PipelineSpec spec = target.spec();
    String runId = target.runId();
    SortedSet<LocalDate> dates = target.dates();
    Scope scope = target.scope();
    WriteMode mode = spec.writeMode();
    Map<String, String> options = batchOptions(spec, dates, batchVersion);
    Dataset<Row> rows = written(spec, output);
    if (!exists) {
      create(spark, target, clustered(spec, rows), options);
      return;
    }
    if (scope == Scope.TABLE) {
      clustered(spec, rows)
          .write()
          .format("delta")
          .option("userMetadata", runId)
          .mode("overwrite")
          .save(path);
      return;
    }
    if (scope == Scope.NEW_KEYS) {
      insertNewKeys(spark, path, spec, output, runId, dates);
      return;
    }
    if (mode == WriteMode.MERGE || mode == WriteMode.SCD1_MERGE || mode == WriteMode.SCD2_MERGE) {
      merge(spark, path, spec, output, runId);
      return;
    }
    DataFrameWriter<Row> writer =
        output.write().format("delta").option("userMetadata", runId).options(options);
    switch (mode) {
      case IDEMPOTENT_APPEND -> writer.mode("append");
      case PARTITION_OVERWRITE ->
          writer.mode("overwrite").option("replaceWhere", inDates(spec, "", dates));
      case FULL_OVERWRITE -> writer.mode("overwrite");
      default -> throw new IllegalStateException("Unexpected write mode " + mode);
    }
    writer.save(path);
  }

  /**
   * Whether {@link #stage} can write {@code spec}'s output as {@code scope} says: an append or an
   * overwrite (of the run's partitions or of an unkeyed whole table) of an existing table. A keyed
   * table's full refresh is not: its clustering samples the rows in a job of its own, which would
   * count the rows observed on them twice.
   */
  public static boolean stageable(PipelineSpec spec, Scope scope, Optional<Long> plannedVersion) {
    if (plannedVersion.isEmpty() || scope == Scope.NEW_KEYS) {
      return false;
    }
    if (scope == Scope.TABLE) {
      return spec.keys().isEmpty();
    }
    return switch (spec.writeMode()) {
      case IDEMPOTENT_APPEND, PARTITION_OVERWRITE, FULL_OVERWRITE -> true;
      case MERGE, SCD1_MERGE, SCD2_MERGE -> false;
    };
  }

  /**
   * Writes {@code output} to the table at {@code path} as {@link #publish} would, without
   * committing it; only for a {@link #stageable} publish.
   *
   * @return the written files, or empty when nothing was written: the rows' schema is not the
   *     table's (the quality gate's schema contract or Delta's schema evolution decides, after an
   *     audit), or the bronze batch had been published before
   */
  public Optional<StagedWrite> stage(SparkSession spark, Target target, Dataset<Row> output) {
    PipelineSpec spec = target.spec();
    Scope scope = target.scope();
    SortedSet<LocalDate> dates = target.dates();
    Optional<Long> plannedVersion = target.plannedVersion();
    if (!stageable(spec, scope, plannedVersion)) {
      throw new IllegalArgumentException("Cannot stage a " + scope + " " + spec.writeMode());
    }
    Map<String, String> options = new LinkedHashMap<>();
    options.put("userMetadata", target.runId());
    SaveMode mode = SaveMode.Overwrite;
    if (scope == Scope.DATES && spec.writeMode() == WriteMode.PARTITION_OVERWRITE) {
      options.put("replaceWhere", inDates(spec, "", dates));
    } else if (scope == Scope.DATES && spec.writeMode() == WriteMode.IDEMPOTENT_APPEND) {
      options.putAll(batchOptions(spec, dates, plannedVersion.orElseThrow() + 1));
      mode = SaveMode.Append;
    }
    Dataset<Row> rows = written(spec, output);
    DeltaOptions deltaOptions =
        new DeltaOptions(
            scala.collection.immutable.Map$.MODULE$
                .<String, String>empty()
                .$plus$plus(JavaConverters.mapAsScalaMap(options)),
            spark.sessionState().conf());
    Seq<String> noPartitioning = JavaConverters.asScalaBuffer(List.<String>of()).toSeq();
    WriteIntoDelta write =
        new WriteIntoDelta(
            DeltaLog.forTable(spark, target.path()),
            mode,
            deltaOptions,
            noPartitioning,
            scala.collection.immutable.Map$.MODULE$.<String, String>empty(),
            rows,
            Option.empty(),
            Option.empty());
    OptimisticTransaction transaction = write.deltaLog().startTransaction();
    if (!transaction.metadata().schema().sameType(rows.schema())
        || write.hasBeenExecuted(transaction, spark, Option.apply(deltaOptions))) {
      return Optional.empty();
    }
    Seq<Action> actions;
    OptimisticTransaction$.MODULE$.setActive(transaction);
    try {
      actions = write.write(transaction, spark, write.write$default$3(), write.write$default$4());
    } finally {
      OptimisticTransaction$.MODULE$.clearActive();
    }
    return Optional.of(
        new StagedWrite(
            target.runId(),
            write.deltaLog(),
            transaction,
            actions,
            new DeltaOperations.Write(
                mode,
                Option.apply(noPartitioning),
                deltaOptions.replaceWhere(),
                deltaOptions.userMetadata())));
  }

  /**
   * The options of a bronze batch's append: two runs planned on the same table version write the
   * same (appId, version), and Delta skips the second, so a batch is never appended twice.
   */
  private static Map<String, String> batchOptions(
      PipelineSpec spec, SortedSet<LocalDate> dates, long batchVersion) {
    if (spec.writeMode() != WriteMode.IDEMPOTENT_APPEND) {
      return Map.of();
    }
    return Map.of(
        "txnAppId",
        spec.pipelineName() + "@" + dates.last(),
        "txnVersion",
        String.valueOf(batchVersion),
        "mergeSchema",
        "true");
  }

  /** The rows a publish writes: an SCD1 change feed's deletes only remove rows. */
  private static Dataset<Row> written(PipelineSpec spec, Dataset<Row> output) {
    return spec.writeMode() == WriteMode.SCD1_MERGE
        ? output.where(col(ChangeResolver.OPERATION).notEqual("d"))
        : output;
  }

  private static void create(
      SparkSession spark, Target target, Dataset<Row> output, Map<String, String> options) {
    String path = target.path();
    PipelineSpec spec = target.spec();
    CreateTableWriter<Row> configured =
        output
            .writeTo("delta.`" + path + "`")
            .using("delta")
            .options(options)
            .tableProperty(OWNER_PROPERTY, spec.owner())
            .tableProperty(PIPELINE_PROPERTY, spec.pipelineName())
            .tableProperty(CRITICAL_PROPERTY, String.valueOf(spec.critical()))
            .tableProperty("comment", spec.description())
            // Merges then mark changed rows instead of rewriting whole files.
            .tableProperty("delta.enableDeletionVectors", String.valueOf(!spec.keys().isEmpty()))
            // Incremental runs of downstream pipelines read what changed since their last run.
            .tableProperty("delta.enableChangeDataFeed", "true");
    for (Map.Entry<String, String> property : target.properties().entrySet()) {
      configured = configured.tableProperty(property.getKey(), property.getValue());
    }
    CreateTableWriter<Row> writer = configured;
    CreateTableWriter<Row> partitioned =
        spec.partitionColumn()
            .<CreateTableWriter<Row>>map(
                column ->
                    writer.partitionedBy(
                        col(column), JavaConverters.asScalaBuffer(List.<Column>of()).toSeq()))
            .orElse(writer);
    DeltaTables.withUserMetadata(
        spark,
        target.runId(),
        () -> {
          try {
            partitioned.create();
          } catch (TableAlreadyExistsException e) {
            throw new ConcurrentCreation(e);
          }
        });
  }

  /**
   * A keyed table's rows ordered by (partition, keys) across files, so each file holds a narrow key
   * range and merges skip the files without changed keys ({@link KeyRanges}).
   */
  private static Dataset<Row> clustered(PipelineSpec spec, Dataset<Row> rows) {
    if (spec.keys().isEmpty()) {
      return rows;
    }
    List<Column> order = new ArrayList<>();
    spec.partitionColumn().ifPresent(column -> order.add(col(quoted(column))));
    spec.keys().forEach(key -> order.add(col(quoted(key))));
    Column[] columns = order.toArray(Column[]::new);
    return rows.repartitionByRange(columns).sortWithinPartitions(columns);
  }

  /** {@code <prefix>`partition` IN (DATE'...', ...)}: the run's partitions, as a predicate. */
  private static String inDates(PipelineSpec spec, String prefix, SortedSet<LocalDate> dates) {
    return String.format(
        "%s`%s` IN (%s)",
        prefix,
        spec.partitionColumn().orElseThrow(),
        dates.stream().map(date -> "DATE'" + date + "'").collect(Collectors.joining(", ")));
  }

  /** Null-safe equality of the target's and the source's {@code columns}. */
  private static String matching(List<String> columns) {
    return columns.stream()
        .map(column -> String.format("target.`%s` <=> source.`%s`", column, column))
        .collect(Collectors.joining(" AND "));
  }

  /**
   * Inserts the rows whose keys the table does not hold; the literal partition predicate lets Delta
   * read only the run's partitions of the target.
   */
  private static void insertNewKeys(
      SparkSession spark,
      String path,
      PipelineSpec spec,
      Dataset<Row> output,
      String runId,
      SortedSet<LocalDate> dates) {
    String condition =
        matching(spec.keys())
            + spec.partitionColumn()
                .map(column -> " AND " + inDates(spec, "target.", dates))
                .orElse("");
    Dataset<Row> source = output.localCheckpoint();
    DeltaTables.withUserMetadata(
        spark,
        runId,
        () ->
            DeltaTable.forPath(spark, path)
                .as("target")
                .merge(source.as("source"), condition)
                .whenNotMatched()
                .insertAll()
                .execute());
  }

  /**
   * Merges by key. A change feed's SCD1 rows carry their operation: deletes remove the row. SCD2
   * versions are matched by key and change sequence, so a late event inserts its version and
   * updates the neighbours' validity.
   */
  private static void merge(
      SparkSession spark, String path, PipelineSpec spec, Dataset<Row> output, String runId) {
    List<String> matchColumns = new ArrayList<>(spec.keys());
    if (spec.writeMode() == WriteMode.SCD2_MERGE) {
      matchColumns.addAll(List.of(ChangeResolver.LSN, ChangeResolver.TIMESTAMP));
    }
    // MERGE plans its source anew and would recompute the transformation; a local checkpoint of
    // the audited rows (cached by the runner, so cheap) pins exactly what the gate passed.
    Dataset<Row> source = output.localCheckpoint();
    Column matched = expr(matching(matchColumns));
    Column condition =
        spec.keys().size() == 1
            ? KeyRanges.predicate(
                    source, spec.keys().get(0), col("target." + quoted(spec.keys().get(0))))
                .map(matched::and)
                .orElse(matched)
            : matched;
    String changed = "NOT (" + sameValues(source.columns()) + ")";
    DeltaTables.withUserMetadata(
        spark,
        runId,
        () -> {
          DeltaMergeBuilder merge =
              DeltaTable.forPath(spark, path).as("target").merge(source.as("source"), condition);
          if (spec.writeMode() == WriteMode.SCD1_MERGE) {
            String deleted = "source.`" + ChangeResolver.OPERATION + "` = 'd'";
            merge =
                merge
                    .whenMatched(deleted)
                    .delete()
                    .whenMatched(changed)
                    .updateAll()
                    .whenNotMatched("NOT (" + deleted + ")")
                    .insertAll();
          } else {
            // Rows equal to their target stay untouched: no deletion vector, no rewritten row.
            merge = merge.whenMatched(changed).updateAll().whenNotMatched().insertAll();
          }
          merge.execute();
        });
  }

  /**
   * Null-safe equality of the target's and the source's values in every column but the run's own
   * metadata ({@code _run_id}, {@code _updated_at}).
   */
  private static String sameValues(String[] columns) {
    return matching(
        Arrays.stream(columns)
            .filter(column -> !column.startsWith("_") || column.startsWith("_change_"))
            .map(column -> column.replace("`", "``"))
            .toList());
  }
}
