package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.SnapshotDescriptor;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * A Delta write whose data files are written before it is decided to commit them
 * (write-audit-commit): until {@link #commit} they are in the table's directory but in no version,
 * invisible to readers; {@link #abandon} deletes them. A write that fails, or a process killed
 * before the commit, leaves only files no version references, which readers never see and {@code
 * VACUUM} removes.
 */
public final class StagedWrite {
  private static final Logger LOG = LoggerFactory.getLogger(StagedWrite.class);

  private final String runId;
  private final DeltaLog log;
  private final OptimisticTransaction transaction;
  private final Seq<Action> actions;
  private final DeltaOperations.Write operation;
  private final List<AddFile> added;
  private boolean finished;

  StagedWrite(
      String runId,
      DeltaLog log,
      OptimisticTransaction transaction,
      Seq<Action> actions,
      DeltaOperations.Write operation) {
    this.runId = requireNonNull(runId, "runId is null");
    this.log = requireNonNull(log, "log is null");
    this.transaction = requireNonNull(transaction, "transaction is null");
    this.actions = requireNonNull(actions, "actions is null");
    this.operation = requireNonNull(operation, "operation is null");
    this.added =
        JavaConverters.seqAsJavaList(actions).stream()
            .filter(AddFile.class::isInstance)
            .map(AddFile.class::cast)
            .toList();
  }

  /** The written rows, read back from their files (with the table's schema after the write). */
  public Dataset<Row> written() {
    return log.createDataFrame(
        new WrittenSnapshot(), JavaConverters.asScalaBuffer(added).toSeq(), false, Option.empty());
  }

  /** The rows written, from the files' statistics; empty when a file has none. */
  public OptionalLong rows() {
    long rows = 0;
    for (AddFile file : added) {
      Option<Object> records = file.numLogicalRecords();
      if (records.isEmpty()) {
        return OptionalLong.empty();
      }
      rows += (Long) records.get();
    }
    return OptionalLong.of(rows);
  }

  /**
   * Commits the written files as the table's next version; a write that changes nothing (no rows
   * replacing none) commits nothing. The files are deleted when the commit lost to a concurrent
   * one; after any other failure they are kept, since the commit may have landed.
   *
   * @throws DeltaConcurrentModificationException when a concurrent commit conflicts with this one
   */
  public DeltaPublisher.Published commit() {
    if (actions.isEmpty()) {
      abandon();
      LOG.info("Nothing to commit to {}; it stays at version {}", log.dataPath(), readVersion());
      return new DeltaPublisher.Published(Optional.empty(), readVersion());
    }
    long version;
    try {
      version = transaction.commit(actions, operation);
    } catch (DeltaConcurrentModificationException e) {
      abandon();
      throw e;
    } finally {
      finished = true;
    }
    Map<String, String> metrics =
        JavaConverters.mapAsJavaMap(
            transaction
                .commitInfo()
                .operationMetrics()
                .getOrElse(scala.collection.immutable.Map$.MODULE$::<String, String>empty));
    DeltaCommit commit = new DeltaCommit(version, "WRITE", Optional.of(runId), metrics);
    LOG.info(
        "Committed {} version {} ({} rows, WRITE)", log.dataPath(), version, commit.rowsWritten());
    return new DeltaPublisher.Published(Optional.of(commit), version);
  }

  /**
   * Deletes the written files unless they were committed; does nothing the second time. A file that
   * cannot be deleted is left for {@code VACUUM}, which removes files no version references.
   */
  public void abandon() {
    if (finished) {
      return;
    }
    finished = true;
    for (AddFile file : added) {
      Path path = file.absolutePath(log);
      try {
        path.getFileSystem(log.newDeltaHadoopConf()).delete(path, false);
      } catch (IOException e) {
        LOG.warn("Cannot delete the uncommitted file {} of run {}: {}", path, runId, e.toString());
      }
    }
    LOG.info("Deleted {} uncommitted files of run {} in {}", added.size(), runId, log.dataPath());
  }

  private long readVersion() {
    return transaction.readVersion();
  }

  /** The table as the write leaves it: its read version with the write's metadata. */
  private final class WrittenSnapshot implements SnapshotDescriptor {
    @Override
    public DeltaLog deltaLog() {
      return log;
    }

    @Override
    public long version() {
      return readVersion();
    }

    @Override
    public Metadata metadata() {
      return transaction.metadata();
    }

    @Override
    public Protocol protocol() {
      return transaction.protocol();
    }

    @Override
    public Option<Object> numOfFilesIfKnown() {
      return Option.empty();
    }

    @Override
    public Option<Object> sizeInBytesIfKnown() {
      return Option.empty();
    }
  }
}
