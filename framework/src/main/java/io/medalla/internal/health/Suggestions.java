package io.medalla.internal.health;

import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import io.medalla.internal.health.OperationsReport.Flakiness;
import io.medalla.internal.health.OperationsReport.ProductHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What the history suggests an operator look at, most pressing first. */
final class Suggestions {
  private static final Duration WEEK = Duration.ofDays(7);

  private Suggestions() {}

  static List<String> from(
      List<ProductHealth> products,
      List<Incident> incidents,
      List<Flakiness> flakiest,
      List<QualityDay> quality,
      Instant at) {
    List<String> suggestions = new ArrayList<>();
    for (ProductHealth product : products) {
      for (ObjectiveStatus objective : product.objectives()) {
        if (objective.breached()) {
          suggestions.add(
              String.format(
                  "%s misses its %s objective (%s): %s of events good over %s against a %s"
                      + " target; see `medalla slo %s`.",
                  product.name(),
                  objective.objective().kind(),
                  objective.objective().describe(),
                  Objectives.percent(objective.attainment()),
                  Objectives.span(objective.window()),
                  Objectives.percent(objective.objective().target()),
                  product.name()));
        }
      }
    }
    Map<List<String>, Long> recurring =
        incidents.stream()
            .collect(
                Collectors.groupingBy(
                    incident -> List.of(incident.pipeline(), incident.errorCode()),
                    LinkedHashMap::new,
                    Collectors.counting()));
    recurring.forEach(
        (cause, count) -> {
          if (count >= OperationsReport.RECURRING_INCIDENTS) {
            String runbook =
                products.stream()
                    .filter(product -> product.name().equals(cause.get(0)))
                    .findFirst()
                    .map(product -> " its runbook " + OperationsReport.runbook(product.spec()))
                    .orElse(" the pipeline's runbook");
            suggestions.add(
                String.format(
                    "%s had %d incidents with %s: fix the cause once; see%s.",
                    cause.get(0), count, cause.get(1), runbook));
          }
        });
    failingRules(quality, at).forEach(suggestions::add);
    for (ProductHealth product : products) {
      slowdown(product, at).ifPresent(suggestions::add);
    }
    for (Flakiness flaky : flakiest) {
      if (flaky.flakyRuns() >= 2) {
        suggestions.add(
            String.format(
                "%s failed %d times on dates a later run published: look for a transient cause"
                    + " (timeouts, resources, late files) before retries hide it.",
                flaky.pipeline(), flaky.flakyRuns()));
      }
    }
    return suggestions;
  }

  /**
   * Rules whose table failed them on its latest consecutive days, at least {@code FAILING_DAYS}.
   */
  private static List<String> failingRules(List<QualityDay> quality, Instant at) {
    LocalDate today = at.atZone(ZoneOffset.UTC).toLocalDate();
    Map<String, List<QualityDay>> byTable =
        quality.stream()
            .filter(day -> !day.date().isAfter(today))
            .sorted(Comparator.comparing(QualityDay::date).reversed())
            .collect(
                Collectors.groupingBy(QualityDay::table, LinkedHashMap::new, Collectors.toList()));
    List<String> suggestions = new ArrayList<>();
    byTable.forEach(
        (table, days) -> {
          Set<String> rules = new TreeSet<>(days.get(0).failed());
          for (String rule : rules) {
            int streak = 0;
            LocalDate expected = days.get(0).date();
            for (QualityDay day : days) {
              if (!day.date().equals(expected) || !day.failed().contains(rule)) {
                break;
              }
              streak++;
              expected = expected.minusDays(1);
            }
            if (streak >= OperationsReport.FAILING_DAYS) {
              suggestions.add(
                  String.format(
                      "Rule %s of %s failed on %d consecutive days up to %s: fix the data at its"
                          + " source or revisit the rule; see `medalla quality %s`.",
                      rule, table, streak, days.get(0).date(), table));
            }
          }
        });
    return suggestions;
  }

  /** A pipeline whose median successful run took twice as long this week as the week before. */
  private static Optional<String> slowdown(ProductHealth product, Instant at) {
    List<Long> thisWeek = durations(product.runs(), at.minus(WEEK), at);
    List<Long> weekBefore =
        durations(product.runs(), at.minus(WEEK.multipliedBy(2)), at.minus(WEEK));
    if (thisWeek.size() < OperationsReport.RUNS_TO_COMPARE
        || weekBefore.size() < OperationsReport.RUNS_TO_COMPARE) {
      return Optional.empty();
    }
    double now = median(thisWeek);
    double before = median(weekBefore);
    if (before <= 0 || now < 2 * before) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s's median run took %.1fx as long this week (%.1f s) as the week before (%.1f s):"
                + " see `medalla status --pipeline %s --steps` for the step that grew.",
            product.name(),
            now / before,
            now / 1000,
            before / 1000,
            product.name()));
  }

  private static List<Long> durations(List<RunRecord> runs, Instant from, Instant to) {
    return runs.stream()
        .filter(run -> run.status() == RunStatus.SUCCEEDED)
        .filter(run -> run.endedAt().isAfter(from) && !run.endedAt().isAfter(to))
        .map(run -> run.duration().toMillis())
        .sorted()
        .toList();
  }

  private static double median(List<Long> sorted) {
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
  }
}
