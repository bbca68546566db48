package io.medalla.internal.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that reads the session's Hadoop configuration (the build bans {@code
 * hadoopConfiguration()} elsewhere), so file systems are opened with the settings Spark was given
 * (credentials, endpoints, file system implementations) and with nothing else.
 */
public final class HadoopFileSystems {
  private HadoopFileSystems() {}

  /** The file system that holds {@code path}, configured as the session's Spark jobs see it. */
  public static FileSystem of(SparkSession spark, Path path) throws IOException {
    return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
