package io.medalla.internal.quality;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.CountDistinct;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.Preconditions;
import com.amazon.deequ.analyzers.ScanShareableAnalyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.analyzers.runners.EmptyStateException;
import com.amazon.deequ.metrics.Metric;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.Try;

/**
 * Collects the metrics a run's expectations need and computes them with Deequ's analyzers: every
 * scan-based metric (sizes, completeness, maxima, means) from a single aggregation, which a write
 * can compute while it writes the rows, and each distinct-count from one grouping. Keeps Deequ's
 * Scala types out of the rest of the framework.
 */
final class DeequAnalysis {
  /** A requested metric; its value is read from {@link Results} after the run. */
  static final class Measure {
    private final String description;
    private final Analyzer<?, Metric<?>> analyzer;

    private Measure(String description, Analyzer<?, Metric<?>> analyzer) {
      this.description = description;
      this.analyzer = analyzer;
    }
  }

  /** Metric values by measure; empty where there was no value to measure (no non-null rows). */
  static final class Results {
    private final Map<Measure, OptionalDouble> values;

    private Results(Map<Measure, OptionalDouble> values) {
      this.values = values;
    }

    OptionalDouble value(Measure measure) {
      return values.get(measure);
    }
  }

  private final List<Measure> measures = new ArrayList<>();

  /** The number of rows, or of rows matching a SQL filter. */
  Measure size(Optional<String> where) {
    return add(
        "Size" + where.map(filter -> " where " + filter).orElse(""),
        new Size(Option.apply(where.orElse(null))));
  }

  /** The fraction of non-null values of a column. */
  Measure completeness(String column) {
    return add(
        "Completeness of " + column, new Completeness(column, Option.empty(), Option.empty()));
  }

  /** The number of distinct value combinations of the columns. */
  Measure distinctCount(List<String> columns) {
    return add(
        "CountDistinct of " + columns,
        new CountDistinct(JavaConverters.asScalaBuffer(columns).toSeq()));
  }

  /** The largest value of a numeric column. */
  Measure maximum(String column) {
    return add("Maximum of " + column, new Maximum(column, Option.empty(), Option.empty()));
  }

  /** The mean of a numeric column. */
  Measure mean(String column) {
    return add("Mean of " + column, new Mean(column, Option.empty()));
  }

  @SuppressWarnings("unchecked")
  private Measure add(String description, Analyzer<?, ?> analyzer) {
    for (Measure existing : measures) {
      if (existing.analyzer.equals(analyzer)) {
        return existing; // Deequ rejects duplicate analyzers; one metric serves both requests.
      }
    }
    Measure measure = new Measure(description, (Analyzer<?, Metric<?>>) analyzer);
    measures.add(measure);
    return measure;
  }

  /**
   * The aggregates that compute every scan-based metric, to be evaluated in one pass over {@code
   * data}: by {@link Dataset#agg} or observed on a write ({@link Dataset#observe}).
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} naming the metric that cannot
   *     be computed on {@code data} (an unknown column, a filter that does not parse)
   */
  List<Column> aggregates(Dataset<Row> data, String table) {
    Map<Measure, List<Column>> byMeasure = new LinkedHashMap<>();
    for (Measure measure : measures) {
      if (measure.analyzer instanceof ScanShareableAnalyzer<?, ?> scan) {
        Option<Exception> failing =
            Preconditions.findFirstFailing(data.schema(), measure.analyzer.preconditions());
        if (failing.isDefined()) {
          throw failed(table, measure, failing.get().getMessage());
        }
        try {
          byMeasure.put(measure, JavaConverters.seqAsJavaList(scan.aggregationFunctions()));
        } catch (Exception e) { // a filter that does not parse: Spark's checked ParseException
          throw failed(table, measure, e.getMessage());
        }
      }
    }
    List<Column> aggregates = byMeasure.values().stream().flatMap(List::stream).toList();
    if (analysisError(data, aggregates).isPresent()) {
      for (Map.Entry<Measure, List<Column>> measure : byMeasure.entrySet()) {
        Optional<String> error = analysisError(data, measure.getValue());
        if (error.isPresent()) {
          throw failed(table, measure.getKey(), error.get());
        }
      }
    }
    return aggregates;
  }

  /** Why {@code aggregates} do not resolve over {@code data}, found without running anything. */
  private static Optional<String> analysisError(Dataset<Row> data, List<Column> aggregates) {
    try {
      data.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
          .queryExecution()
          .assertAnalyzed();
      return Optional.empty();
    } catch (Exception e) { // Spark's AnalysisException is checked but undeclared
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Every requested metric: the scan-based ones from the values of {@link #aggregates} in {@code
   * aggregated}, each distinct-count from one grouping of {@code grouped}.
   *
   * @param aggregated the values of {@link #aggregates}, in its order
   * @param grouped the rows whose distinct values are counted, with the columns the counts read
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} naming the metric that could
   *     not be computed
   */
  Results results(Row aggregated, Dataset<Row> grouped, String table) {
    List<Analyzer<?, Metric<?>>> grouping = new ArrayList<>();
    for (Measure measure : measures) {
      if (!(measure.analyzer instanceof ScanShareableAnalyzer<?, ?>)) {
        grouping.add(measure.analyzer);
      }
    }
    AnalyzerContext groupedContext =
        grouping.isEmpty()
            ? AnalyzerContext.empty()
            : AnalysisRunner.onData(grouped)
                .addAnalyzers(JavaConverters.asScalaBuffer(grouping).toSeq())
                .run();
    Map<Measure, OptionalDouble> values = new LinkedHashMap<>();
    int offset = 0;
    for (Measure measure : measures) {
      Try<?> value;
      if (measure.analyzer instanceof ScanShareableAnalyzer<?, ?> scan) {
        value =
            scan.metricFromAggregationResult(aggregated, offset, Option.empty(), Option.empty())
                .value();
        offset += scan.aggregationFunctions().size();
      } else {
        Option<Metric<?>> metric = groupedContext.metric(measure.analyzer);
        value = metric.isDefined() ? metric.get().value() : null;
      }
      if (value != null
          && value.isFailure()
          && value.failed().get() instanceof EmptyStateException) {
        values.put(measure, OptionalDouble.empty());
        continue;
      }
      if (value == null || value.isFailure()) {
        throw failed(
            table,
            measure,
            value == null ? "no metric was produced" : value.failed().get().getMessage());
      }
      values.put(measure, OptionalDouble.of(((Number) value.get()).doubleValue()));
    }
    return new Results(values);
  }

  private static MedallaException failed(String table, Measure measure, String reason) {
    return new MedallaException(
        ErrorCode.INVALID_PIPELINE,
        "Cannot check the quality of %s: %s failed: %s",
        table,
        measure.description,
        reason);
  }
}
