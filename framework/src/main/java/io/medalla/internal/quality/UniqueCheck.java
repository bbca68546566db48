package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.expr;

import io.medalla.api.Columns;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link Rule.Unique}: no two rows share the key; rows with a null in it are not compared. The key
 * is its one column, or its parts as JSON (null if any part is).
 */
final class UniqueCheck extends RuleCheck<Rule.Unique> {
  UniqueCheck() {
    super(Rule.Unique.class);
  }

  @Override
  Judgement plan(Expectation expectation, Rule.Unique rule, Audit audit) {
    String key =
        rule.columns().size() == 1 ? rule.columns().get(0) : "__unique_" + expectation.name();
    if (rule.columns().size() > 1) {
      audit.extendGrouped(data -> data.withColumn(key, expr(compositeKey(rule))));
    }
    DeequAnalysis.Measure distinct = audit.analysis().distinctCount(List.of(key));
    DeequAnalysis.Measure keyed = audit.analysis().size(Optional.of(quoted(key) + " IS NOT NULL"));
    return done -> {
      long duplicates = (long) done.value(keyed).orElse(0) - (long) done.value(distinct).orElse(0);
      return CheckResult.of(
          expectation,
          duplicates == 0,
          duplicates + " duplicate rows",
          "no duplicate " + rule.columns() + ", rows with a null key not compared",
          0,
          duplicates == 0
              ? "keys are unique"
              : String.format(
                  "%d rows repeat a key %s already present", duplicates, rule.columns()));
    };
  }

  @Override
  List<String> columnsReadFromWrittenFiles(Rule.Unique rule) {
    return rule.columns();
  }

  @Override
  String describe(Rule.Unique rule, Layer layer) {
    return "no two rows share " + code(rule.columns());
  }

  private static String compositeKey(Rule.Unique rule) {
    String allPresent =
        rule.columns().stream()
            .map(column -> quoted(column) + " IS NOT NULL")
            .collect(Collectors.joining(" AND "));
    String parts = rule.columns().stream().map(Columns::quoted).collect(Collectors.joining(", "));
    return "CASE WHEN " + allPresent + " THEN to_json(struct(" + parts + ")) END";
  }
}
