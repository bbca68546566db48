package io.medalla.internal.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.StepMetrics;
import io.medalla.internal.spark.HadoopFileSystems;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest ended runs of each pipeline with their totals, one small JSON file per pipeline at
 * {@code _ops/run_history/<pipeline>.json}: what run-metric anomalies and {@code describe} compare
 * with, read and written without a Spark job. The ledger stays the record; this file is a bounded
 * summary of it that a crash can leave one run behind, and a lost file only restarts the history.
 */
public final class RunHistory {
  /** The history's folder below {@code _ops}. */
  private static final String FOLDER = "run_history";

  /** Runs kept per pipeline, at least: what {@code describe} shows and anomalies compare with. */
  static final int KEPT_AT_LEAST = 20;

  private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Entry>> ENTRIES = new TypeReference<>() {};

  /** One ended run's totals. */
  public record Entry(
      String runId,
      String status,
      String endedAt,
      long durationMs,
      long cpuMs,
      long bytesRead,
      long rowsRead,
      long rowsWritten,
      long filesWritten) {
    static Entry of(RunResult result) {
      StepMetrics total = result.metrics().total();
      return new Entry(
          result.record().runId(),
          result.record().status().name(),
          result.record().endedAt().toString(),
          result.record().duration().toMillis(),
          total.cpuTime().toMillis(),
          total.bytesRead(),
          result.record().rowsRead(),
          result.record().rowsWritten(),
          result.metrics().filesWritten());
    }

    boolean succeeded() {
      return status.equals(RunStatus.SUCCEEDED.name());
    }
  }

  private final SparkSession spark;
  private final Path folder;
  private final int kept;

  RunHistory(SparkSession spark, Warehouse warehouse, int kept) {
    this.spark = spark;
    this.folder = new Path(warehouse.opsPath(FOLDER));
    this.kept = kept;
  }

  /** The pipeline's latest ended runs, oldest first; empty when it has none on file. */
  public List<Entry> read(String pipeline) {
    Path file = file(pipeline);
    try {
      FileSystem fs = HadoopFileSystems.of(spark, folder);
      if (!fs.exists(file)) {
        return List.of();
      }
      try (InputStream in = fs.open(file)) {
        return JSON.readValue(in, ENTRIES);
      }
    } catch (IOException e) {
      LOG.warn("Ignoring the unreadable run history {}: {}", file, e.toString());
      return List.of();
    }
  }

  /** Adds {@code entry} to the pipeline's history, dropping the oldest beyond the kept number. */
  void add(String pipeline, Entry entry) throws IOException {
    List<Entry> entries = new ArrayList<>(read(pipeline));
    entries.add(entry);
    List<Entry> latest = entries.subList(Math.max(0, entries.size() - kept), entries.size());
    FileSystem fs = HadoopFileSystems.of(spark, folder);
    Path file = file(pipeline);
    Path written = new Path(folder, pipeline + "." + entry.runId() + ".tmp");
    try (OutputStream out = fs.create(written, true)) {
      JSON.writeValue(out, latest);
    }
    fs.delete(file, false);
    if (!fs.rename(written, file)) {
      fs.delete(written, false);
      throw new IOException("Cannot rename " + written + " to " + file);
    }
  }

  private Path file(String pipeline) {
    return new Path(folder, pipeline + ".json");
  }
}
