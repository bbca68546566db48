package io.medalla.internal.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.Columns;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.RLike;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class TestPassPredicates {
  @Test
  void testComplete() {
    String sql = QualityGate.passPredicate(Expect.complete("event_id", "user_id").quarantine());

    assertThat(sql).isEqualTo("(`event_id` IS NOT NULL AND `user_id` IS NOT NULL)");
    Expression parsed = parse(sql);
    assertThat(nodes(parsed, IsNotNull.class)).hasSize(2);
    assertThat(columns(parsed)).containsExactly("event_id", "user_id");
  }

  @Test
  void testAllowedValues() {
    String sql =
        QualityGate.passPredicate(
            Expect.values("last_name", "O'Brien", "Smith", "back\\slash").quarantine());

    assertThat(sql).startsWith("(`last_name` IS NULL OR `last_name` IN (").contains("Smith");
    In in = single(parse(sql), In.class);
    assertThat(JavaConverters.seqAsJavaList(in.list()))
        .extracting(value -> ((Literal) value).value().toString())
        .containsExactly("O'Brien", "Smith", "back\\slash");
    assertThat(columns(in)).containsExactly("last_name");
  }

  @Test
  void testRange() {
    String sql = QualityGate.passPredicate(Expect.between("amount", -5, 100.5).quarantine());

    assertThat(sql)
        .startsWith("(`amount` IS NULL OR ")
        .contains("`amount` >= -5.0")
        .contains("`amount` <= 100.5");
    Expression parsed = parse(sql);
    assertThat(columns(parsed)).containsOnly("amount");
    assertThat(literals(parsed)).containsExactlyInAnyOrder("-5.0", "100.5");
  }

  @Test
  void testRangeWithInfiniteBound() {
    String sql =
        QualityGate.passPredicate(
            Expect.between("amount", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY).warn());

    Expression parsed = parse(sql);
    assertThat(columns(parsed)).containsOnly("amount");
    assertThat(nodes(parsed, Cast.class))
        .extracting(cast -> cast.eval(InternalRow.empty()))
        .containsExactly(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  @Test
  void testPattern() {
    String regex = "^[A-Z]'\\d{2}\\\\x$";
    String sql = QualityGate.passPredicate(Expect.matches("code", regex).quarantine());

    assertThat(sql).startsWith("(`code` IS NULL OR `code` RLIKE '");
    RLike like = single(parse(sql), RLike.class);
    String parsedRegex = ((Literal) like.right()).value().toString();
    assertThat(parsedRegex).isEqualTo(regex);
    assertThat(Pattern.compile(parsedRegex).matcher("B'42\\x").matches()).isTrue();
    assertThat(columns(like)).containsExactly("code");
  }

  @Test
  void testPredicate() {
    String sql =
        QualityGate.passPredicate(
            Expect.satisfies("paid_has_amount", "status <> 'paid' OR amount > 0").quarantine());

    assertThat(sql).isEqualTo("coalesce((status <> 'paid' OR amount > 0\n), false)");
    Expression parsed = parse(sql);
    assertThat(parsed.prettyName()).isEqualTo("coalesce");
    assertThat(columns(parsed)).containsExactlyInAnyOrder("status", "amount");
  }

  @Test
  void testPredicateEndingInComment() {
    Expectation expectation =
        Expect.satisfies("positive_amount", "amount > 0 -- refunds are separate").quarantine();

    Expression parsed = parse(QualityGate.passPredicate(expectation));

    assertThat(parsed.prettyName()).isEqualTo("coalesce");
    assertThat(literals(parsed)).contains("false");
  }

  @Test
  void testReferences() {
    String sql =
        QualityGate.passPredicate(
            Expect.references("user_id", "silver_product.users", "user_id").quarantine());

    assertThat(sql).isEqualTo("`__reference_references_user_id`");
    assertThat(columns(parse(sql))).containsExactly("__reference_references_user_id");
  }

  @Test
  void testQuote() {
    assertThat(Columns.quoted("amount")).isEqualTo("`amount`");
    assertThat(Columns.quoted("odd`name")).isEqualTo("`odd``name`");
    assertThat(columns(parse(Columns.quoted("odd`name")))).containsExactly("odd`name");
  }

  @Test
  void testBatchRuleHasNoPassPredicate() {
    assertThatThrownBy(() -> QualityGate.passPredicate(Expect.unique("id").fail()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a row-level rule: Unique[");
  }

  private static Expression parse(String sql) {
    return CatalystSqlParser$.MODULE$.parseExpression(sql);
  }

  private static <T extends Expression> T single(Expression root, Class<T> type) {
    List<T> found = nodes(root, type);
    assertThat(found).as("%s in %s", type.getSimpleName(), root).hasSize(1);
    return found.get(0);
  }

  private static <T extends Expression> List<T> nodes(Expression root, Class<T> type) {
    List<T> found = new ArrayList<>();
    collect(root, type, found);
    return found;
  }

  private static <T extends Expression> void collect(
      Expression expression, Class<T> type, List<T> found) {
    if (type.isInstance(expression)) {
      found.add(type.cast(expression));
    }
    for (Expression child : JavaConverters.seqAsJavaList(expression.children())) {
      collect(child, type, found);
    }
  }

  private static List<String> columns(Expression root) {
    return nodes(root, UnresolvedAttribute.class).stream()
        .map(UnresolvedAttribute::name)
        .distinct()
        .toList();
  }

  private static List<String> literals(Expression root) {
    return nodes(root, Literal.class).stream()
        .map(literal -> String.valueOf(literal.value()))
        .toList();
  }
}
