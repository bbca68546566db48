package io.medalla.internal.health;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * One event an objective counts: a run's outcome or a day's publication.
 *
 * @param time when the event happened: a run's end, a day's publication, or now for a day still
 *     missing past its deadline
 * @param good whether it met the objective
 * @param runId the run the event comes from: for a day still missing, the latest run that tried to
 *     publish it; empty when none did
 * @param day the day a freshness event is about
 */
public record SliEvent(Instant time, boolean good, String runId, Optional<LocalDate> day) {
  static SliEvent ofRun(Instant time, boolean good, String runId) {
    return new SliEvent(time, good, runId, Optional.empty());
  }
}
