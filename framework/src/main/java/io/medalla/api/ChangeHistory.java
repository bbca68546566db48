package io.medalla.api;

/** How a silver table keeps the changes a change feed applies to it. */
public enum ChangeHistory {
  /** The current state only: inserts and updates upsert the row, a delete removes it. */
  SCD1,
  /**
   * Every version, with {@code valid_from}, {@code valid_to} (null while current) and {@code
   * is_current}; a delete closes the current version.
   */
  SCD2
}
