package io.medalla.internal.health;

import io.medalla.api.RunRecord;
import io.medalla.api.RunStatus;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Derives incidents from the ledger, keeping no state of its own: in each pipeline's run order, a
 * failed or blocked run opens an incident or joins the open one with its error code and class; the
 * pipeline's next succeeded or skipped run resolves every open one.
 */
public final class Incidents {
  private Incidents() {}

  /**
   * The incidents of the ended runs, by first failure.
   *
   * @param downstream the pipelines reading a pipeline's output, by pipeline name
   */
  public static List<Incident> derive(
      List<RunRecord> runs, Function<String, List<String>> downstream) {
    List<Incident> incidents = new ArrayList<>();
    Map<String, List<Builder>> open = new LinkedHashMap<>();
    List<RunRecord> ordered =
        runs.stream()
            .filter(run -> run.status() != RunStatus.RUNNING)
            .sorted(Comparator.comparing(RunRecord::endedAt).thenComparing(RunRecord::runId))
            .toList();
    for (RunRecord run : ordered) {
      List<Builder> ofPipeline = open.computeIfAbsent(run.pipeline(), name -> new ArrayList<>());
      if (run.status().isSuccess()) {
        ofPipeline.forEach(incident -> incidents.add(incident.build(downstream, Optional.of(run))));
        ofPipeline.clear();
        continue;
      }
      String code = run.errorCode().orElse(run.status().name());
      String errorClass = run.errorClass().orElse("");
      Builder incident =
          ofPipeline.stream()
              .filter(candidate -> candidate.errorCode.equals(code))
              .filter(candidate -> candidate.errorClass.equals(errorClass))
              .findFirst()
              .orElseGet(
                  () -> {
                    Builder opened = new Builder(run, code, errorClass);
                    ofPipeline.add(opened);
                    return opened;
                  });
      incident.join(run);
    }
    open.values().stream()
        .flatMap(List::stream)
        .forEach(incident -> incidents.add(incident.build(downstream, Optional.empty())));
    return incidents.stream()
        .sorted(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id))
        .toList();
  }

  private static final class Builder {
    private final RunRecord first;
    private final String errorCode;
    private final String errorClass;
    private final List<String> runIds = new ArrayList<>();
    private final List<LocalDate> dates = new ArrayList<>();
    private RunRecord last;

    Builder(RunRecord first, String errorCode, String errorClass) {
      this.first = first;
      this.errorCode = errorCode;
      this.errorClass = errorClass;
    }

    void join(RunRecord run) {
      runIds.add(run.runId());
      if (!dates.contains(run.logicalDate())) {
        dates.add(run.logicalDate());
      }
      last = run;
    }

    Incident build(Function<String, List<String>> downstream, Optional<RunRecord> resolver) {
      return new Incident(
          first.pipeline() + "/" + first.runId(),
          first.pipeline(),
          errorCode,
          errorClass,
          last.errorMessage().orElse(""),
          first.endedAt(),
          last.endedAt(),
          runIds,
          dates,
          downstream.apply(first.pipeline()),
          resolver.map(RunRecord::endedAt),
          resolver.map(RunRecord::runId));
    }
  }
}
