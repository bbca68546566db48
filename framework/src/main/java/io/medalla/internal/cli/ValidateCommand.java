package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.governance.ColumnClassifier;
import io.medalla.internal.quality.Thresholds;
import io.medalla.internal.run.AuthoringRules;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code validate}: static checks without Spark. Configuration, names, owners, layer direction,
 * inputs that no pipeline builds, dependency cycles and the authoring rules ({@link
 * AuthoringRules}); exits 2 on any problem.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks configuration, naming (of tables and of their classes), owners, layer",
      "direction, pipeline dependencies, date dependencies of partitioned tables and quality",
      "rules (schema contracts and uniqueness rules of silver and gold tables, critical",
      "datasets' checks, SQL predicates, columns, threshold overrides) and column",
      "classification (every silver and gold column classified; none likely computed from",
      "pii without being pii or protected) without starting Spark. Exits 2 and lists every",
      "problem when one is found."
    })
final class ValidateCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Override
  public Integer call() {
    CliContext context = root.context();
    String environment = context.settings().environment();
    List<String> problems = new ArrayList<>(context.registry().problems());
    problems.addAll(AuthoringRules.problems(context.registry().all()));
    Map<TableId, PipelineSpec> specs = new LinkedHashMap<>();
    context
        .registry()
        .all()
        .forEach(pipeline -> specs.put(pipeline.spec().output(), pipeline.spec()));
    problems.addAll(ColumnClassifier.problems(specs));
    problems.addAll(
        new Thresholds(context.settings().get(ConfigKeys.QUALITY_THRESHOLDS))
            .problems(context.registry().all().stream().map(Pipeline::spec).toList()));
    PrintWriter out = context.environment().out();
    if (!problems.isEmpty()) {
      PrintWriter err = context.environment().err();
      err.printf("error: validation found %d problem(s):%n", problems.size());
      problems.forEach(problem -> err.println("  - " + problem));
      return 2;
    }
    out.printf(
        "OK: configuration for %s is valid; %d pipelines follow the naming, ownership and layer"
            + " rules.%n",
        environment, context.registry().all().size());
    return 0;
  }
}
