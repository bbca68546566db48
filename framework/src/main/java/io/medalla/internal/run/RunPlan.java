package io.medalla.internal.run;

import io.medalla.api.RunMode;
import io.medalla.api.TableId;
import io.medalla.internal.table.DeltaPublisher;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What a run will do, decided once before it reads anything; no later step looks it up again.
 *
 * @param mode the requested mode, or {@link RunMode#FULL_REFRESH} for a first incremental run
 * @param dates the partitions a partitioned output's run writes; the logical date otherwise; empty
 *     when an incremental run finds nothing new
 * @param logicalDate the run's logical date
 * @param inputVersions each input's table version the run reads (pinned at planning)
 * @param processedVersions for an incremental run, the input versions the last incremental or
 *     full-refresh run processed
 * @param outputVersion the output table's latest version at planning; empty when it does not exist
 * @param scope what the run's commit replaces
 */
record RunPlan(
    RunMode mode,
    SortedSet<LocalDate> dates,
    LocalDate logicalDate,
    Map<TableId, Long> inputVersions,
    Optional<Map<TableId, Long>> processedVersions,
    Optional<Long> outputVersion,
    DeltaPublisher.Scope scope) {

  /** Whether an incremental run found no new input commits to process. */
  boolean nothingNew() {
    return dates.isEmpty();
  }
}
