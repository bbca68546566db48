package io.medalla.api;

/** Which partitions a run processes. */
public enum RunMode {
  /** The given dates: {@code run --date D} or a backfill batch. */
  DATES,
  /**
   * What the inputs' commits since the last incremental or full-refresh run touched: the partitions
   * their rows feed, or for a change feed, the keys they change.
   */
  INCREMENTAL,
  /** Everything, rebuilt from the inputs as if the table never existed. */
  FULL_REFRESH;

  /** Whether a successful run of this mode advances the pipeline's processed input versions. */
  public boolean recordsProgress() {
    return this != DATES;
  }
}
