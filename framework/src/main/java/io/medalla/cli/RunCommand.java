package io.medalla.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.run.PipelineRegistry;
import io.medalla.run.RunResult;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code run <pipeline>... | --all [--date D]}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs pipelines for one logical date, in dependency order.",
      "Stops at the first failed run and exits with its status."
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand MedallaCli root;

  @Parameters(paramLabel = "PIPELINE", arity = "0..*", description = "Pipelines to run, by name.")
  List<String> names = new ArrayList<>();

  @Option(names = "--all", description = "Run every pipeline, dependencies first.")
  boolean all;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "Logical date to process (default: today in UTC).")
  LocalDate date;

  @Override
  public Integer call() {
    if (all == !names.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid arguments for run: name one or more pipelines or give --all, not both");
    }
    CliContext context = root.context();
    context.settings();
    PipelineRegistry registry = context.registry();
    List<Pipeline> selected =
        all ? registry.inDependencyOrder() : registry.inDependencyOrder(select(registry));
    LocalDate logicalDate = date != null ? date : LocalDate.now(ZoneOffset.UTC);
    return exitStatus(runAll(context, selected, List.of(logicalDate), "run"));
  }

  private List<Pipeline> select(PipelineRegistry registry) {
    List<Pipeline> selected = new ArrayList<>();
    for (String name : names) {
      selected.add(registry.get(name));
    }
    return selected;
  }

  /** The status of a sequence of runs that stopped at its first failure. */
  static int exitStatus(List<RunResult> results) {
    return results.isEmpty() ? 0 : results.get(results.size() - 1).exitStatus();
  }

  /**
   * Runs every pipeline for every date, pipeline by pipeline, printing one line per run; stops at
   * the first failure.
   */
  static List<RunResult> runAll(
      CliContext context, List<Pipeline> pipelines, List<LocalDate> dates, String command) {
    PrintWriter out = context.environment().out();
    List<RunResult> results = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      for (LocalDate logicalDate : dates) {
        RunResult result =
            context
                .runner()
                .run(
                    pipeline,
                    logicalDate,
                    Map.of("command", command, "date", logicalDate.toString()));
        results.add(result);
        out.printf(
            "%-8s %-40s %s  run %s  rows in %d, out %d  version %s  %d ms%n",
            result.record().status(),
            pipeline.name(),
            logicalDate,
            result.record().runId(),
            result.record().rowsRead(),
            result.record().rowsWritten(),
            result.record().outputVersion().map(String::valueOf).orElse("-"),
            result.record().duration().toMillis());
        if (result.exitStatus() != 0) {
          context
              .environment()
              .err()
              .println("error: " + result.record().errorMessage().orElse("run failed"));
          return results;
        }
      }
    }
    return results;
  }
}
