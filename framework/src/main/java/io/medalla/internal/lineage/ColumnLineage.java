package io.medalla.internal.lineage;

import static java.util.Objects.requireNonNull;

import io.medalla.api.TableId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.delta.commands.cdc.CDCReader;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.collection.JavaConverters;

/**
 * Column-level lineage from a transformation's analyzed plan: for each output column, the input
 * table columns its value is computed from (projections, aggregates, window functions and unions
 * followed; filter and join conditions and windows' partitioning and ordering left out, as
 * OpenLineage's direct lineage does), through file scans and change-feed reads of the inputs.
 */
public final class ColumnLineage {
  /** An input table's column. */
  public record Origin(TableId table, String column) implements Comparable<Origin> {
    public Origin {
      requireNonNull(table, "table is null");
      requireNonNull(column, "column is null");
    }

    /** {@code silver_product.events.user_id}. */
    @Override
    public String toString() {
      return table.catalogName() + "." + column;
    }

    @Override
    public int compareTo(Origin other) {
      int byTable = table.toString().compareTo(other.table.toString());
      return byTable != 0 ? byTable : column.compareTo(other.column);
    }
  }

  private final Map<String, TableId> tablesByPath;
  private final Map<ExprId, Set<Origin>> origins = new HashMap<>();

  private ColumnLineage(Map<String, TableId> tablesByPath) {
    this.tablesByPath = tablesByPath;
  }

  /**
   * The origins of each column of {@code output}; a column computed from no traced input (a
   * literal, or a relation that is not one of {@code tablesByPath}) is left out.
   *
   * @param tablesByPath the run's input tables by their qualified Hadoop path
   */
  public static Map<String, Set<Origin>> of(
      Dataset<Row> output, Map<String, TableId> tablesByPath) {
    ColumnLineage lineage = new ColumnLineage(tablesByPath);
    LogicalPlan plan = output.queryExecution().analyzed();
    lineage.visit(plan);
    Map<String, Set<Origin>> columns = new LinkedHashMap<>();
    for (Attribute attribute : JavaConverters.seqAsJavaList(plan.output())) {
      Set<Origin> found = lineage.origins.getOrDefault(attribute.exprId(), Set.of());
      if (!found.isEmpty()) {
        columns.put(attribute.name(), new TreeSet<>(found));
      }
    }
    return columns;
  }

  private void visit(LogicalPlan node) {
    List<LogicalPlan> children = JavaConverters.seqAsJavaList(node.children());
    children.forEach(this::visit);
    if (node instanceof LogicalRelation relation) {
      table(relation)
          .ifPresent(
              table ->
                  JavaConverters.seqAsJavaList(relation.output())
                      .forEach(
                          attribute ->
                              origins.put(
                                  attribute.exprId(),
                                  Set.of(new Origin(table, attribute.name())))));
    } else if (node instanceof Union) {
      List<Attribute> outputs = JavaConverters.seqAsJavaList(node.output());
      for (int index = 0; index < outputs.size(); index++) {
        Set<Origin> merged = new HashSet<>();
        for (LogicalPlan child : children) {
          merged.addAll(origins.getOrDefault(child.output().apply(index).exprId(), Set.of()));
        }
        origins.put(outputs.get(index).exprId(), merged);
      }
    } else {
      for (Expression expression : JavaConverters.seqAsJavaList(node.expressions())) {
        if (expression instanceof NamedExpression named && !(expression instanceof Attribute)) {
          origins.put(named.exprId(), referenced(expression));
        }
      }
    }
  }

  /**
   * The origins of the attributes {@code expression} computes from; a window's partitioning and
   * ordering only say which rows it combines, so only its function's inputs count.
   */
  private Set<Origin> referenced(Expression expression) {
    if (expression instanceof WindowExpression window) {
      return referenced(window.windowFunction());
    }
    if (expression instanceof Attribute attribute) {
      return origins.getOrDefault(attribute.exprId(), Set.of());
    }
    Set<Origin> found = new HashSet<>();
    for (Expression child : JavaConverters.seqAsJavaList(expression.children())) {
      found.addAll(referenced(child));
    }
    return found;
  }

  /** The input table a relation reads: its files, or its change feed. */
  private Optional<TableId> table(LogicalRelation relation) {
    List<Path> roots;
    if (relation.relation() instanceof HadoopFsRelation files) {
      roots = JavaConverters.seqAsJavaList(files.location().rootPaths());
    } else if (relation.relation() instanceof CDCReader.DeltaCDFRelation changes) {
      roots = List.of(changes.snapshotWithSchemaMode().snapshot().deltaLog().dataPath());
    } else {
      return Optional.empty();
    }
    return roots.stream()
        .map(root -> tablesByPath.get(root.toString()))
        .filter(java.util.Objects::nonNull)
        .findFirst();
  }
}
