package io.medalla.testkit;

import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.spark.SparkSessions;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session per JVM for tests: the framework's Spark defaults, on two cores with two
 * shuffle partitions, no UI, Delta enabled, UTC. Start-up costs seconds, so every test class shares
 * it and isolates itself with its own {@link TestWarehouse}.
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  /** The JVM's test session, created on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession.Builder builder = SparkSession.builder();
      // The framework's Spark defaults first, so tests run the settings users get.
      TestWarehouse.settings(Path.of("."), Map.of(), Map.of())
          .get(ConfigKeys.SPARK_CONF)
          .forEach(builder::config);
      session =
          builder
              .master("local[2]")
              .appName("medalla-tests")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config(
                  "spark.sql.catalog.spark_catalog",
                  "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.executor.extraJavaOptions", SparkSessions.JAVA_17_FLAGS)
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              .getOrCreate();
    }
    return session;
  }
}
