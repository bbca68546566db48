package io.medalla.internal.cli;

import static org.apache.spark.sql.functions.col;

import io.medalla.internal.run.RunLedger;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code status [--pipeline P] [--limit N] [--json]}: the latest runs from the ledger. */
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
              "output_version",
              "error_code",
              "error_message")) {
        Object value = row.getAs(field);
        run.put(field, value == null || value instanceof Number ? value : value.toString());
      }
      rows.add(run);
    }
    PrintWriter out = context.environment().out();
    if (json) {
      Json.print(out, Map.of("ledger", ledger.path(), "runs", rows));
      return 0;
    }
    out.printf(
        "%-30s %-40s %-10s %-9s %10s %8s %s%n",
        "run", "pipeline", "date", "status", "rows out", "version", "error");
    for (Map<String, Object> run : rows) {
      out.printf(
          "%-30s %-40s %-10s %-9s %10s %8s %s%n",
          run.get("run_id"),
          run.get("pipeline"),
          run.get("logical_date"),
          run.get("status"),
          run.get("rows_written"),
          run.get("output_version") == null ? "-" : run.get("output_version"),
          run.get("error_message") == null ? "" : run.get("error_message"));
    }
    return 0;
  }
}
