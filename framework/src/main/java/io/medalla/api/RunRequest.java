package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What to run: a mode, the dates of a {@link RunMode#DATES} run, and the parameters recorded in the
 * ledger.
 *
 * @param mode which partitions the run processes
 * @param dates the dates of a dates run; for the other modes, the one date they run as of
 * @param parameters the command and options, recorded in the ledger
 */
public record RunRequest(RunMode mode, SortedSet<LocalDate> dates, Map<String, String> parameters) {
  public RunRequest {
    requireNonNull(mode, "mode is null");
    dates = Collections.unmodifiableSortedSet(new TreeSet<>(dates));
    parameters = Map.copyOf(parameters);
    if (dates.isEmpty() || (mode != RunMode.DATES && dates.size() > 1)) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid run request: a %s run takes %s, got %s",
          mode,
          mode == RunMode.DATES ? "at least one date" : "one as-of date",
          dates);
    }
  }

  /** A run of the given dates. */
  public static RunRequest of(Collection<LocalDate> dates, Map<String, String> parameters) {
    return new RunRequest(RunMode.DATES, new TreeSet<>(dates), parameters);
  }

  /** An incremental or full-refresh run as of {@code asOf}. */
  public static RunRequest asOf(RunMode mode, LocalDate asOf, Map<String, String> parameters) {
    return new RunRequest(mode, new TreeSet<>(java.util.List.of(asOf)), parameters);
  }

  /** The request's last date: the logical date of a dates run, the as-of date otherwise. */
  public LocalDate lastDate() {
    return dates.last();
  }
}
