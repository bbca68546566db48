package io.medalla.internal.cli;

import static org.apache.spark.sql.functions.col;

import io.medalla.internal.run.RunLedger;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code status [--pipeline P] [--limit N] [--steps] [--json]}: the latest runs from the ledger,
 * with what they cost.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows the latest runs from the run ledger, newest first.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline's runs.")
  String pipeline;

  @Option(names = "--limit", paramLabel = "N", description = "How many runs (default: 20).")
  int limit = 20;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Option(
      names = "--steps",
      description = "Also show what each run's lifecycle steps cost (always in --json).")
  boolean steps;

  @Override
  public Integer call() {
    CliContext context = root.context();
    RunLedger ledger = context.runner().ledger();
    Dataset<Row> runs = ledger.read();
    if (pipeline != null) {
      runs = runs.where(col("pipeline").equalTo(pipeline));
    }
    List<Row> latest =
        runs.orderBy(col("ended_at").desc(), col("run_id").desc()).limit(limit).collectAsList();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<List<Map<String, Object>>> stepsByRun = new ArrayList<>();
    for (Row row : latest) {
      Map<String, Object> run = new LinkedHashMap<>();
      for (String field :
          List.of(
              "run_id",
              "pipeline",
              "env",
              "logical_date",
              "status",
              "started_at",
              "ended_at",
              "duration_ms",
              "rows_read",
              "rows_produced",
              "rows_written",
              "rows_quarantined",
              "rows_deduplicated",
              "files_written",
              "output_version",
              "error_code",
              "error_message")) {
        Object value = row.getAs(field);
        run.put(field, value == null || value instanceof Number ? value : value.toString());
      }
      List<Map<String, Object>> runSteps = steps(row);
      run.put("steps", runSteps);
      rows.add(run);
      stepsByRun.add(runSteps);
    }
    PrintWriter out = context.environment().out();
    if (json) {
      Json.print(out, Map.of("ledger", ledger.path(), "runs", rows));
      return 0;
    }
    String format = "%-30s %-40s %-10s %-9s %10s %8s %9s %9s %9s %s%n";
    out.printf(
        format,
        "run",
        "pipeline",
        "date",
        "status",
        "rows out",
        "version",
        "time",
        "cpu",
        "read",
        "error");
    for (int index = 0; index < rows.size(); index++) {
      Map<String, Object> run = rows.get(index);
      List<Map<String, Object>> runSteps = stepsByRun.get(index);
      out.printf(
          format,
          run.get("run_id"),
          run.get("pipeline"),
          run.get("logical_date"),
          run.get("status"),
          run.get("rows_written"),
          run.get("output_version") == null ? "-" : run.get("output_version"),
          millis(run.get("duration_ms")),
          runSteps.isEmpty() ? "-" : millis(total(runSteps, "cpu_ms")),
          runSteps.isEmpty() ? "-" : bytes(total(runSteps, "bytes_read")),
          run.get("error_message") == null ? "" : run.get("error_message"));
      if (steps) {
        for (Map<String, Object> step : runSteps) {
          out.printf(
              "    %-10s %9s  jobs %4s  tasks %5s  failed %3s  cpu %9s  read %9s  written %9s"
                  + "  shuffle %9s  spilled %9s%n",
              step.get("step"),
              millis(step.get("wall_ms")),
              step.get("jobs"),
              step.get("tasks"),
              step.get("failed_tasks"),
              millis(step.get("cpu_ms")),
              bytes(step.get("bytes_read")),
              bytes(step.get("bytes_written")),
              bytes(
                  ((Number) step.get("shuffle_read_bytes")).longValue()
                      + ((Number) step.get("shuffle_write_bytes")).longValue()),
              bytes(step.get("spilled_bytes")));
        }
      }
    }
    return 0;
  }

  /** The run's steps as the ledger holds them; none for a run in flight or from before 0.2. */
  private static List<Map<String, Object>> steps(Row run) {
    int field = run.fieldIndex("steps");
    List<Row> steps = run.isNullAt(field) ? List.of() : run.getList(field);
    List<Map<String, Object>> described = new ArrayList<>();
    for (Row step : steps) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (String name : step.schema().fieldNames()) {
        fields.put(name, step.getAs(name));
      }
      described.add(fields);
    }
    return described;
  }

  private static long total(List<Map<String, Object>> steps, String measure) {
    return steps.stream().mapToLong(step -> ((Number) step.get(measure)).longValue()).sum();
  }

  private static String millis(Object value) {
    if (value == null) {
      return "-";
    }
    long millis = ((Number) value).longValue();
    return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String bytes(Object value) {
    long bytes = ((Number) value).longValue();
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double scaled = bytes;
    int unit = 0;
    while (scaled >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", scaled, units[unit]);
  }
}
