package io.medalla.internal.health;

import io.medalla.api.Objective;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import io.medalla.internal.docs.Runbooks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What operations looked like over a window, from the ledger and the quality results: each data
 * product's health, the incidents, MTTR, the top errors, the flakiest pipelines, the objectives and
 * suggestions drawn from the history. {@code report} prints it and renders it as the status page.
 *
 * @param at the end of the window
 * @param window its length
 * @param products every pipeline, in dependency order
 * @param incidents the incidents opened in the window or still open, by first failure
 * @param meanTimeToResolve the mean time to resolve of the window's resolved incidents
 * @param topErrors the failed and blocked runs' causes, most frequent first
 * @param flakiest the pipelines with failed runs of dates a later run published, most first
 * @param suggestions what the history suggests looking at
 */
public record OperationsReport(
    Instant at,
    Duration window,
    List<ProductHealth> products,
    List<Incident> incidents,
    Optional<Duration> meanTimeToResolve,
    List<ErrorCount> topErrors,
    List<Flakiness> flakiest,
    List<String> suggestions) {

  /** Consecutive failing days of a rule that make a suggestion. */
  static final int FAILING_DAYS = 3;

  /** Incidents with one error code that make a suggestion. */
  static final int RECURRING_INCIDENTS = 3;

  /** Successful runs per week, at least, for comparing a pipeline's durations week on week. */
  static final int RUNS_TO_COMPARE = 3;

  /**
   * One data product's health.
   *
   * @param spec its spec
   * @param runs its runs ended in the window, oldest first
   * @param lastRun its latest ended run
   * @param objectives its objectives' standing
   * @param budgetBurn per objective, the error budget left at the end of each day of the window
   * @param freshness per day its freshness objective counts in the window, the publication lag
   *     after the day ended and whether it was on time
   * @param openIncidents its incidents still open
   * @param incidents its incidents in the window
   * @param quality its quality checks per logical date of its runs in the window
   */
  public record ProductHealth(
      PipelineSpec spec,
      List<RunRecord> runs,
      Optional<RunRecord> lastRun,
      List<ObjectiveStatus> objectives,
      Map<String, List<BudgetPoint>> budgetBurn,
      List<SliEvent> freshness,
      List<Incident> openIncidents,
      List<Incident> incidents,
      List<QualityDay> quality) {
    public String name() {
      return spec.pipelineName();
    }
  }

  /** The share of an objective's error budget left at an instant. */
  public record BudgetPoint(Instant at, double remaining) {}

  /** How many failed or blocked runs ended with an error code and class. */
  public record ErrorCount(String errorCode, String errorClass, long runs) {}

  /**
   * A pipeline's failed runs of dates a later run of it published.
   *
   * @param pipeline the pipeline
   * @param flakyRuns its failed or blocked runs whose date a later run published
   * @param runs its runs in the window
   */
  public record Flakiness(String pipeline, long flakyRuns, long runs) {}

  /**
   * Builds the report at {@code at} over {@code window}.
   *
   * @param pipelines the registered pipelines, in dependency order
   * @param ledger every ended run
   * @param quality every table's checks per logical date
   * @param downstream the pipelines reading a pipeline's output, by pipeline name
   */
  public static OperationsReport build(
      Collection<Pipeline> pipelines,
      List<RunRecord> ledger,
      List<QualityDay> quality,
      Function<String, List<String>> downstream,
      Instant at,
      Duration window) {
    Instant from = at.minus(window);
    List<RunRecord> ended = ledger.stream().filter(run -> !run.endedAt().isAfter(at)).toList();
    List<RunRecord> inWindow = ended.stream().filter(run -> run.endedAt().isAfter(from)).toList();
    List<Incident> incidents =
        Incidents.derive(ended, downstream).stream()
            .filter(incident -> incident.open() || incident.openedAt().isAfter(from))
            .toList();
    Map<String, List<RunRecord>> runsOf = byPipeline(ended);
    List<ProductHealth> products = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      PipelineSpec spec = pipeline.spec();
      String name = spec.pipelineName();
      List<RunRecord> runs = runsOf.getOrDefault(name, List.of());
      List<ObjectiveStatus> objectives = Objectives.evaluate(List.of(pipeline), ended, at, window);
      Map<String, List<BudgetPoint>> burn = new LinkedHashMap<>();
      List<SliEvent> freshness = List.of();
      for (Objective objective : spec.objectives()) {
        burn.put(objective.kind(), budgetBurn(name, objective, runs, at, window));
        if (objective instanceof Objective.Freshness) {
          freshness =
              Objectives.events(objective, runs, at).stream()
                  .filter(event -> event.time().isAfter(from))
                  .toList();
        }
      }
      products.add(
          new ProductHealth(
              spec,
              runs.stream().filter(run -> run.endedAt().isAfter(from)).toList(),
              runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1)),
              objectives,
              burn,
              freshness,
              incidents.stream()
                  .filter(incident -> incident.pipeline().equals(name) && incident.open())
                  .toList(),
              incidents.stream().filter(incident -> incident.pipeline().equals(name)).toList(),
              quality.stream()
                  .filter(day -> day.table().equals(name))
                  .filter(
                      day ->
                          inWindow.stream()
                              .anyMatch(
                                  run ->
                                      run.pipeline().equals(name)
                                          && run.dates().contains(day.date())))
                  .sorted(Comparator.comparing(QualityDay::date))
                  .toList()));
    }
    List<ErrorCount> topErrors = topErrors(inWindow);
    List<Flakiness> flakiest = flakiest(inWindow, ended);
    return new OperationsReport(
        at,
        window,
        products,
        incidents,
        meanTimeToResolve(incidents),
        topErrors,
        flakiest,
        Suggestions.from(products, incidents, flakiest, quality, at));
  }

  /** The incidents that are open. */
  public List<Incident> openIncidents() {
    return incidents.stream().filter(Incident::open).toList();
  }

  /** Every product's objectives, in product order. */
  public List<ObjectiveStatus> objectives() {
    return products.stream().flatMap(product -> product.objectives().stream()).toList();
  }

  /** The mean from first failure to resolution over the resolved incidents; empty without one. */
  public static Optional<Duration> meanTimeToResolve(List<Incident> incidents) {
    List<Duration> times =
        incidents.stream().flatMap(incident -> incident.timeToResolve().stream()).toList();
    if (times.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        times.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(times.size()));
  }

  private static List<BudgetPoint> budgetBurn(
      String pipeline, Objective objective, List<RunRecord> runs, Instant at, Duration window) {
    List<BudgetPoint> points = new ArrayList<>();
    LocalDate first = at.minus(window).atZone(ZoneOffset.UTC).toLocalDate().plusDays(1);
    for (LocalDate day = first; ; day = day.plusDays(1)) {
      Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant sample = end.isAfter(at) ? at : end;
      points.add(
          new BudgetPoint(
              sample,
              Objectives.evaluate(pipeline, objective, runs, sample, window).budgetRemaining()));
      if (!end.isBefore(at)) {
        return points;
      }
    }
  }

  private static List<ErrorCount> topErrors(List<RunRecord> runs) {
    Map<List<String>, Long> counts =
        runs.stream()
            .filter(run -> !run.status().isSuccess())
            .collect(
                Collectors.groupingBy(
                    run ->
                        List.of(
                            run.errorCode().orElse(run.status().name()),
                            run.errorClass().orElse("")),
                    LinkedHashMap::new,
                    Collectors.counting()));
    return counts.entrySet().stream()
        .map(
            entry -> new ErrorCount(entry.getKey().get(0), entry.getKey().get(1), entry.getValue()))
        .sorted(Comparator.comparingLong(ErrorCount::runs).reversed())
        .toList();
  }

  private static List<Flakiness> flakiest(List<RunRecord> inWindow, List<RunRecord> ended) {
    List<Flakiness> flakiness = new ArrayList<>();
    byPipeline(inWindow)
        .forEach(
            (pipeline, runs) -> {
              long flaky =
                  runs.stream()
                      .filter(run -> !run.status().isSuccess())
                      .filter(
                          failed ->
                              ended.stream()
                                  .anyMatch(
                                      later ->
                                          later.pipeline().equals(pipeline)
                                              && later.status() == RunStatus.SUCCEEDED
                                              && later.endedAt().isAfter(failed.endedAt())
                                              && later.dates().contains(failed.logicalDate())))
                      .count();
              if (flaky > 0) {
                flakiness.add(new Flakiness(pipeline, flaky, runs.size()));
              }
            });
    return flakiness.stream()
        .sorted(Comparator.comparingLong(Flakiness::flakyRuns).reversed())
        .toList();
  }

  private static Map<String, List<RunRecord>> byPipeline(List<RunRecord> runs) {
    return runs.stream()
        .sorted(Comparator.comparing(RunRecord::endedAt))
        .collect(
            Collectors.groupingBy(RunRecord::pipeline, LinkedHashMap::new, Collectors.toList()));
  }

  /** The runbook an operator reads for the pipeline, relative to the repository root. */
  static Path runbook(PipelineSpec spec) {
    return Runbooks.path(Path.of(""), spec);
  }
}
