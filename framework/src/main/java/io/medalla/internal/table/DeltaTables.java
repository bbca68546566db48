package io.medalla.internal.table;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small read-only questions about Delta tables. */
public final class DeltaTables {
  private DeltaTables() {}

  /** Whether a Delta table exists at {@code path}. */
  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** The latest commit of the table at {@code path}, if the table exists. */
  public static Optional<DeltaCommit> latestCommit(SparkSession spark, String path) {
    return exists(spark, path) ? history(spark, path, 1).stream().findFirst() : Optional.empty();
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

  /** The table properties of the table at {@code path}. */
  public static Map<String, String> properties(SparkSession spark, String path) {
    Row detail = DeltaTable.forPath(spark, path).detail().select("properties").first();
    return detail.isNullAt(0) ? Map.of() : detail.getJavaMap(0);
  }
}
