package io.medalla.internal.cli;

import io.medalla.internal.health.Incident;
import io.medalla.internal.health.ObjectiveStatus;
import io.medalla.internal.health.Objectives;
import io.medalla.internal.health.OperationsReport;
import io.medalla.internal.health.OperationsReport.ProductHealth;
import io.medalla.internal.health.QualityDay;
import io.medalla.internal.health.StatusPage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code report [--window 28d] [--at INSTANT] [--json] [--html DIR]}: operations over a window. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Reports on operations over a window from the run ledger and the quality results: incidents"
          + " per pipeline, MTTR, top errors, flakiest pipelines, objectives and suggestions.",
      "With --html DIR, also writes the status page DIR/index.html: one self-contained file."
    })
final class ReportCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Mixin WindowOptions window;

  @Option(names = "--html", paramLabel = "DIR", description = "Write the status page into DIR.")
  Path html;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CliContext context = root.context();
    OperationsReport report =
        OperationsReport.build(
            context.registry().inDependencyOrder(),
            context.runner().ledger().endedRuns(),
            QualityDay.latest(context.qualityStore().results()),
            context::downstreamOf,
            window.end(),
            window.window(context.settings()));
    PrintWriter out = context.environment().out();
    if (html != null) {
      Path page = StatusPage.write(report, html);
      if (!json) {
        out.println("Status page: " + page.toAbsolutePath());
      }
    }
    if (json) {
      Json.print(out, describe(report));
    } else {
      print(out, report);
    }
    return 0;
  }

  private static Map<String, Object> describe(OperationsReport report) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("at", report.at().toString());
    document.put("window", Objectives.span(report.window()));
    document.put("mttr_s", report.meanTimeToResolve().map(Duration::toSeconds).orElse(null));
    document.put(
        "pipelines",
        report.products().stream()
            .map(
                product -> {
                  Map<String, Object> fields = new LinkedHashMap<>();
                  fields.put("pipeline", product.name());
                  fields.put("owner", product.spec().owner());
                  fields.put("runs", product.runs().size());
                  fields.put("failed_runs", failedRuns(product));
                  fields.put("incidents", product.incidents().size());
                  fields.put("open_incidents", product.openIncidents().size());
                  fields.put(
                      "mttr_s",
                      OperationsReport.meanTimeToResolve(product.incidents())
                          .map(Duration::toSeconds)
                          .orElse(null));
                  fields.put("last_run", product.lastRun().map(run -> run.runId()).orElse(null));
                  fields.put(
                      "last_status",
                      product.lastRun().map(run -> run.status().name()).orElse(null));
                  return fields;
                })
            .toList());
    document.put("incidents", report.incidents().stream().map(Incident::describe).toList());
    document.put(
        "top_errors",
        report.topErrors().stream()
            .map(
                error ->
                    Map.of(
                        "error_code", error.errorCode(),
                        "error_class", error.errorClass(),
                        "runs", error.runs()))
            .toList());
    document.put(
        "flakiest",
        report.flakiest().stream()
            .map(
                flaky ->
                    Map.of(
                        "pipeline", flaky.pipeline(),
                        "flaky_runs", flaky.flakyRuns(),
                        "runs", flaky.runs()))
            .toList());
    document.put(
        "objectives", report.objectives().stream().map(ObjectiveStatus::describe).toList());
    document.put("suggestions", report.suggestions());
    return document;
  }

  private static void print(PrintWriter out, OperationsReport report) {
    out.printf(
        "Operations over %s up to %s: %d incidents (%d open), MTTR %s%n",
        Objectives.span(report.window()),
        report.at(),
        report.incidents().size(),
        report.openIncidents().size(),
        report.meanTimeToResolve().map(Objectives::human).orElse("-"));
    out.println();
    TextTable pipelines =
        new TextTable("pipeline", "owner", "runs", "failed", "incidents", "open", "MTTR", "last");
    for (ProductHealth product : report.products()) {
      pipelines.add(
          product.name(),
          product.spec().owner(),
          String.valueOf(product.runs().size()),
          String.valueOf(failedRuns(product)),
          String.valueOf(product.incidents().size()),
          String.valueOf(product.openIncidents().size()),
          OperationsReport.meanTimeToResolve(product.incidents())
              .map(Objectives::human)
              .orElse("-"),
          product.lastRun().map(run -> run.status() + " " + run.endedAt()).orElse("-"));
    }
    pipelines.print(out);
    if (!report.incidents().isEmpty()) {
      out.println();
      out.println("Incidents:");
      IncidentsCommand.print(out, report.incidents());
    }
    if (!report.topErrors().isEmpty()) {
      out.println();
      out.println("Top errors:");
      TextTable errors = new TextTable("error", "class", "runs");
      report
          .topErrors()
          .forEach(
              error ->
                  errors.add(error.errorCode(), error.errorClass(), String.valueOf(error.runs())));
      errors.print(out);
    }
    if (!report.flakiest().isEmpty()) {
      out.println();
      out.println("Flakiest (failed runs of dates a later run published):");
      TextTable flaky = new TextTable("pipeline", "flaky runs", "runs");
      report
          .flakiest()
          .forEach(
              entry ->
                  flaky.add(
                      entry.pipeline(),
                      String.valueOf(entry.flakyRuns()),
                      String.valueOf(entry.runs())));
      flaky.print(out);
    }
    List<ObjectiveStatus> objectives = report.objectives();
    if (!objectives.isEmpty()) {
      out.println();
      out.println("Objectives:");
      SloCommand.printTable(out, objectives);
    }
    out.println();
    out.println(report.suggestions().isEmpty() ? "No suggestions." : "Suggestions:");
    report.suggestions().forEach(suggestion -> out.println("- " + suggestion));
  }

  private static long failedRuns(ProductHealth product) {
    return product.runs().stream().filter(run -> !run.status().isSuccess()).count();
  }
}
