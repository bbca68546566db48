package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A table of an operational database read over JDBC. The connection's URL, user and password come
 * from secrets configured under {@code medalla.connections.<connection>} ({@code env:NAME} or
 * {@code file:/path} references only).
 *
 * <p>A full extraction reads the whole table every run. An incremental one reads only rows whose
 * watermark column is above the highest value already in bronze, so a repeated or crashed run reads
 * nothing twice. With key columns and {@link #detectingDeletes()}, each run compares the source's
 * keys with those seen in bronze and records rows deleted at the source as delete events.
 *
 * @param connection the connection name under {@code medalla.connections}
 * @param table the source table, e.g. {@code public.customers}
 * @param watermarkColumn a column that grows with every insert and update, for incremental reads
 * @param keyColumns the columns identifying a row, for delete detection
 * @param partitionColumn a numeric column to split the read on
 * @param partitions how many parallel reads to split into (1 = no split)
 * @param detectDeletes whether to compare keys with the source to find deleted rows
 */
public record JdbcSource(
    String connection,
    String table,
    Optional<String> watermarkColumn,
    List<String> keyColumns,
    Optional<String> partitionColumn,
    int partitions,
    boolean detectDeletes)
    implements Source {
  public JdbcSource {
    Names.requireIdentifier(connection, "connection name");
    requireNonNull(table, "table is null");
    requireNonNull(watermarkColumn, "watermarkColumn is null");
    keyColumns = List.copyOf(keyColumns);
    requireNonNull(partitionColumn, "partitionColumn is null");
    if (partitions < 1) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid JDBC source %s: partitions must be at least 1, got %d",
          table,
          partitions);
    }
    if (detectDeletes && keyColumns.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid JDBC source %s: detecting deletes needs key columns; declare keys(...)",
          table);
    }
  }

  /** Reads the whole table on every run. */
  public static JdbcSource table(String connection, String table) {
    return new JdbcSource(
        connection, table, Optional.empty(), List.of(), Optional.empty(), 1, false);
  }

  /** The same source, reading only rows above the highest watermark already ingested. */
  public JdbcSource incremental(String watermarkColumn) {
    return new JdbcSource(
        connection,
        table,
        Optional.of(watermarkColumn),
        keyColumns,
        partitionColumn,
        partitions,
        detectDeletes);
  }

  /** The same source with key columns. */
  public JdbcSource keys(String... columns) {
    return new JdbcSource(
        connection,
        table,
        watermarkColumn,
        List.of(columns),
        partitionColumn,
        partitions,
        detectDeletes);
  }

  /** The same source read in {@code count} parallel slices of a numeric column. */
  public JdbcSource partitionedBy(String column, int count) {
    return new JdbcSource(
        connection, table, watermarkColumn, keyColumns, Optional.of(column), count, detectDeletes);
  }

  /** The same source, also recording rows deleted at the source (needs key columns). */
  public JdbcSource detectingDeletes() {
    return new JdbcSource(
        connection, table, watermarkColumn, keyColumns, partitionColumn, partitions, true);
  }

  @Override
  public String describe() {
    return "jdbc:" + connection + "/" + table;
  }
}
