package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.internal.health.ObjectiveStatus;
import io.medalla.internal.health.Objectives;
import io.medalla.internal.ops.Alerts;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code slo [PIPELINE...] [--window 28d] [--at INSTANT] [--alert] [--json]}: the data products'
 * service level objectives from the run ledger; exit status 4 when one is breached.
 */
@Command(
    name = "slo",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates the service level objectives the pipelines declare, from the run ledger:"
          + " attainment, error budget left, burn rates and burn-rate alerts.",
      "Exit status 4 when an objective's attainment over the window is below its target."
    })
final class SloCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Parameters(
      paramLabel = "PIPELINE",
      arity = "0..*",
      description = "Only these pipelines (default: every pipeline declaring objectives).")
  List<String> pipelines = new ArrayList<>();

  @Mixin WindowOptions window;

  @Option(
      names = "--alert",
      description = "Send firing burn-rate alerts through the alert sinks (medalla.alert.sinks).")
  boolean alert;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    Collection<Pipeline> selected = context.registry().all();
    if (!pipelines.isEmpty()) {
      selected = pipelines.stream().map(context.registry()::get).toList();
    }
    Duration span = window.window(context.settings());
    Instant now = window.end();
    List<ObjectiveStatus> statuses =
        Objectives.evaluate(selected, context.runner().ledger().endedRuns(), now, span);
    if (alert) {
      Alerts alerts = Alerts.fromSettings(context.settings());
      statuses.stream()
          .filter(status -> status.alert().isPresent())
          .forEach(
              status -> alerts.send(Objectives.alert(status, context.settings().environment())));
    }
    print(context.environment().out(), statuses, span, now);
    return statuses.stream().anyMatch(ObjectiveStatus::breached)
        ? MedallaCommand.OBJECTIVE_BREACHED
        : 0;
  }

  private void print(PrintWriter out, List<ObjectiveStatus> statuses, Duration span, Instant now) {
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("at", now.toString());
      document.put("window", Objectives.span(span));
      document.put("objectives", statuses.stream().map(ObjectiveStatus::describe).toList());
      Json.print(out, document);
      return;
    }
    if (statuses.isEmpty()) {
      out.println("No objectives declared; add .objective(...) to a pipeline's spec.");
      return;
    }
    out.printf("Objectives over %s as of %s%n", Objectives.span(span), now);
    printTable(out, statuses);
  }

  /** One line per objective: its target, attainment, budget, burn rates and state. */
  static void printTable(PrintWriter out, List<ObjectiveStatus> statuses) {
    TextTable table =
        new TextTable(
            "pipeline",
            "objective",
            "target",
            "attainment",
            "good/events",
            "budget left",
            "burn 1h",
            "burn 6h",
            "state");
    for (ObjectiveStatus status : statuses) {
      table.add(
          status.pipeline(),
          status.objective().kind() + ": " + status.objective().describe(),
          Objectives.percent(status.objective().target()),
          status.total() == 0 ? "-" : Objectives.percent(status.attainment()),
          status.good() + "/" + status.total(),
          Objectives.percent(status.budgetRemaining()),
          burn(status, Duration.ofHours(1)),
          burn(status, Duration.ofHours(6)),
          state(status));
    }
    table.print(out);
  }

  private static String burn(ObjectiveStatus status, Duration window) {
    return String.format(Locale.ROOT, "%.1fx", status.burnRates().get(window));
  }

  static String state(ObjectiveStatus status) {
    List<String> states = new ArrayList<>();
    if (status.breached()) {
      states.add("BREACHED");
    }
    status.alert().ifPresent(burn -> states.add(burn.code()));
    if (states.isEmpty()) {
      return status.total() == 0 ? "no events" : "ok";
    }
    return String.join(" ", states);
  }
}
