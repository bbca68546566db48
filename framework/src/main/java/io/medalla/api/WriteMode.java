package io.medalla.api;

/** How a run publishes its output; derived from the layer and the spec. */
public enum WriteMode {
  /** Bronze: append the batch once; a repeated batch is skipped (Delta txnAppId/txnVersion). */
  IDEMPOTENT_APPEND,
  /** Replace exactly the logical date's partition ({@code replaceWhere}). */
  PARTITION_OVERWRITE,
  /** Upsert by the spec's keys ({@code MERGE}). */
  MERGE,
  /** Replace the whole table (small snapshot tables without keys or partition). */
  FULL_OVERWRITE,
  /** Apply a change feed's current state by key: upsert, delete ({@code MERGE}). */
  SCD1_MERGE,
  /** Apply a change feed's versions by key and sequence: insert new, close old ({@code MERGE}). */
  SCD2_MERGE
}
