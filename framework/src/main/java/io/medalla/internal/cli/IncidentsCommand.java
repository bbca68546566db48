package io.medalla.internal.cli;

import io.medalla.internal.health.Incident;
import io.medalla.internal.health.Incidents;
import io.medalla.internal.health.Objectives;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code incidents [--open] [--pipeline P] [--json]}: the incidents derived from the ledger. */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the incidents derived from the run ledger, newest first: a failed or blocked run opens"
          + " one or joins the open one of its pipeline with the same error; the pipeline's next"
          + " successful run resolves it."
    })
final class IncidentsCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Option(names = "--open", description = "Only the incidents still open.")
  boolean open;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline's.")
  String pipeline;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    List<Incident> incidents =
        Incidents.derive(context.runner().ledger().endedRuns(), context::downstreamOf).stream()
            .filter(incident -> !open || incident.open())
            .filter(incident -> pipeline == null || incident.pipeline().equals(pipeline))
            .sorted((a, b) -> b.openedAt().compareTo(a.openedAt()))
            .toList();
    PrintWriter out = context.environment().out();
    if (json) {
      Json.print(out, Map.of("incidents", incidents.stream().map(Incident::describe).toList()));
      return 0;
    }
    if (incidents.isEmpty()) {
      out.println(open ? "No open incidents." : "No incidents.");
      return 0;
    }
    print(out, incidents);
    return 0;
  }

  /** One line per incident, then its message. */
  static void print(PrintWriter out, List<Incident> incidents) {
    TextTable table =
        new TextTable(
            "incident", "state", "error", "opened", "runs", "resolved after", "downstream");
    for (Incident incident : incidents) {
      table.add(
          incident.id(),
          incident.open() ? "OPEN" : "resolved",
          incident.errorCode(),
          incident.openedAt().toString(),
          String.valueOf(incident.runIds().size()),
          incident.timeToResolve().map(Objectives::human).orElse("-"),
          incident.downstream().isEmpty() ? "-" : String.join(", ", incident.downstream()));
    }
    table.print(out);
  }
}
