package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Change events in a bronze table, applied to a silver table as {@link ChangeHistory#SCD1} or
 * {@link ChangeHistory#SCD2}. Two formats: the Debezium JSON envelope ({@code before}, {@code
 * after}, {@code op} in c, u, d, r, {@code ts_ms}, {@code source.lsn}, {@code source.ts_ms}) landed
 * as files and ingested by a {@link FileSource#debezium} bronze pipeline, which keeps the raw row
 * images ({@code rowSchema} types them) and the row key as typed columns, ordered by LSN then
 * source timestamp; and rows extracted over JDBC ({@code _change_op} r or d), ordered by a sequence
 * column such as {@code updated_at}, a detected delete by the time it was detected. Each run takes
 * the keys changed in its batch and resolves them from every event bronze holds for them, so
 * out-of-order arrival, duplicates and replays give the same table as applying the events one by
 * one in source order, and a late event older than the current version never overwrites it.
 *
 * @param input the bronze table holding the events
 * @param rowSchema the row's columns as Spark DDL, keys included
 * @param history SCD1 or SCD2
 * @param sequenceColumn for extracted rows, the timestamp column ordering them; empty for Debezium
 */
public record ChangeFeed(
    TableId input, String rowSchema, ChangeHistory history, Optional<String> sequenceColumn) {
  public ChangeFeed {
    requireNonNull(input, "input is null");
    requireNonNull(rowSchema, "rowSchema is null");
    requireNonNull(history, "history is null");
    requireNonNull(sequenceColumn, "sequenceColumn is null");
    if (input.layer() != Layer.BRONZE) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid change feed %s: change events are read from a bronze table",
          input);
    }
  }

  /** Debezium envelopes in {@code input}, applied as the current state (SCD1). */
  public static ChangeFeed debezium(String input, String rowSchema) {
    return new ChangeFeed(TableId.parse(input), rowSchema, ChangeHistory.SCD1, Optional.empty());
  }

  /**
   * Rows a {@link JdbcSource} extracted into {@code input}, ordered by {@code sequenceColumn},
   * applied as the current state (SCD1).
   */
  public static ChangeFeed extracted(String input, String rowSchema, String sequenceColumn) {
    return new ChangeFeed(
        TableId.parse(input), rowSchema, ChangeHistory.SCD1, Optional.of(sequenceColumn));
  }

  /** The same feed keeping every version (SCD2). */
  public ChangeFeed keepingHistory() {
    return new ChangeFeed(input, rowSchema, ChangeHistory.SCD2, sequenceColumn);
  }
}
