package io.medalla.internal.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.internal.run.PipelineRegistry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
      "Runs pipelines for one logical date, in dependency order; with --incremental, only",
      "what their inputs' new commits touched; with --full-refresh, everything from scratch.",
      "Stops at the first failed run and exits with its status."
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Parameters(paramLabel = "PIPELINE", arity = "0..*", description = "Pipelines to run, by name.")
  List<String> names = new ArrayList<>();

  @Option(names = "--all", description = "Run every pipeline, dependencies first.")
  boolean all;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "Logical date to process (default: today in UTC).")
  LocalDate date;

  @Option(
      names = "--incremental",
      description = {
        "Process only the partitions (or keys, for change feeds) touched by the inputs' commits",
        "since the pipeline's last incremental or full-refresh run; the first one refreshes fully.",
        "--date is then the as-of date (default: today in UTC)."
      })
  boolean incremental;

  @Option(
      names = "--full-refresh",
      description = "Rebuild the whole table from its inputs (not for bronze).")
  boolean fullRefresh;

  @Override
  public Integer call() {
    if (all == !names.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid arguments for run: name one or more pipelines or give --all, not both");
    }
    if (incremental && fullRefresh) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid arguments for run: give --incremental or --full-refresh, not both");
    }
    CliContext context = root.context();
    context.settings();
    PipelineRegistry registry = context.registry();
    List<Pipeline> selected =
        all ? registry.inDependencyOrder() : registry.inDependencyOrder(select(registry));
    LocalDate logicalDate = date != null ? date : LocalDate.now(ZoneOffset.UTC);
    if (!incremental && !fullRefresh) {
      return exitStatus(runAll(context, selected, List.of(logicalDate), "run"));
    }
    RunMode mode = incremental ? RunMode.INCREMENTAL : RunMode.FULL_REFRESH;
    Map<String, String> parameters =
        Map.of("command", "run", "mode", mode.name(), "date", logicalDate.toString());
    int status = 0;
    for (Pipeline pipeline : selected) {
      if (all && fullRefresh && pipeline.spec().output().layer() == Layer.BRONZE) {
        continue; // bronze is the record of what was ingested and is never rebuilt
      }
      RunResult result =
          context.runner().run(pipeline, RunRequest.asOf(mode, logicalDate, parameters));
      status = report(context, pipeline, result);
      if (status != 0) {
        break;
      }
    }
    return status;
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
        if (report(context, pipeline, result) != 0) {
          return results;
        }
      }
    }
    return results;
  }

  /** Prints one line for a run, and its error; returns its exit status. */
  static int report(CliContext context, Pipeline pipeline, RunResult result) {
    RunRecord record = result.record();
    context
        .environment()
        .out()
        .printf(
            "%-8s %-40s %s  run %s  rows in %d, out %d  version %s  %d ms%n",
            record.status(),
            pipeline.name(),
            describeDates(record),
            record.runId(),
            record.rowsRead(),
            record.rowsWritten(),
            record.outputVersion().map(String::valueOf).orElse("-"),
            record.duration().toMillis());
    if (result.exitStatus() != 0) {
      context.environment().err().println("error: " + record.errorMessage().orElse("run failed"));
    }
    return result.exitStatus();
  }

  /** The run's dates: one date, a range, or a count with the range they span. */
  private static String describeDates(RunRecord record) {
    List<LocalDate> dates = record.dates();
    String mode =
        record.mode() == RunMode.DATES ? "" : record.mode().name().toLowerCase(Locale.ROOT) + " ";
    if (dates.isEmpty()) {
      return mode + "(nothing new)";
    }
    if (dates.size() == 1) {
      return mode + dates.get(0);
    }
    LocalDate first = dates.get(0);
    LocalDate last = dates.get(dates.size() - 1);
    boolean contiguous = first.plusDays(dates.size() - 1L).equals(last);
    return mode
        + (contiguous ? first + ".." + last : dates.size() + " dates in " + first + ".." + last);
  }
}
