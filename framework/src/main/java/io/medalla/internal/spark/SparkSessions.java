package io.medalla.internal.spark;

import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the process's Spark session with Delta enabled. Under {@code spark-submit} the master and
 * every setting spark-submit gave win; otherwise the master is {@code medalla.spark.master} or
 * {@code local[*]}.
 */
public final class SparkSessions {
  /** The module openings Spark needs on Java 17, for executors started by a cluster manager. */
  public static final String JAVA_17_FLAGS =
      "--add-opens=java.base/java.lang=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
          + " --add-opens=java.base/java.nio=ALL-UNNAMED"
          + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
          + " --add-opens=java.base/java.util=ALL-UNNAMED"
          + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED";

  private SparkSessions() {}

  /** Returns the active session or creates one configured from {@code settings}. */
  public static SparkSession getOrCreate(MedallaSettings settings) {
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(settings.get(ConfigKeys.SPARK_APP_NAME))
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (!submitted.contains("spark.master")) {
      builder.master(settings.find(ConfigKeys.SPARK_MASTER).orElse("local[*]"));
    }
    if (!submitted.contains("spark.executor.extraJavaOptions")) {
      builder.config("spark.executor.extraJavaOptions", JAVA_17_FLAGS);
    }
    for (Map.Entry<String, String> entry : settings.get(ConfigKeys.SPARK_CONF).entrySet()) {
      if (!submitted.contains(entry.getKey())) {
        builder.config(entry.getKey(), entry.getValue());
      }
    }
    return builder.getOrCreate();
  }
}
