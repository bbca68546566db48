package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.collection.JavaConverters;

/** {@link Rule.Predicate}: each row satisfies a Spark SQL predicate; a null result fails. */
final class PredicateCheck extends RowRuleCheck<Rule.Predicate> {
  PredicateCheck() {
    super(Rule.Predicate.class);
  }

  @Override
  String passPredicate(Expectation expectation, Rule.Predicate rule) {
    // the line break ends a trailing -- comment in the author's SQL
    return "coalesce((" + rule.sql() + "\n), false)";
  }

  @Override
  String criterion(Rule.Predicate rule) {
    return rule.sql();
  }

  @Override
  String describe(Rule.Predicate rule, Layer layer) {
    return "every row satisfies `" + rule.sql().strip() + "`";
  }

  @Override
  List<String> problems(Rule.Predicate rule, String where) {
    try {
      parse(rule);
      return List.of();
    } catch (Exception e) { // ParseException, which Scala does not declare
      return List.of(
          String.format(
              "%s: the SQL predicate '%s' does not parse: %s",
              where, rule.sql(), e.getMessage().lines().findFirst().orElse("")));
    }
  }

  /** The columns the predicate names; none when it does not parse (a problem of its own). */
  @Override
  List<String> columns(Rule.Predicate rule) {
    List<String> columns = new ArrayList<>(rule.columns());
    parsed(rule).ifPresent(expression -> collectColumns(expression, columns));
    return columns;
  }

  private static Optional<Expression> parsed(Rule.Predicate rule) {
    try {
      return Optional.of(parse(rule));
    } catch (Exception e) { // reported by problems()
      return Optional.empty();
    }
  }

  private static Expression parse(Rule.Predicate rule) {
    return CatalystSqlParser$.MODULE$.parseExpression(rule.sql());
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
