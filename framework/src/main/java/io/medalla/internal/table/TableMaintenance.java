package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import io.delta.tables.DeltaTable;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.spark.HadoopFileSystems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Console;

/**
 * Routine upkeep of a Delta table: {@code OPTIMIZE} compacts small files (the files merges and
 * daily appends leave) and, for keyed tables, Z-orders them by key, so each file again holds a
 * narrow key range for merges to skip; then {@code VACUUM} deletes files that no version within the
 * retention still references. Files a merge marked with deletion vectors are rewritten without the
 * deleted rows when compacted.
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  private final SparkSession spark;
  private final Duration vacuumRetention;

  /** What maintenance did to one table. */
  public record Result(
      String table,
      long filesBefore,
      long filesAfter,
      long bytesBefore,
      long bytesAfter,
      long filesVacuumed,
      long millis) {}

  public TableMaintenance(SparkSession spark, Duration vacuumRetention) {
    this.spark = requireNonNull(spark, "spark is null");
    this.vacuumRetention = requireNonNull(vacuumRetention, "vacuumRetention is null");
  }

  /**
   * Optimizes, then vacuums the table at {@code path}.
   *
   * @param table the table's name, for results and errors
   * @param zOrderColumns columns to cluster by (keys); empty for compaction only
   * @throws MedallaException with {@link ErrorCode#INVALID_ARGUMENT} when Delta refuses the
   *     retention as too short
   */
  public Result maintain(String table, String path, List<String> zOrderColumns) {
    long started = System.nanoTime();
    DeltaTable delta = DeltaTable.forPath(spark, path);
    Row before = delta.detail().first();
    if (zOrderColumns.isEmpty()) {
      delta.optimize().executeCompaction();
    } else {
      delta.optimize().executeZOrderBy(zOrderColumns.toArray(String[]::new));
    }
    long vacuumed = vacuum(table, path);
    Row after = DeltaTable.forPath(spark, path).detail().first();
    return new Result(
        table,
        before.<Long>getAs("numFiles"),
        after.<Long>getAs("numFiles"),
        before.<Long>getAs("sizeInBytes"),
        after.<Long>getAs("sizeInBytes"),
        vacuumed,
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Deletes the files older than the retention that no kept version references, and empty
   * directories; the number of files.
   */
  public long vacuum(String table, String path) {
    double hours = vacuumRetention.toMillis() / 3_600_000.0;
    String statement =
        String.format("VACUUM delta.`%s` RETAIN %s HOURS", path.replace("`", "``"), hours);
    try {
      List<String> deletable =
          spark.sql(statement + " DRY RUN").as(Encoders.STRING()).collectAsList();
      long files = files(deletable);
      // Delta prints a summary line to the console; it belongs in the log, not in the
      // command's output (which may be a JSON document).
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      Console.withOut(console, () -> spark.sql(statement).collect());
      String summary = console.toString(StandardCharsets.UTF_8).strip();
      if (!summary.isEmpty()) {
        LOG.info("{}: {}", table, summary);
      }
      return files;
    } catch (IllegalArgumentException e) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          e,
          "Cannot vacuum %s with a retention of %s: Delta keeps at least 168h so that readers,"
              + " time travel and incremental runs' change feeds find their files. Raise"
              + " medalla.maintenance.vacuum-retention, or set"
              + " spark.databricks.delta.retentionDurationCheck.enabled = false if no reader"
              + " needs older versions",
          table,
          vacuumRetention);
    }
  }

  /** How many of the listed paths were files, not directories. */
  private long files(List<String> paths) {
    long files = 0;
    for (String path : paths) {
      Path file = new Path(path);
      try {
        if (HadoopFileSystems.of(spark, file).isFile(file)) {
          files++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }
}
