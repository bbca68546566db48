package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The quality gate's one analysis of a candidate. While the rules are planned they add columns to
 * the analysed data and measures to the analysis; once it has run, they read the values.
 */
final class Audit {
  private final PipelineSpec spec;
  private final StructType schema;
  private final RunContext context;
  private final QualityGate.History history;
  private final DeequAnalysis analysis = new DeequAnalysis();
  private final DeequAnalysis.Measure size;
  private final Map<MetricKey, DeequAnalysis.Measure> keptMetrics = new LinkedHashMap<>();
  private final Map<Expectation, String> passPredicates = new LinkedHashMap<>();
  private final List<UnaryOperator<Dataset<Row>>> groupingColumns = new ArrayList<>();
  private Dataset<Row> data;
  private DeequAnalysis.Results values;

  Audit(
      PipelineSpec spec, Dataset<Row> candidate, RunContext context, QualityGate.History history) {
    this.spec = spec;
    this.schema = candidate.schema();
    this.context = context;
    this.history = history;
    this.data = candidate;
    this.size = analysis.size(Optional.empty());
    keptMetrics.put(MetricKey.size(), size);
  }

  PipelineSpec spec() {
    return spec;
  }

  /** The candidate's schema, without the columns the rules add. */
  StructType schema() {
    return schema;
  }

  RunContext context() {
    return context;
  }

  DeequAnalysis analysis() {
    return analysis;
  }

  /** Adds columns to the analysed data (a flag, a derived key). */
  void extend(UnaryOperator<Dataset<Row>> extension) {
    data = extension.apply(data);
  }

  /** Keeps a measure's value in the table's metric history. */
  void keepMetric(MetricKey key, DeequAnalysis.Measure measure) {
    keptMetrics.put(key, measure);
  }

  /** Adds a column that a distinct-count reads, to the analysed data and to the counted rows. */
  void extendGrouped(UnaryOperator<Dataset<Row>> extension) {
    groupingColumns.add(extension);
    extend(extension);
  }

  /** Records the predicate a row-level expectation passes rows with, for the quarantine. */
  void judgesRows(Expectation expectation, String passPredicate) {
    passPredicates.put(expectation, passPredicate);
  }

  /** The pass predicates of the row-level expectations, in declaration order. */
  Map<Expectation, String> passPredicates() {
    return passPredicates;
  }

  /** The analysed data: the candidate with the rules' columns. */
  Dataset<Row> data() {
    return data;
  }

  /** The aggregates of the analysis's scan-based metrics, over {@link #data}. */
  List<Column> aggregates() {
    return analysis.aggregates(data, spec.pipelineName());
  }

  /** Runs the analysis on {@link #data}; the values below are read after it. */
  void run() {
    List<Column> aggregates = aggregates();
    Row aggregated =
        data.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    values = analysis.results(aggregated, data, spec.pipelineName());
  }

  /**
   * Takes the values of {@link #aggregates} computed elsewhere (observed on a write) and counts the
   * distinct values of {@code rows}, the candidate's rows without the analysis's columns (read back
   * from the written files); the values below are read after it.
   */
  void measured(Row aggregated, Dataset<Row> rows) {
    Dataset<Row> grouped = rows;
    for (UnaryOperator<Dataset<Row>> extension : groupingColumns) {
      grouped = extension.apply(grouped);
    }
    values = analysis.results(aggregated, grouped, spec.pipelineName());
  }

  OptionalDouble value(DeequAnalysis.Measure measure) {
    return values.value(measure);
  }

  /** The candidate's row count. */
  long rows() {
    return (long) value(size).orElse(0);
  }

  LocalDate logicalDate() {
    return context.logicalDate();
  }

  QualityGate.History history() {
    return history;
  }

  /** The values of the metrics kept in the history. */
  Map<MetricKey, Double> metrics() {
    Map<MetricKey, Double> metrics = new LinkedHashMap<>();
    keptMetrics.forEach((key, measure) -> value(measure).ifPresent(v -> metrics.put(key, v)));
    return metrics;
  }
}
