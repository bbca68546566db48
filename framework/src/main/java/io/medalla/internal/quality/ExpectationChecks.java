package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

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
    Set<String> contractColumns = contractColumns(spec, problems);
    for (Expectation expectation : spec.expectations()) {
      String where =
          String.format("pipeline %s, expectation %s", spec.pipelineName(), expectation.name());
      Rule rule = expectation.rule();
      List<String> columns = new ArrayList<>(rule.columns());
      if (rule instanceof Rule.Predicate predicate) {
        try {
          columns.addAll(
              referencedColumns(CatalystSqlParser$.MODULE$.parseExpression(predicate.sql())));
        } catch (Exception e) { // ParseException, which Scala does not declare
          problems.add(
              String.format(
                  "%s: the SQL predicate '%s' does not parse: %s",
                  where, predicate.sql(), e.getMessage().lines().findFirst().orElse("")));
        }
      }
      if (rule instanceof Rule.Pattern pattern) {
        try {
          java.util.regex.Pattern.compile(pattern.regex());
        } catch (PatternSyntaxException e) {
          problems.add(
              String.format(
                  "%s: invalid regular expression '%s': %s",
                  where, pattern.regex(), e.getDescription()));
        }
      }
      if (rule instanceof Rule.Range range && range.min() > range.max()) {
        problems.add(String.format("%s: min %s is above max %s", where, range.min(), range.max()));
      }
      if (rule instanceof Rule.RowCount count && count.min() > count.max()) {
        problems.add(String.format("%s: min %d is above max %d", where, count.min(), count.max()));
      }
      if (rule instanceof Rule.Complete complete
          && (complete.minFraction() < 0 || complete.minFraction() > 1)) {
        problems.add(
            String.format("%s: minFraction %s is not within 0..1", where, complete.minFraction()));
      }
      if (contractColumns != null) {
        for (String column : columns) {
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

  /** The contract's columns, or null when the spec declares no (valid) contract. */
  private static Set<String> contractColumns(PipelineSpec spec, List<String> problems) {
    for (Expectation expectation : spec.expectations()) {
      if (expectation.rule() instanceof Rule.Schema schema) {
        try {
          return new HashSet<>(Arrays.asList(StructType.fromDDL(schema.ddl()).fieldNames()));
        } catch (Exception e) { // ParseException is checked, so not a RuntimeException
          problems.add(
              String.format(
                  "pipeline %s, expectation %s: the schema '%s' is not valid Spark DDL: %s",
                  spec.pipelineName(),
                  expectation.name(),
                  schema.ddl(),
                  e.getMessage().lines().findFirst().orElse("")));
          return null;
        }
      }
    }
    return null;
  }

  private static List<String> referencedColumns(Expression expression) {
    List<String> columns = new ArrayList<>();
    collectColumns(expression, columns);
    return columns;
  }

  private static void collectColumns(Expression expression, List<String> columns) {
    if (expression instanceof UnresolvedAttribute attribute) {
      columns.add(attribute.nameParts().head());
    }
    for (Expression child : JavaConverters.seqAsJavaList(expression.children())) {
      collectColumns(child, columns);
    }
  }
}
