package io.medalla.internal.health;

import io.medalla.api.Alert;
import io.medalla.api.Objective;
import io.medalla.api.Pipeline;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Evaluates objectives from a pipeline's ended runs, with no state of its own. */
public final class Objectives {
  private Objectives() {}

  /**
   * The standing of every objective the pipelines declare, in their order, from the ledger's ended
   * runs.
   */
  public static List<ObjectiveStatus> evaluate(
      Collection<Pipeline> pipelines, List<RunRecord> runs, Instant at, Duration window) {
    Map<String, List<RunRecord>> runsByPipeline =
        runs.stream().collect(Collectors.groupingBy(RunRecord::pipeline));
    List<ObjectiveStatus> statuses = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      String name = pipeline.spec().pipelineName();
      for (Objective objective : pipeline.spec().objectives()) {
        statuses.add(
            evaluate(name, objective, runsByPipeline.getOrDefault(name, List.of()), at, window));
      }
    }
    return statuses;
  }

  /** The alert a firing burn-rate alert sends through the alert sinks. */
  public static Alert alert(ObjectiveStatus status, String environment) {
    BurnRateAlert burn = status.alert().orElseThrow();
    Objective objective = status.objective();
    return new Alert(
        status.pipeline(),
        environment,
        status.lastBadRun().orElse("-"),
        status.at().atZone(ZoneOffset.UTC).toLocalDate(),
        burn.code(),
        "",
        String.format(
            Locale.ROOT,
            "The %s objective (%s, target %s) burns its error budget %.1fx over %s and %.1fx"
                + " over %s (alerting at %.1fx); %s of the %s budget left, attainment %s",
            objective.kind(),
            objective.describe(),
            percent(objective.target()),
            status.burnRates().get(burn.longWindow()),
            span(burn.longWindow()),
            status.burnRates().get(burn.shortWindow()),
            span(burn.shortWindow()),
            burn.threshold(),
            percent(status.budgetRemaining()),
            span(status.window()),
            percent(status.attainment())),
        String.format(
            "`medalla slo %s`; `medalla incidents --open`; `medalla status --pipeline %s`",
            status.pipeline(), status.pipeline()),
        status.at(),
        burn.level());
  }

  /** A share as a percentage with one decimal, e.g. {@code 96.4%}. */
  public static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** A span in its largest whole unit: {@code 28d}, {@code 6h}, {@code 5m}, {@code 90s}. */
  public static String span(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** A duration for people: {@code 45s}, {@code 12m 05s}, {@code 3h 20m}, {@code 2d 4h}. */
  public static String human(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh %02dm", seconds / 3_600, seconds % 3_600 / 60);
    }
    return String.format(Locale.ROOT, "%dd %dh", seconds / 86_400, seconds % 86_400 / 3_600);
  }

  /**
   * The objective's standing at {@code at} over {@code window}, from the pipeline's ended runs (any
   * order; runs ending after {@code at} are ignored).
   */
  public static ObjectiveStatus evaluate(
      String pipeline, Objective objective, List<RunRecord> runs, Instant at, Duration window) {
    List<SliEvent> events = events(objective, runs, at);
    List<SliEvent> inWindow = within(events, at, window);
    long good = inWindow.stream().filter(SliEvent::good).count();
    Map<Duration, Double> burnRates = new LinkedHashMap<>();
    Optional<BurnRateAlert> alert = Optional.empty();
    for (BurnRateAlert candidate : BurnRateAlert.values()) {
      double longBurn = burnRate(objective, within(events, at, candidate.longWindow()));
      double shortBurn = burnRate(objective, within(events, at, candidate.shortWindow()));
      burnRates.put(candidate.longWindow(), longBurn);
      burnRates.put(candidate.shortWindow(), shortBurn);
      if (alert.isEmpty()
          && longBurn >= candidate.threshold()
          && shortBurn >= candidate.threshold()) {
        alert = Optional.of(candidate);
      }
    }
    Optional<String> lastBadRun =
        inWindow.stream()
            .filter(event -> !event.good() && !event.runId().isEmpty())
            .max(Comparator.comparing(SliEvent::time))
            .map(SliEvent::runId);
    return new ObjectiveStatus(
        pipeline,
        objective,
        at,
        window,
        good,
        inWindow.size() - good,
        burnRates,
        alert,
        lastBadRun);
  }

  /** Every event of the objective up to {@code at}, oldest first. */
  public static List<SliEvent> events(Objective objective, List<RunRecord> runs, Instant at) {
    List<RunRecord> ended =
        runs.stream()
            .filter(run -> run.status() != RunStatus.RUNNING && !run.endedAt().isAfter(at))
            .sorted(Comparator.comparing(RunRecord::endedAt))
            .toList();
    List<SliEvent> events;
    if (objective instanceof Objective.Freshness freshness) {
      events = dayEvents(freshness, ended, at);
    } else if (objective instanceof Objective.Latency latency) {
      events =
          ended.stream()
              .filter(run -> run.status() == RunStatus.SUCCEEDED)
              .map(
                  run ->
                      SliEvent.ofRun(
                          run.endedAt(), run.duration().compareTo(latency.max()) <= 0, run.runId()))
              .toList();
    } else {
      events =
          ended.stream()
              .map(run -> SliEvent.ofRun(run.endedAt(), run.status().isSuccess(), run.runId()))
              .toList();
    }
    return events.stream().sorted(Comparator.comparing(SliEvent::time)).toList();
  }

  /**
   * One event per day whose deadline came after the pipeline's first run started and whose data was
   * published by {@code at} or is late: backfilled history before the pipeline ran counts not.
   */
  private static List<SliEvent> dayEvents(
      Objective.Freshness freshness, List<RunRecord> ended, Instant at) {
    if (ended.isEmpty()) {
      return List.of();
    }
    Instant firstStart =
        ended.stream().map(RunRecord::startedAt).min(Comparator.naturalOrder()).get();
    Map<LocalDate, RunRecord> firstPublished = new LinkedHashMap<>();
    for (RunRecord run : ended) {
      if (run.status() == RunStatus.SUCCEEDED) {
        for (LocalDate day : run.dates()) {
          firstPublished.putIfAbsent(day, run);
        }
      }
    }
    List<SliEvent> events = new ArrayList<>();
    LocalDate day = firstStart.minus(freshness.deadline()).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate today = at.atZone(ZoneOffset.UTC).toLocalDate();
    for (; !day.isAfter(today); day = day.plusDays(1)) {
      Instant deadline = deadline(day, freshness);
      if (deadline.isBefore(firstStart)) {
        continue;
      }
      RunRecord published = firstPublished.get(day);
      if (published != null) {
        events.add(
            new SliEvent(
                published.endedAt(),
                !published.endedAt().isAfter(deadline),
                published.runId(),
                Optional.of(day)));
      } else if (deadline.isBefore(at)) {
        LocalDate missing = day;
        String lastAttempt =
            ended.stream()
                .filter(run -> run.dates().contains(missing))
                .reduce((earlier, later) -> later)
                .map(RunRecord::runId)
                .orElse("");
        events.add(new SliEvent(at, false, lastAttempt, Optional.of(day)));
      }
    }
    return events;
  }

  /** When the day's data is due: {@code day + 1 00:00 UTC + deadline}. */
  public static Instant deadline(LocalDate day, Objective.Freshness freshness) {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(freshness.deadline());
  }

  private static List<SliEvent> within(List<SliEvent> events, Instant at, Duration window) {
    Instant from = at.minus(window);
    return events.stream().filter(event -> event.time().isAfter(from)).toList();
  }

  private static double burnRate(Objective objective, List<SliEvent> events) {
    if (events.isEmpty()) {
      return 0;
    }
    long bad = events.stream().filter(event -> !event.good()).count();
    return (double) bad / events.size() / (1 - objective.target());
  }
}
