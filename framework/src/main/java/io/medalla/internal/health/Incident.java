package io.medalla.internal.health;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Failed or blocked runs of one pipeline with one cause, until a run of the pipeline succeeds.
 *
 * @param id {@code <pipeline>/<first failed run id>}: stable, as incidents are derived from the
 *     ledger
 * @param pipeline the pipeline that failed
 * @param errorCode the stable error code the runs ended with
 * @param errorClass the exception class they ended with
 * @param errorMessage the latest run's error message, secrets masked
 * @param openedAt when the first failed run ended
 * @param lastFailureAt when the latest failed run ended
 * @param runIds the failed runs, oldest first
 * @param dates the logical dates they processed, in first-failure order
 * @param downstream the pipelines reading the pipeline's output, directly or not
 * @param resolvedAt when the run that resolved it ended; empty while open
 * @param resolvedBy the run that resolved it
 */
public record Incident(
    String id,
    String pipeline,
    String errorCode,
    String errorClass,
    String errorMessage,
    Instant openedAt,
    Instant lastFailureAt,
    List<String> runIds,
    List<LocalDate> dates,
    List<String> downstream,
    Optional<Instant> resolvedAt,
    Optional<String> resolvedBy) {
  public Incident {
    runIds = List.copyOf(runIds);
    dates = List.copyOf(dates);
    downstream = List.copyOf(downstream);
  }

  public boolean open() {
    return resolvedAt.isEmpty();
  }

  /** From the first failure to the resolving run's end; empty while open. */
  public Optional<Duration> timeToResolve() {
    return resolvedAt.map(resolved -> Duration.between(openedAt, resolved));
  }

  /** The incident as {@code incidents --json} and {@code report --json} print it. */
  public Map<String, Object> describe() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", id);
    fields.put("pipeline", pipeline);
    fields.put("state", open() ? "OPEN" : "RESOLVED");
    fields.put("error_code", errorCode);
    fields.put("error_class", errorClass);
    fields.put("error_message", errorMessage);
    fields.put("opened_at", openedAt.toString());
    fields.put("last_failure_at", lastFailureAt.toString());
    fields.put("runs_affected", runIds.size());
    fields.put("run_ids", runIds);
    fields.put("dates", dates.stream().map(LocalDate::toString).toList());
    fields.put("downstream", downstream);
    fields.put("resolved_at", resolvedAt.map(Instant::toString).orElse(null));
    fields.put("resolved_by", resolvedBy.orElse(null));
    fields.put("time_to_resolve_s", timeToResolve().map(Duration::toSeconds).orElse(null));
    return fields;
  }
}
