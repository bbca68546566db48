package io.medalla.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.Objective;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestObjectives {
  private static final Objective FRESH_BY_SIX = Objective.freshness(Duration.ofHours(6), 0.9);
  private static final Duration WINDOW = Duration.ofDays(28);

  @Test
  void withoutRunsAnObjectiveHasNoEventsAndItsWholeBudget() {
    ObjectiveStatus status =
        Objectives.evaluate(
            "p", FRESH_BY_SIX, List.of(), Instant.parse("2026-11-02T00:00:00Z"), WINDOW);

    assertThat(status.total()).isZero();
    assertThat(status.attainment()).isEqualTo(1.0);
    assertThat(status.budgetRemaining()).isEqualTo(1.0);
    assertThat(status.breached()).isFalse();
    assertThat(status.alert()).isEmpty();
  }

  @Test
  void historyBackfilledBeforeThePipelineFirstRanIsNotLate() {
    // The first run, on Nov 10 at 05:00, backfills Nov 1-9: only Nov 9 (due Nov 10 06:00) counts.
    RunRecord backfill =
        run(
            "b",
            RunStatus.SUCCEEDED,
            "2026-11-10T05:00:00Z",
            "2026-11-10T05:30:00Z",
            LocalDate.of(2026, 11, 1),
            9);

    List<SliEvent> events =
        Objectives.events(FRESH_BY_SIX, List.of(backfill), Instant.parse("2026-11-10T12:00:00Z"));

    assertThat(events)
        .extracting(e -> e.day().orElseThrow(), SliEvent::good)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(LocalDate.of(2026, 11, 9), true));
  }

  @Test
  void aDayCountsOnceItsDeadlinePassesAndOnlyItsFirstPublicationMatters() {
    RunRecord nov1 =
        run(
            "a",
            RunStatus.SUCCEEDED,
            "2026-11-02T05:00:00Z",
            "2026-11-02T05:10:00Z",
            LocalDate.of(2026, 11, 1),
            1);
    RunRecord nov2Failed =
        run(
            "b",
            RunStatus.FAILED,
            "2026-11-03T05:00:00Z",
            "2026-11-03T05:10:00Z",
            LocalDate.of(2026, 11, 2),
            1);
    RunRecord nov1Rerun =
        run(
            "c",
            RunStatus.SUCCEEDED,
            "2026-11-03T09:00:00Z",
            "2026-11-03T09:10:00Z",
            LocalDate.of(2026, 11, 1),
            1);
    List<RunRecord> runs = List.of(nov1, nov2Failed, nov1Rerun);

    // Before Nov 2's deadline it is pending; after, missing and bad, named by its last attempt.
    assertThat(Objectives.events(FRESH_BY_SIX, runs, Instant.parse("2026-11-03T05:59:00Z")))
        .extracting(SliEvent::good)
        .containsExactly(true);
    List<SliEvent> late =
        Objectives.events(FRESH_BY_SIX, runs, Instant.parse("2026-11-03T10:00:00Z"));
    assertThat(late)
        .extracting(SliEvent::runId, SliEvent::good)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", true),
            org.assertj.core.groups.Tuple.tuple("b", false));
    assertThat(late.get(1).time()).isEqualTo(Instant.parse("2026-11-03T10:00:00Z"));
  }

  @Test
  void latencyCountsSucceededRunsOnlyAndSuccessCountsEveryEndedRun() {
    List<RunRecord> runs =
        List.of(
            run(
                "a",
                RunStatus.SUCCEEDED,
                "2026-11-02T05:00:00Z",
                "2026-11-02T05:10:00Z",
                LocalDate.of(2026, 11, 1),
                1),
            run(
                "b",
                RunStatus.FAILED,
                "2026-11-03T05:00:00Z",
                "2026-11-03T07:00:00Z",
                LocalDate.of(2026, 11, 2),
                1),
            run(
                "c",
                RunStatus.SKIPPED,
                "2026-11-04T05:00:00Z",
                "2026-11-04T05:01:00Z",
                LocalDate.of(2026, 11, 3),
                1),
            run(
                "d",
                RunStatus.RUNNING,
                "2026-11-05T05:00:00Z",
                "2026-11-05T05:00:00Z",
                LocalDate.of(2026, 11, 4),
                1));
    Instant at = Instant.parse("2026-11-06T00:00:00Z");

    ObjectiveStatus latency =
        Objectives.evaluate("p", Objective.latency(Duration.ofMinutes(5), 0.9), runs, at, WINDOW);
    ObjectiveStatus success = Objectives.evaluate("p", Objective.success(0.9), runs, at, WINDOW);

    assertThat(latency.good()).isZero();
    assertThat(latency.bad()).isEqualTo(1);
    assertThat(success.good()).isEqualTo(2);
    assertThat(success.bad()).isEqualTo(1);
    assertThat(success.lastBadRun()).contains("b");
  }

  @Test
  void incidentsJoinByErrorAndTheNextSuccessResolvesThemAll() {
    List<RunRecord> runs =
        List.of(
            failed("a", "2026-11-02T05:10:00Z", "RUN_FAILED"),
            failed("b", "2026-11-02T05:20:00Z", "INPUT_MISSING"),
            failed("c", "2026-11-02T05:30:00Z", "RUN_FAILED"),
            run(
                "d",
                RunStatus.SUCCEEDED,
                "2026-11-02T06:00:00Z",
                "2026-11-02T06:10:00Z",
                LocalDate.of(2026, 11, 1),
                1),
            failed("e", "2026-11-03T05:10:00Z", "RUN_FAILED"));

    List<Incident> incidents = Incidents.derive(runs, pipeline -> List.of("gold_x.y"));

    assertThat(incidents)
        .extracting(Incident::id, i -> i.runIds(), Incident::open)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("p/a", List.of("a", "c"), false),
            org.assertj.core.groups.Tuple.tuple("p/b", List.of("b"), false),
            org.assertj.core.groups.Tuple.tuple("p/e", List.of("e"), true));
    assertThat(incidents.get(0).timeToResolve()).contains(Duration.ofMinutes(60));
    assertThat(incidents.get(1).timeToResolve()).contains(Duration.ofMinutes(50));
    assertThat(incidents.get(0).downstream()).containsExactly("gold_x.y");
    assertThat(OperationsReport.meanTimeToResolve(incidents)).contains(Duration.ofMinutes(55));
  }

  private static RunRecord failed(String id, String ended, String code) {
    Instant end = Instant.parse(ended);
    return new RunRecord(
        id,
        "p",
        "local",
        LocalDate.of(2026, 11, 1),
        Map.of(),
        RunStatus.FAILED,
        end.minusSeconds(60),
        end,
        0,
        0,
        0,
        0,
        0,
        Optional.empty(),
        Optional.of(code),
        Optional.of("java.lang.IllegalStateException"),
        Optional.of("boom"),
        "me",
        RunMode.DATES,
        List.of(LocalDate.of(2026, 11, 1)),
        Map.of());
  }

  private static RunRecord run(
      String id, RunStatus status, String started, String ended, LocalDate first, int days) {
    List<LocalDate> dates =
        java.util.stream.IntStream.range(0, days).mapToObj(first::plusDays).toList();
    return new RunRecord(
        id,
        "p",
        "local",
        dates.get(dates.size() - 1),
        Map.of(),
        status,
        Instant.parse(started),
        Instant.parse(ended),
        0,
        0,
        0,
        0,
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "me",
        RunMode.DATES,
        dates,
        Map.of());
  }
}
