package io.medalla.internal.run;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The authoring rules that a spec cannot check on its own, checked by {@code validate} over the
 * registered pipelines: a class is named after its table, {@code spec()} returns the same spec on
 * every call, every silver and gold table declares a schema contract and a uniqueness rule over its
 * keys, and a partitioned one declares how its partitions depend on its inputs. A critical table's
 * required checks are enforced when its spec is built.
 */
public final class AuthoringRules {
  private AuthoringRules() {}

  /** One message per broken rule, naming the pipeline and what to change. */
  public static List<String> problems(Collection<Pipeline> pipelines) {
    List<String> problems = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      PipelineSpec spec = pipeline.spec();
      String className = className(spec);
      if (!pipeline.getClass().getSimpleName().equals(className)) {
        problems.add(
            String.format(
                "pipeline %s is built by class %s; name the class after its table: %s",
                spec.pipelineName(), pipeline.getClass().getName(), className));
      }
      if (!spec.equals(pipeline.spec())) {
        problems.add(
            String.format(
                "pipeline %s returns a different spec on each call of spec(); return a constant"
                    + " (private static final PipelineSpec SPEC)",
                spec.pipelineName()));
      }
      if (spec.output().layer() != Layer.BRONZE) {
        problems.addAll(silverAndGoldProblems(spec));
      }
    }
    return problems;
  }

  private static List<String> silverAndGoldProblems(PipelineSpec spec) {
    List<String> problems = new ArrayList<>();
    List<Rule> rules = spec.expectations().stream().map(Expectation::rule).toList();
    if (rules.stream().noneMatch(rule -> rule instanceof Rule.Schema)) {
      problems.add(
          String.format(
              "pipeline %s declares no schema contract; every silver and gold table needs one:"
                  + " add Expect.schema(\"<column> <TYPE>, ...\").fail() with the table's columns"
                  + " to its spec",
              spec.pipelineName()));
    }
    boolean unique =
        rules.stream()
            .anyMatch(
                rule ->
                    rule instanceof Rule.Unique uniqueRule
                        && uniqueRule.columns().containsAll(spec.keys()));
    if (!unique && spec.keys().isEmpty()) {
      problems.add(
          String.format(
              "pipeline %s declares no uniqueness rule; every silver and gold table needs one:"
                  + " add Expect.unique(<the columns that identify a row>).fail() to its spec",
              spec.pipelineName()));
    } else if (!unique) {
      problems.add(
          String.format(
              "pipeline %s declares no uniqueness rule over its keys %s; every silver and gold"
                  + " table needs one: add Expect.unique(\"%s\").fail() to its spec",
              spec.pipelineName(), spec.keys(), String.join("\", \"", spec.keys())));
    }
    if (spec.partitionColumn().isPresent() && spec.dateDependencies().isEmpty()) {
      problems.add(
          String.format(
              "pipeline %s is partitioned by %s but declares no date dependency, so incremental"
                  + " runs, full refreshes and backfill --downstream cannot tell which partitions"
                  + " an input feeds: declare dependsOn(input, dateExpression) in its spec",
              spec.pipelineName(), spec.partitionColumn().get()));
    }
    return problems;
  }

  /** {@code silver_product.events} is built by {@code SilverEvents}. */
  private static String className(PipelineSpec spec) {
    StringBuilder name = new StringBuilder(capitalized(spec.output().layer().id()));
    for (String word : spec.output().name().split("_")) {
      name.append(capitalized(word));
    }
    return name.toString();
  }

  private static String capitalized(String word) {
    return word.isEmpty()
        ? word
        : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
  }
}
