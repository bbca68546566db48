package io.medalla.internal.health;

import io.medalla.api.Objective;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an objective stands at an instant, over a window.
 *
 * @param pipeline the data product
 * @param objective what it promises
 * @param at the instant evaluated
 * @param window how far back events count
 * @param good the window's good events
 * @param bad the window's bad events
 * @param burnRates the error budget's burn rate over each alerting window (1h, 5m, 6h, 30m): the
 *     share of bad events in it divided by the share the target allows; 0 without events
 * @param alert the burn-rate alert firing, if any
 * @param lastBadRun the latest bad event's run, if the window has one with a run
 */
public record ObjectiveStatus(
    String pipeline,
    Objective objective,
    Instant at,
    Duration window,
    long good,
    long bad,
    Map<Duration, Double> burnRates,
    Optional<BurnRateAlert> alert,
    Optional<String> lastBadRun) {
  public ObjectiveStatus {
    burnRates = Map.copyOf(burnRates);
  }

  public long total() {
    return good + bad;
  }

  /** The share of good events; 1 without events. */
  public double attainment() {
    return total() == 0 ? 1.0 : (double) good / total();
  }

  /** The bad events the target allows over the window. */
  public double allowedBad() {
    return (1 - objective.target()) * total();
  }

  /** The share of the error budget left: 1 untouched, 0 spent, negative when overspent. */
  public double budgetRemaining() {
    return total() == 0 ? 1.0 : 1 - bad / allowedBad();
  }

  /** The standing as {@code slo --json} and {@code report --json} print it. */
  public Map<String, Object> describe() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("pipeline", pipeline);
    fields.put("objective", objective.kind());
    fields.put("promise", objective.describe());
    fields.put("target", objective.target());
    fields.put("window", Objectives.span(window));
    fields.put("at", at.toString());
    fields.put("events", total());
    fields.put("good", good);
    fields.put("bad", bad);
    fields.put("attainment", attainment());
    fields.put("error_budget_remaining", budgetRemaining());
    Map<String, Double> rates = new LinkedHashMap<>();
    burnRates.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(rate -> rates.put(Objectives.span(rate.getKey()), rate.getValue()));
    fields.put("burn_rates", rates);
    fields.put("alert", alert.map(BurnRateAlert::code).orElse(null));
    fields.put("breached", breached());
    return fields;
  }

  /** Whether the window's attainment is below the target. */
  public boolean breached() {
    return good < objective.target() * total() - 1e-9;
  }
}
