package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.RunMode;
import io.medalla.api.RunResult;
import io.medalla.internal.run.Backfill;
import io.medalla.internal.run.PipelineRegistry;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backfill <pipeline>... --from D --to D [--batch-days N] [--downstream] [--dry-run]}. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Re-processes a range of logical dates of pipelines, in dependency order, in batches of",
      "dates (bronze ingests one date per run), recording every run in the ledger. Started",
      "again with the same arguments after a crash or failure, it resumes without redoing",
      "finished runs; --force starts over. --downstream then refreshes every pipeline reading",
      "from them, incrementally: exactly the partitions the backfill changed, rolling windows",
      "included. Stops at the first failed run and exits with its status."
    })
final class BackfillCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Parameters(paramLabel = "PIPELINE", arity = "1..*", description = "Pipelines to backfill.")
  List<String> names = new ArrayList<>();

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First date.")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last date.")
  LocalDate to;

  @Option(
      names = "--batch-days",
      paramLabel = "N",
      description = "Dates per run of a partitioned pipeline (default: 1).")
  int batchDays = 1;

  @Option(names = "--downstream", description = "Refresh the pipelines reading from these.")
  boolean downstream;

  @Option(names = "--force", description = "Start over instead of resuming an unfinished run.")
  boolean force;

  @Option(names = "--dry-run", description = "Print the plan (runs, input versions and sizes).")
  boolean dryRun;

  @Option(names = "--json", description = "With --dry-run, print the plan as JSON.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    PipelineRegistry registry = context.registry();
    List<Pipeline> selected = new ArrayList<>();
    for (String name : names) {
      selected.add(registry.get(name));
    }
    selected = registry.inDependencyOrder(selected);
    List<Pipeline> refreshed = downstream ? registry.downstreamOf(selected) : List.of();
    Backfill backfill = new Backfill(context.runner(), context.settings().landing());
    Backfill.Plan plan = backfill.plan(selected, refreshed, from, to, batchDays, force);
    PrintWriter out = context.environment().out();
    if (dryRun) {
      print(out, backfill, plan);
      return 0;
    }
    out.printf(
        "Backfill %s%s: %d of %d runs to do%n",
        plan.id(), plan.resumed() ? " (resumed)" : "", plan.pending(), plan.steps().size());
    List<RunResult> results =
        backfill.execute(
            plan,
            result -> RunCommand.report(context, registry.get(result.record().pipeline()), result));
    return RunCommand.exitStatus(results);
  }

  private void print(PrintWriter out, Backfill backfill, Backfill.Plan plan) {
    if (json) {
      List<Map<String, Object>> steps = new ArrayList<>();
      for (Backfill.Step step : plan.steps()) {
        steps.add(
            Map.of(
                "pipeline",
                step.pipeline().name(),
                "mode",
                step.request().mode().name(),
                "dates",
                step.request().dates().stream().map(LocalDate::toString).toList(),
                "done",
                step.done(),
                "inputs",
                backfill.inputs(step).stream()
                    .map(
                        input ->
                            Map.of(
                                "name",
                                input.name(),
                                "estimated_bytes",
                                input.estimatedBytes().map(Object.class::cast).orElse("unknown")))
                    .toList()));
      }
      Json.print(out, Map.of("backfill_id", plan.id(), "resumed", plan.resumed(), "steps", steps));
      return;
    }
    out.printf(
        "Backfill %s%s of %s, %s to %s: %d runs, %d to do (dry run: nothing is run)%n",
        plan.id(),
        plan.resumed() ? " (resumes an unfinished backfill)" : "",
        plan.pipelines(),
        plan.from(),
        plan.to(),
        plan.steps().size(),
        plan.pending());
    int number = 1;
    for (Backfill.Step step : plan.steps()) {
      out.printf(
          "%3d. %-6s %-40s %-26s %s%n",
          number++,
          step.done() ? "done" : "to do",
          step.pipeline().name(),
          step.request().mode() == RunMode.INCREMENTAL
              ? "incremental (changed partitions)"
              : dates(step),
          String.join(
              ", ",
              backfill.inputs(step).stream()
                  .map(
                      input ->
                          input.name()
                              + " ("
                              + input
                                  .estimatedBytes()
                                  .map(BackfillCommand::humanBytes)
                                  .orElse("size unknown")
                              + ")")
                  .toList()));
    }
  }

  private static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
    return String.format("%.1f %siB", bytes / Math.pow(1024, unit), "KMGTPE".charAt(unit - 1));
  }

  private static String dates(Backfill.Step step) {
    LocalDate first = step.request().dates().first();
    LocalDate last = step.request().dates().last();
    return first.equals(last) ? first.toString() : first + ".." + last;
  }
}
