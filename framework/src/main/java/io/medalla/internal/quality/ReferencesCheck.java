package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.col;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@link Rule.References}: every non-null value of a column exists in a column of an input. */
final class ReferencesCheck extends RowRuleCheck<Rule.References> {
  ReferencesCheck() {
    super(Rule.References.class);
  }

  /** Flags each row whose value is null or found in the referenced column. */
  @Override
  void prepare(Expectation expectation, Rule.References rule, Audit audit) {
    String key = "__reference_key_" + expectation.name();
    Dataset<Row> keys =
        audit
            .context()
            .read(rule.table())
            .select(col(quoted(rule.referencedColumn())).as(key))
            .distinct();
    audit.extend(
        data ->
            data.join(keys, data.col(quoted(rule.column())).equalTo(keys.col(key)), "left")
                .withColumn(
                    flag(expectation), col(quoted(rule.column())).isNull().or(col(key).isNotNull()))
                .drop(key));
  }

  @Override
  boolean readsOtherTables() {
    return true;
  }

  @Override
  String passPredicate(Expectation expectation, Rule.References rule) {
    return quoted(flag(expectation));
  }

  @Override
  String criterion(Rule.References rule) {
    return rule.column() + " found in " + rule.table() + "." + rule.referencedColumn();
  }

  @Override
  String describe(Rule.References rule, Layer layer) {
    return "every `"
        + rule.column()
        + "` exists in `"
        + rule.table()
        + "."
        + rule.referencedColumn()
        + "`";
  }

  private static String flag(Expectation expectation) {
    return "__reference_" + expectation.name();
  }
}
