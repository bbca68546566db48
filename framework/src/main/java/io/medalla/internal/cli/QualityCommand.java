package io.medalla.internal.cli;

import static org.apache.spark.sql.functions.col;

import io.medalla.api.TableId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code quality <table> [--runs N] [--json]}: latest check results and their trend. */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a table's latest quality check results and, per expectation, its trend over the",
      "last runs (P passed, F failed, newest last)."
    })
final class QualityCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Parameters(paramLabel = "TABLE", description = "Catalog name, e.g. silver_product.events.")
  String table;

  @Option(names = "--runs", paramLabel = "N", description = "Runs in the trend (default: 10).")
  int runs = 10;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    TableId id = TableId.parse(table);
    context.registry().get(id.catalogName());
    List<Row> checks =
        context
            .qualityStore()
            .results(id)
            .orderBy(col("checked_at"), col("expectation"))
            .collectAsList();
    List<String> runIds = new ArrayList<>();
    for (Row check : checks) {
      String runId = check.getAs("run_id");
      if (!runIds.contains(runId)) {
        runIds.add(runId);
      }
    }
    List<String> recent = runIds.subList(Math.max(0, runIds.size() - runs), runIds.size());
    String latestRun = recent.isEmpty() ? null : recent.get(recent.size() - 1);
    List<Map<String, Object>> latest = new ArrayList<>();
    Map<String, List<Map<String, Object>>> trend = new LinkedHashMap<>();
    for (Row check : checks) {
      if (!recent.contains(check.<String>getAs("run_id"))) {
        continue;
      }
      Map<String, Object> result = new LinkedHashMap<>();
      for (String field :
          List.of(
              "run_id",
              "logical_date",
              "expectation",
              "rule",
              "severity",
              "status",
              "observed",
              "threshold",
              "failing_rows",
              "message")) {
        Object value = check.getAs(field);
        result.put(field, value == null || value instanceof Number ? value : value.toString());
      }
      trend.computeIfAbsent(check.getAs("expectation"), key -> new ArrayList<>()).add(result);
      if (check.getAs("run_id").equals(latestRun)) {
        latest.add(result);
      }
    }
    PrintWriter out = context.environment().out();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("table", id.catalogName());
      document.put("latest_run", latestRun);
      document.put("results", latest);
      document.put("trend", trend);
      Json.print(out, document);
      return 0;
    }
    if (latestRun == null) {
      out.printf("No quality results for %s yet.%n", id);
      return 0;
    }
    out.printf("Quality of %s, run %s:%n", id, latestRun);
    out.printf(
        "%-28s %-10s %-7s %-12s %s%n", "expectation", "severity", "status", "trend", "message");
    for (Map<String, Object> result : latest) {
      StringBuilder marks = new StringBuilder();
      trend
          .get(result.get("expectation"))
          .forEach(item -> marks.append("PASSED".equals(item.get("status")) ? 'P' : 'F'));
      out.printf(
          "%-28s %-10s %-7s %-12s %s%n",
          result.get("expectation"),
          result.get("severity"),
          result.get("status"),
          marks,
          result.get("message"));
    }
    return 0;
  }
}
