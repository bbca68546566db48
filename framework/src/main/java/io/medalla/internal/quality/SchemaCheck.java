package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;

import io.medalla.api.DriftPolicy;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@link Rule.Schema}: the output's columns, types and nullability match a contract; new columns
 * are drift unless the policy (by default: bronze only) accepts them.
 */
final class SchemaCheck extends RuleCheck<Rule.Schema> {
  SchemaCheck() {
    super(Rule.Schema.class);
  }

  /**
   * The columns of the spec's schema contract; empty when it declares none, or one that does not
   * parse (then added to {@code problems}).
   */
  static Optional<Set<String>> contractColumns(PipelineSpec spec, List<String> problems) {
    for (Expectation expectation : spec.expectations()) {
      if (expectation.rule() instanceof Rule.Schema schema) {
        try {
          return Optional.of(
              new HashSet<>(Arrays.asList(StructType.fromDDL(schema.ddl()).fieldNames())));
        } catch (Exception e) { // ParseException is checked, so not a RuntimeException
          problems.add(
              String.format(
                  "pipeline %s, expectation %s: the schema '%s' is not valid Spark DDL: %s",
                  spec.pipelineName(),
                  expectation.name(),
                  schema.ddl(),
                  e.getMessage().lines().findFirst().orElse("")));
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  @Override
  Judgement plan(Expectation expectation, Rule.Schema rule, Audit audit) {
    List<String> columns = Arrays.asList(audit.schema().fieldNames());
    List<DeequAnalysis.Measure> nulls = new ArrayList<>();
    for (StructField field : StructType.fromDDL(rule.ddl()).fields()) {
      if (!field.nullable() && columns.contains(field.name())) {
        nulls.add(audit.analysis().size(Optional.of(quoted(field.name()) + " IS NULL")));
      }
    }
    Layer layer = audit.spec().output().layer();
    return done -> {
      List<String> problems = problems(rule, layer, done.schema());
      for (DeequAnalysis.Measure measure : nulls) {
        long count = (long) done.value(measure).orElse(0);
        if (count > 0) {
          problems.add(count + " nulls in a NOT NULL column");
        }
      }
      return CheckResult.of(
          expectation,
          problems.isEmpty(),
          problems.isEmpty() ? "matches" : String.join("; ", problems),
          rule.ddl() + " (" + effectiveDrift(rule, layer) + ")",
          0,
          problems.isEmpty()
              ? "schema matches the contract"
              : "schema drift: " + String.join("; ", problems));
    };
  }

  @Override
  String describe(Rule.Schema rule, Layer layer) {
    boolean additive = effectiveDrift(rule, layer) == DriftPolicy.ADDITIVE;
    return "columns and types `"
        + rule.ddl()
        + "`; "
        + (additive ? "new columns accepted" : "no new columns accepted");
  }

  private static List<String> problems(Rule.Schema contract, Layer layer, StructType actual) {
    List<String> problems = new ArrayList<>();
    Map<String, StructField> actualFields = new LinkedHashMap<>();
    for (StructField field : actual.fields()) {
      if (!field.name().startsWith("_")) {
        actualFields.put(field.name(), field);
      }
    }
    for (StructField field : StructType.fromDDL(contract.ddl()).fields()) {
      StructField found = actualFields.remove(field.name());
      if (found == null) {
        problems.add("column " + field.name() + " is missing");
      } else if (!found.dataType().equals(field.dataType())) {
        problems.add(
            String.format(
                "column %s is %s, the contract says %s",
                field.name(), found.dataType().simpleString(), field.dataType().simpleString()));
      }
    }
    if (effectiveDrift(contract, layer) == DriftPolicy.EXACT && !actualFields.isEmpty()) {
      problems.add("unexpected columns " + actualFields.keySet());
    }
    return problems;
  }

  private static DriftPolicy effectiveDrift(Rule.Schema contract, Layer layer) {
    if (contract.drift() != DriftPolicy.LAYER_DEFAULT) {
      return contract.drift();
    }
    return layer == Layer.BRONZE ? DriftPolicy.ADDITIVE : DriftPolicy.EXACT;
  }
}
