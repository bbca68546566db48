package io.medalla.internal.table;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.immutable.Map$;

/**
 * A Delta table's properties and schema, read from its transaction log on the driver (no Spark
 * job), and changed in one metadata-only commit.
 */
public final class TableMetadata {
  private TableMetadata() {}

  /** The properties of the table at {@code path}, at {@code version} or the latest. */
  public static Map<String, String> properties(
      SparkSession spark, String path, Optional<Long> version) {
    return JavaConverters.mapAsJavaMap(snapshot(spark, path, version).metadata().configuration());
  }

  /** The schema of the table at {@code path}, at {@code version} or the latest. */
  public static StructType schema(SparkSession spark, String path, Optional<Long> version) {
    return snapshot(spark, path, version).metadata().schema();
  }

  private static Snapshot snapshot(SparkSession spark, String path, Optional<Long> version) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    return version.isPresent()
        ? log.getSnapshotAt(version.get(), Option.empty(), Option.empty())
        : log.update(false, Option.empty(), Option.empty());
  }

  /**
   * Replaces the properties and schema of the table at {@code path} by what {@code properties} and
   * {@code schema} make of them, in one commit tagged with {@code runId}; commits nothing when both
   * are unchanged.
   *
   * @return whether a commit was made
   */
  public static boolean update(
      SparkSession spark,
      String path,
      String runId,
      UnaryOperator<Map<String, String>> properties,
      UnaryOperator<StructType> schema) {
    boolean[] committed = {false};
    DeltaTables.withUserMetadata(
        spark,
        runId,
        () -> {
          OptimisticTransaction transaction = DeltaLog.forTable(spark, path).startTransaction();
          Metadata current = transaction.metadata();
          Map<String, String> currentProperties =
              JavaConverters.mapAsJavaMap(current.configuration());
          Map<String, String> newProperties = properties.apply(Map.copyOf(currentProperties));
          StructType newSchema = schema.apply(current.schema());
          if (newProperties.equals(currentProperties) && newSchema.equals(current.schema())) {
            return;
          }
          Metadata changed = changed(current, newProperties, newSchema);
          transaction.updateMetadata(changed, false);
          transaction.commit(
              JavaConverters.asScalaBuffer(
                      java.util.List.<org.apache.spark.sql.delta.actions.Action>of())
                  .toSeq(),
              new DeltaOperations.SetTableProperties(changed.configuration()));
          committed[0] = true;
        });
    return committed[0];
  }

  /** {@code current} with {@code properties} and {@code schema}, for a transaction to commit. */
  public static Metadata changed(
      Metadata current, Map<String, String> properties, StructType schema) {
    return current.copy(
        current.id(),
        current.name(),
        current.description(),
        current.format(),
        schema.json(),
        current.partitionColumns(),
        Map$.MODULE$.<String, String>empty().$plus$plus(JavaConverters.mapAsScalaMap(properties)),
        current.createdTime());
  }
}
