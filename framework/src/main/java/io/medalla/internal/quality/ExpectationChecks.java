package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Static checks of a pipeline's expectations, run by {@code validate} without Spark: SQL predicates
 * and regular expressions parse, bounds are ordered, and every column a rule names is in the
 * pipeline's schema contract, or is one of its layer's metadata columns, when it declares one.
 */
public final class ExpectationChecks {
  private ExpectationChecks() {}

  /** One message per problem, each naming the pipeline and the expectation. */
  public static List<String> problems(PipelineSpec spec) {
    List<String> problems = new ArrayList<>();
    Set<String> contractColumns = SchemaCheck.contractColumns(spec, problems).orElse(null);
    for (Expectation expectation : spec.expectations()) {
      String where =
          String.format("pipeline %s, expectation %s", spec.pipelineName(), expectation.name());
      Rule rule = expectation.rule();
      RuleCheck<Rule> check = RuleChecks.of(rule);
      problems.addAll(check.problems(rule, where));
      if (contractColumns != null) {
        for (String column : check.columns(rule)) {
          if (!contractColumns.contains(column)
              && !spec.output().layer().metadataColumns().contains(column)) {
            problems.add(
                String.format(
                    "%s: unknown column %s; the schema contract has %s",
                    where, column, contractColumns));
          }
        }
      }
    }
    return problems;
  }
}
