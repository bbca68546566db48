package io.medalla.internal.governance;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.internal.config.Sha256;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.TableMetadata;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The audit log, an append-only Delta table ({@code _ops/audit}, {@code delta.appendOnly}): who
 * committed what, maintained and erased which table, read which sensitive columns in clear, and was
 * refused which read. Each entry carries the SHA-256 of the previous entry's hash and its own
 * content, and the table's properties hold the last entry's number and hash ({@value #HEAD}), so
 * {@link #verify} finds an entry edited, removed or inserted anywhere, the last one included. The
 * head is updated in the same commit as the entries: two writers appending at once conflict in
 * Delta, and the loser chains its entries again under the commit policy.
 */
public final class AuditLog {
  /** The table's folder under {@code _ops}. */
  public static final String TABLE_NAME = "audit";

  static final String HEAD = "medalla.audit.head";

  private static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType SCHEMA =
      StructType.fromDDL(
          "seq BIGINT, at TIMESTAMP, action STRING, table STRING, version BIGINT, run_id STRING,"
              + " principal STRING, role STRING, detail STRING, previous_hash STRING, hash STRING");

  /** What an entry records. */
  public enum Action {
    /** A table version published by a run, a restore or an erasure. */
    COMMIT,
    /** A run ended: its status and its configuration's fingerprint. */
    RUN,
    /** A table compacted or vacuumed. */
    MAINTENANCE,
    /** A subject erased from a table. */
    ERASURE,
    /** Confidential or pii columns read in clear. */
    CLEAR_READ,
    /** A read refused to a role. */
    REFUSED;

    /** The lower-case word stored and shown. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One thing to record.
   *
   * @param action what happened
   * @param table the table's catalog name, when about one table
   * @param version the table version, when one was committed
   * @param runId the run, command or session that did it
   * @param principal the user it ran as
   * @param role the role it read as
   * @param detail what else is known, as names and values
   */
  public record Entry(
      Action action,
      Optional<String> table,
      Optional<Long> version,
      String runId,
      String principal,
      String role,
      Map<String, String> detail) {
    public Entry {
      requireNonNull(action, "action is null");
      requireNonNull(table, "table is null");
      requireNonNull(version, "version is null");
      requireNonNull(runId, "runId is null");
      requireNonNull(principal, "principal is null");
      requireNonNull(role, "role is null");
      detail = new TreeMap<>(detail);
    }
  }

  /** An entry as logged: its number, time and hashes. */
  public record Logged(long seq, Instant at, Entry entry, String previousHash, String hash) {}

  /** What {@link #verify} found: the entries checked and the first break, if any. */
  public record Verification(long entries, String head, Optional<String> problem) {}

  private final SparkSession spark;
  private final String path;
  private final CommitRetry retry;

  public AuditLog(SparkSession spark, String path, CommitRetry retry) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = requireNonNull(path, "path is null");
    this.retry = requireNonNull(retry, "retry is null");
  }

  /** Appends {@code entries} in one commit, chained after the last entry. */
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    retry.run(path, () -> commit(entries));
  }

  private void commit(List<Entry> entries) {
    if (!DeltaTables.exists(spark, path)) {
      try {
        spark.sql(
            "CREATE TABLE IF NOT EXISTS delta.`"
                + path
                + "` ("
                + SCHEMA.toDDL()
                + ") USING delta TBLPROPERTIES ('delta.appendOnly' = 'true')");
      } catch (RuntimeException e) { // another writer created it first
        throw new CommitRetry.ConcurrentCreation(e);
      }
    }
    OptimisticTransaction transaction = DeltaLog.forTable(spark, path).startTransaction();
    Metadata metadata = transaction.metadata();
    Map<String, String> properties =
        new TreeMap<>(JavaConverters.mapAsJavaMap(metadata.configuration()));
    String[] head = properties.getOrDefault(HEAD, "0:" + GENESIS).split(":");
    long seq = Long.parseLong(head[0]);
    String previous = head[1];
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Row> rows = new ArrayList<>();
    for (Entry entry : entries) {
      seq++;
      String hash = hash(seq, at, entry, previous);
      rows.add(row(new Logged(seq, at, entry, previous, hash)));
      previous = hash;
    }
    properties.put(HEAD, seq + ":" + previous);
    transaction.updateMetadata(
        TableMetadata.changed(metadata, properties, metadata.schema()), false);
    Seq<org.apache.spark.sql.delta.actions.FileAction> files =
        transaction.writeFiles(spark.createDataFrame(rows, SCHEMA).coalesce(1));
    List<org.apache.spark.sql.delta.actions.Action> actions =
        new ArrayList<>(JavaConverters.seqAsJavaList(files));
    transaction.commit(
        JavaConverters.asScalaBuffer(actions).toSeq(),
        new DeltaOperations.Write(SaveMode.Append, Option.empty(), Option.empty(), Option.empty()));
  }

  /** The entries, oldest first, of {@code table} when given, logged at or after {@code since}. */
  public List<Logged> entries(Optional<String> table, Optional<Instant> since) {
    if (!DeltaTables.exists(spark, path)) {
      return List.of();
    }
    Dataset<Row> rows = spark.read().format("delta").load(path);
    if (table.isPresent()) {
      rows = rows.where(rows.col("table").equalTo(table.get()));
    }
    if (since.isPresent()) {
      rows = rows.where(rows.col("at").geq(Timestamp.from(since.get())));
    }
    List<Logged> logged = new ArrayList<>();
    rows.orderBy("seq").collectAsList().forEach(row -> logged.add(logged(row)));
    return logged;
  }

  /** Re-computes the chain from the first entry to the head the table's properties hold. */
  public Verification verify() {
    if (!DeltaTables.exists(spark, path)) {
      return new Verification(0, "0:" + GENESIS, Optional.empty());
    }
    String head =
        TableMetadata.properties(spark, path, Optional.empty()).getOrDefault(HEAD, "0:" + GENESIS);
    long expectedSeq = 1;
    String previous = GENESIS;
    Iterator<Row> rows = spark.read().format("delta").load(path).orderBy("seq").toLocalIterator();
    while (rows.hasNext()) {
      Logged logged = logged(rows.next());
      if (logged.seq() != expectedSeq) {
        return broken(
            expectedSeq - 1,
            head,
            "entry %d is missing (found %d next)",
            expectedSeq,
            logged.seq());
      }
      if (!logged.previousHash().equals(previous)) {
        return broken(
            expectedSeq - 1,
            head,
            "entry %d does not chain to entry %d",
            logged.seq(),
            logged.seq() - 1);
      }
      if (!hash(logged.seq(), logged.at(), logged.entry(), previous).equals(logged.hash())) {
        return broken(
            expectedSeq - 1, head, "entry %d was changed after it was logged", logged.seq());
      }
      previous = logged.hash();
      expectedSeq++;
    }
    String last = (expectedSeq - 1) + ":" + previous;
    if (!last.equals(head)) {
      return broken(
          expectedSeq - 1,
          head,
          "the log ends at entry %d but its head is entry %s: entries after it were removed",
          expectedSeq - 1,
          head.substring(0, head.indexOf(':')));
    }
    return new Verification(expectedSeq - 1, head, Optional.empty());
  }

  private static Verification broken(long checked, String head, String format, Object... args) {
    return new Verification(checked, head, Optional.of(String.format(format, args)));
  }

  private static Row row(Logged logged) {
    Entry entry = logged.entry();
    return RowFactory.create(
        logged.seq(),
        Timestamp.from(logged.at()),
        entry.action().id(),
        entry.table().orElse(null),
        entry.version().orElse(null),
        entry.runId(),
        entry.principal(),
        entry.role(),
        json(entry.detail()),
        logged.previousHash(),
        logged.hash());
  }

  private static Logged logged(Row row) {
    Entry entry =
        new Entry(
            Action.valueOf(row.getString(row.fieldIndex("action")).toUpperCase(Locale.ROOT)),
            Optional.ofNullable(row.getString(row.fieldIndex("table"))),
            row.isNullAt(row.fieldIndex("version"))
                ? Optional.empty()
                : Optional.of(row.getLong(row.fieldIndex("version"))),
            row.getString(row.fieldIndex("run_id")),
            row.getString(row.fieldIndex("principal")),
            row.getString(row.fieldIndex("role")),
            detail(row.getString(row.fieldIndex("detail"))));
    return new Logged(
        row.getLong(row.fieldIndex("seq")),
        row.getTimestamp(row.fieldIndex("at")).toInstant(),
        entry,
        row.getString(row.fieldIndex("previous_hash")),
        row.getString(row.fieldIndex("hash")));
  }

  private static String hash(long seq, Instant at, Entry entry, String previous) {
    String content =
        String.join(
            "\n",
            previous,
            Long.toString(seq),
            at.toString(),
            entry.action().id(),
            entry.table().orElse(""),
            entry.version().map(String::valueOf).orElse(""),
            entry.runId(),
            entry.principal(),
            entry.role(),
            json(entry.detail()));
    return Sha256.hex(content);
  }

  private static String json(Map<String, String> detail) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(detail));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write an audit detail as JSON", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> detail(String json) {
    try {
      return JSON.readValue(json == null ? "{}" : json, TreeMap.class);
    } catch (JsonProcessingException e) {
      return Map.of("unreadable", json);
    }
  }
}
