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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

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
   * Publishes {@code output} to the table at {@code path}.
   *
   * @param dates the run's partitions: a partitioned table replaces exactly these; a bronze batch
   *     is identified by the last
   * @param scope what {@code output} replaces
   * @param plannedVersion the table's version the run was planned on; empty when it did not exist.
   *     A bronze batch's transaction version is this plus one
   * @throws MedallaException with {@link ErrorCode#RUN_FAILED} when the commit policy gives up
   */
  public Published publish(
      SparkSession spark,
      String path,
      PipelineSpec spec,
      Dataset<Row> output,
      String runId,
      SortedSet<LocalDate> dates,
      Scope scope,
      Optional<Long> plannedVersion) {
    long batchVersion = plannedVersion.map(version -> version + 1).orElse(0L);
    boolean[] exists = {plannedVersion.isPresent()};
    retry.run(
        spec.output().toString(),
        () -> {
          try {
            write(spark, path, spec, output, runId, dates, scope, batchVersion, exists[0]);
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
      SparkSession spark,
      String path,
      PipelineSpec spec,
      Dataset<Row> output,
      String runId,
      SortedSet<LocalDate> dates,
      Scope scope,
      long batchVersion,
      boolean exists) {
    WriteMode mode = spec.writeMode();
    Map<String, String> options = new LinkedHashMap<>();
    if (mode == WriteMode.IDEMPOTENT_APPEND) {
      // Two runs planned on the same table version write the same (appId, version): the second
      // is skipped by Delta, so a batch is never appended twice.
      options.put("txnAppId", spec.pipelineName() + "@" + dates.last());
      options.put("txnVersion", String.valueOf(batchVersion));
      options.put("mergeSchema", "true");
    }
    Dataset<Row> rows =
        mode == WriteMode.SCD1_MERGE
            ? output.where(col(ChangeResolver.OPERATION).notEqual("d"))
            : output;
    if (!exists) {
      create(spark, path, spec, clustered(spec, rows), runId, options);
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

  private static void create(
      SparkSession spark,
      String path,
      PipelineSpec spec,
      Dataset<Row> output,
      String runId,
      Map<String, String> options) {
    CreateTableWriter<Row> writer =
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
    CreateTableWriter<Row> partitioned =
        spec.partitionColumn()
            .<CreateTableWriter<Row>>map(
                column ->
                    writer.partitionedBy(
                        col(column), JavaConverters.asScalaBuffer(List.<Column>of()).toSeq()))
            .orElse(writer);
    DeltaTables.withUserMetadata(
        spark,
        runId,
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
