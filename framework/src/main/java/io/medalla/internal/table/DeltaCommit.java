package io.medalla.internal.table;

import java.util.Map;
import java.util.Optional;

/**
 * One entry of a Delta table's history.
 *
 * @param version the table version the commit created
 * @param operation the Delta operation, e.g. {@code WRITE} or {@code MERGE}
 * @param runId the Medalla run that made it (the commit's {@code userMetadata}), if any
 * @param metrics the commit's operation metrics
 */
public record DeltaCommit(
    long version, String operation, Optional<String> runId, Map<String, String> metrics) {
  public DeltaCommit {
    metrics = Map.copyOf(metrics);
  }

  /**
   * Rows the commit added or changed, from its operation metrics: inserted, updated and deleted
   * rows for a MERGE (not the unchanged rows it rewrote), written rows otherwise.
   */
  public long rowsWritten() {
    if (operation.equals("MERGE")) {
      return metric("numTargetRowsInserted")
          + metric("numTargetRowsUpdated")
          + metric("numTargetRowsDeleted");
    }
    return metric("numOutputRows");
  }

  /** Data files the commit added, from its operation metrics. */
  public long filesWritten() {
    return metric(operation.equals("MERGE") ? "numTargetFilesAdded" : "numFiles");
  }

  private long metric(String name) {
    return Long.parseLong(metrics.getOrDefault(name, "0"));
  }
}
