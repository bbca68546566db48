package io.medalla.internal.table;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** Small read-only questions about Delta tables. */
public final class DeltaTables {
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  private static final Object SESSION_CONF_LOCK = new Object();

  private DeltaTables() {}

  /**
   * Runs {@code commit} with the commit's userMetadata set to {@code runId}, for the APIs that take
   * no write options (MERGE, create).
   */
  public static void withUserMetadata(SparkSession spark, String runId, Runnable commit) {
    synchronized (SESSION_CONF_LOCK) {
      spark.conf().set(USER_METADATA_CONF, runId);
      try {
        commit.run();
      } finally {
        spark.conf().unset(USER_METADATA_CONF);
      }
    }
  }

  /** Whether a Delta table exists at {@code path}. */
  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /**
   * The latest commit of the table at {@code path}, if the table exists. Read from the transaction
   * log on the driver (Delta's cached log, brought up to date), so it runs no Spark job, unlike
   * {@link #history}.
   */
  public static Optional<DeltaCommit> latestCommit(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return Optional.empty();
    }
    DeltaLog log = DeltaLog.forTable(spark, path);
    long version = log.update(false, Option.empty(), Option.empty()).version();
    Iterator<Tuple2<Object, Seq<Action>>> changes = log.getChanges(version, false);
    Optional<CommitInfo> info =
        changes.hasNext()
            ? JavaConverters.seqAsJavaList(changes.next()._2()).stream()
                .filter(CommitInfo.class::isInstance)
                .map(CommitInfo.class::cast)
                .findFirst()
            : Optional.empty();
    return Optional.of(
        new DeltaCommit(
            version,
            info.map(CommitInfo::operation).orElse("UNKNOWN"),
            info.flatMap(
                commit -> Optional.ofNullable(commit.userMetadata().getOrElse(() -> null))),
            info.map(
                    commit ->
                        commit.operationMetrics().isEmpty()
                            ? Map.<String, String>of()
                            : Map.copyOf(
                                JavaConverters.mapAsJavaMap(commit.operationMetrics().get())))
                .orElse(Map.of())));
  }

  /** The table's newest {@code limit} commits, newest first. */
  public static List<DeltaCommit> history(SparkSession spark, String path, int limit) {
    List<Row> rows =
        DeltaTable.forPath(spark, path)
            .history(limit)
            .select("version", "operation", "userMetadata", "operationMetrics")
            .collectAsList();
    return rows.stream()
        .map(
            row ->
                new DeltaCommit(
                    row.getLong(0),
                    row.getString(1),
                    Optional.ofNullable(row.getString(2)),
                    row.isNullAt(3) ? Map.of() : row.<String, String>getJavaMap(3)))
        .toList();
  }

  /**
   * The rows changed between two versions (both included) from the table's change data feed, with
   * Delta's {@code _change_type}, {@code _commit_version} and {@code _commit_timestamp}; reading it
   * fails with an {@code AnalysisException} when the feed was not recorded for those versions.
   */
  public static Dataset<Row> changes(
      SparkSession spark, String path, long fromVersion, long toVersion) {
    return spark
        .read()
        .format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", fromVersion)
        .option("endingVersion", toVersion)
        .load(path);
  }
}
