package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * invisible to readers; {@link #abandon} deletes them. A process killed in between leaves only
 * unreferenced files, which the next run ignores and {@code VACUUM} removes.
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

  /**
   * Commits the written files as the table's next version; deletes them when the commit fails.
   *
   * @throws io.delta.exceptions.DeltaConcurrentModificationException when a concurrent commit
   *     conflicts with this one
   */
  public DeltaPublisher.Published commit() {
    try {
      long version = transaction.commit(actions, operation);
      finished = true;
      Map<String, String> metrics =
          JavaConverters.mapAsJavaMap(
              transaction
                  .commitInfo()
                  .operationMetrics()
                  .getOrElse(scala.collection.immutable.Map$.MODULE$::<String, String>empty));
      DeltaCommit commit = new DeltaCommit(version, "WRITE", Optional.of(runId), metrics);
      LOG.info(
          "Committed {} version {} ({} rows, WRITE)",
          log.dataPath(),
          version,
          commit.rowsWritten());
      return new DeltaPublisher.Published(Optional.of(commit), version);
    } finally {
      abandon();
    }
  }

  /** Deletes the written files unless they were committed; does nothing the second time. */
  public void abandon() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      for (AddFile file : added) {
        Path path = file.absolutePath(log);
        path.getFileSystem(log.newDeltaHadoopConf()).delete(path, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot delete the uncommitted files of run " + runId + " in " + log.dataPath(), e);
    }
    LOG.info("Abandoned {} uncommitted files in {}", added.size(), log.dataPath());
  }

  /** The table as the write leaves it: its read version with the write's metadata. */
  private final class WrittenSnapshot implements SnapshotDescriptor {
    @Override
    public DeltaLog deltaLog() {
      return log;
    }

    @Override
    public long version() {
      return transaction.readVersion();
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
