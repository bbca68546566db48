package io.medalla.internal.governance;

import io.medalla.api.Classification;
import io.medalla.api.Classifications;
import io.medalla.api.ColumnClass;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.TableId;
import io.medalla.internal.lineage.ColumnLineage.Origin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the classification of a run's output columns from its spec and the input columns each
 * one is computed from, and refuses an output that would publish pii unnoticed: an inherited column
 * with no input column to inherit from, a column computed from a pii input column that is neither
 * pii nor protected, and (when classification is required) an unclassified silver or gold column. A
 * column inheriting from tables that hold no classification at all (written before it existed, or
 * seeded by a test) stays unclassified, with a warning. Metadata columns ({@code _}-prefixed) are
 * the framework's: they are not classified, and a column does not inherit from them.
 */
public final class ColumnClassifier {
  private static final Logger LOG = LoggerFactory.getLogger(ColumnClassifier.class);

  private ColumnClassifier() {}

  /**
   * The annotations to store with the output of {@code spec}.
   *
   * @param output the transformation's output schema
   * @param lineage each output column's input columns, as traced in the plan
   * @param inputs the stored annotations of each input table
   * @param requireAll whether every silver and gold column must be classified
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} listing every problem
   */
  public static TableAnnotations resolve(
      PipelineSpec spec,
      StructType output,
      Map<String, Set<Origin>> lineage,
      Function<TableId, TableAnnotations> inputs,
      boolean requireAll) {
    Classifications declared = spec.classifications();
    List<String> columns =
        Arrays.stream(output.fields())
            .map(StructField::name)
            .filter(name -> !name.startsWith("_"))
            .toList();
    List<String> problems = new ArrayList<>();
    missingColumns(declared, columns).ifPresent(problems::add);
    Map<String, ColumnClass> classes = new LinkedHashMap<>();
    Map<String, SortedSet<Origin>> traced = new LinkedHashMap<>();
    boolean derived = spec.output().layer() != Layer.BRONZE;
    for (String column : columns) {
      SortedSet<Origin> origins = new TreeSet<>(lineage.getOrDefault(column, Set.of()));
      if (!origins.isEmpty()) {
        traced.put(column, origins);
      }
      Set<Origin> dataOrigins = new TreeSet<>();
      origins.stream().filter(o -> !o.column().startsWith("_")).forEach(dataOrigins::add);
      Optional<ColumnClass> inherited = inheritedClass(dataOrigins, inputs);
      Optional<ColumnClass> resolved = declared.declared(column);
      if (declared.inherited().contains(column)) {
        if (dataOrigins.isEmpty()) {
          problems.add(
              String.format(
                  "column %s inherits its classification but is computed from no input column;"
                      + " classify it explicitly",
                  column));
        } else if (inherited.isEmpty() && unclassifiedTables(dataOrigins, inputs)) {
          LOG.warn(
              "{}: column {} inherits from {}, which hold no classification yet (written before"
                  + " classification, or seeded by a test); it stays unclassified",
              spec.pipelineName(),
              column,
              dataOrigins);
          if (requireAll) {
            problems.add(unclassified(column));
          }
        } else if (inherited.isEmpty()) {
          problems.add(
              String.format(
                  "column %s inherits its classification from %s, which are not classified;"
                      + " classify them in their pipelines or classify %s explicitly",
                  column, dataOrigins, column));
        }
        resolved = inherited;
      } else if (resolved.isEmpty() && derived && requireAll) {
        problems.add(unclassified(column));
      }
      resolved.ifPresent(columnClass -> classes.put(column, columnClass));
      Set<Origin> pii = piiOrigins(origins, inputs);
      boolean protectedColumn =
          resolved.map(c -> c.level() == Classification.PII).orElse(false)
              || declared.protection(column).isPresent();
      if (!pii.isEmpty() && !protectedColumn) {
        problems.add(
            String.format(
                "column %s is computed from pii column(s) %s but classified %s without a"
                    + " protection: classify it pii, or declare protect(Protection.AGGREGATED |"
                    + " GENERALIZED | PSEUDONYMIZED, \"%s\") in the spec",
                column, pii, resolved.map(ColumnClass::toString).orElse("not at all"), column));
      }
    }
    if (!problems.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Cannot classify the columns of %s: %s",
          spec.pipelineName(),
          String.join("; ", problems));
    }
    return new TableAnnotations(classes, traced);
  }

  /**
   * The classification problems {@code validate} finds without Spark: every column of a silver or
   * gold table's schema contract is classified or inherits; classified columns exist in the
   * contract; a column classified below pii has no same-named pii column among the inputs (its
   * likely origin) unless it declares a protection.
   *
   * @param specs the registered pipelines' specs by output table
   */
  public static List<String> problems(Map<TableId, PipelineSpec> specs) {
    List<String> problems = new ArrayList<>();
    for (PipelineSpec spec : specs.values()) {
      if (spec.output().layer() == Layer.BRONZE) {
        continue;
      }
      Optional<StructType> contract = contract(spec);
      if (contract.isEmpty()) {
        continue; // AuthoringRules reports the missing contract
      }
      List<String> columns =
          Arrays.stream(contract.get().fields())
              .map(StructField::name)
              .filter(name -> !name.startsWith("_"))
              .toList();
      Classifications declared = spec.classifications();
      missingColumns(declared, columns)
          .ifPresent(problem -> problems.add("pipeline " + spec.pipelineName() + ": " + problem));
      for (String column : columns) {
        if (!declared.covers(column)) {
          problems.add(
              String.format(
                  "pipeline %s: %s; add classify(Classification.<level>, \"%s\") or"
                      + " inherit(\"%s\") to its spec",
                  spec.pipelineName(), unclassified(column), column, column));
          continue;
        }
        Optional<ColumnClass> columnClass = declared.declared(column);
        boolean below =
            columnClass.map(c -> c.level() != Classification.PII).orElse(false)
                && declared.protection(column).isEmpty();
        if (below) {
          List<TableId> piiInputs =
              spec.inputs().stream()
                  .filter(
                      input ->
                          staticClass(specs, input, column)
                              .map(c -> c.level() == Classification.PII)
                              .orElse(false))
                  .toList();
          if (!piiInputs.isEmpty()) {
            problems.add(
                String.format(
                    "pipeline %s: column %s is classified %s, but input %s holds a pii column %s"
                        + " it is likely computed from: classify it pii, or declare"
                        + " protect(Protection.<how>, \"%s\") in the spec",
                    spec.pipelineName(),
                    column,
                    columnClass.get(),
                    piiInputs.get(0),
                    column,
                    column));
          }
        }
      }
    }
    return problems;
  }

  /** The columns of the spec's schema contract, if it declares one. */
  private static Optional<StructType> contract(PipelineSpec spec) {
    return spec.expectations().stream()
        .map(Expectation::rule)
        .filter(Rule.Schema.class::isInstance)
        .map(rule -> StructType.fromDDL(((Rule.Schema) rule).ddl()))
        .findFirst();
  }

  /** A column's classification as the specs declare it, following same-named inheritance. */
  private static Optional<ColumnClass> staticClass(
      Map<TableId, PipelineSpec> specs, TableId table, String column) {
    PipelineSpec spec = specs.get(table);
    if (spec == null) {
      return Optional.empty();
    }
    Optional<ColumnClass> declared = spec.classifications().declared(column);
    if (declared.isPresent() || !spec.classifications().inherited().contains(column)) {
      return declared;
    }
    return spec.inputs().stream()
        .map(input -> staticClass(specs, input, column))
        .flatMap(Optional::stream)
        .reduce(ColumnClass::merge);
  }

  private static Optional<String> missingColumns(Classifications declared, List<String> columns) {
    Set<String> unknown = new TreeSet<>(declared.declared().keySet());
    unknown.addAll(declared.inherited());
    unknown.removeAll(columns);
    return unknown.isEmpty()
        ? Optional.empty()
        : Optional.of(
            String.format(
                "classified columns %s are not among the output columns %s", unknown, columns));
  }

  private static String unclassified(String column) {
    return String.format("column %s is not classified", column);
  }

  /** Whether none of the tables {@code origins} come from holds any classification. */
  private static boolean unclassifiedTables(
      Set<Origin> origins, Function<TableId, TableAnnotations> inputs) {
    return origins.stream().allMatch(origin -> inputs.apply(origin.table()).classes().isEmpty());
  }

  /** The most sensitive classification among {@code origins}, when all of them are classified. */
  private static Optional<ColumnClass> inheritedClass(
      Set<Origin> origins, Function<TableId, TableAnnotations> inputs) {
    Optional<ColumnClass> merged = Optional.empty();
    for (Origin origin : origins) {
      Optional<ColumnClass> found = inputs.apply(origin.table()).classOf(origin.column());
      if (found.isEmpty()) {
        return Optional.empty();
      }
      merged = Optional.of(merged.map(found.get()::merge).orElse(found.get()));
    }
    return merged;
  }

  private static Set<Origin> piiOrigins(
      Set<Origin> origins, Function<TableId, TableAnnotations> inputs) {
    Set<Origin> pii = new TreeSet<>();
    for (Origin origin : origins) {
      inputs
          .apply(origin.table())
          .classOf(origin.column())
          .filter(c -> c.level() == Classification.PII)
          .ifPresent(c -> pii.add(origin));
    }
    return pii;
  }
}
