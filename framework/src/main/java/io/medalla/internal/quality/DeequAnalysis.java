package io.medalla.internal.quality;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.CountDistinct;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Mean;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.Try;

/**
 * Collects the metrics a run's expectations need and computes all of them in one Deequ analysis:
 * Deequ answers every scan-based metric (sizes, completeness, maxima, means) from a single
 * aggregation over the data and each distinct-count from one grouping. Keeps Deequ's Scala types
 * out of the rest of the framework.
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
   * Computes every requested metric in one analysis of {@code data}.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} naming the metric that could
   *     not be computed (an unknown column, a filter that does not parse)
   */
  Results run(Dataset<Row> data, String table) {
    Map<Measure, OptionalDouble> values = new LinkedHashMap<>();
    if (measures.isEmpty()) {
      return new Results(values);
    }
    List<Analyzer<?, Metric<?>>> analyzers = new ArrayList<>();
    measures.forEach(measure -> analyzers.add(measure.analyzer));
    AnalyzerContext context =
        AnalysisRunner.onData(data)
            .addAnalyzers(JavaConverters.asScalaBuffer(analyzers).toSeq())
            .run();
    for (Measure measure : measures) {
      Option<Metric<?>> metric = context.metric(measure.analyzer);
      Try<?> value = metric.isDefined() ? metric.get().value() : null;
      if (value != null
          && value.isFailure()
          && value.failed().get() instanceof EmptyStateException) {
        values.put(measure, OptionalDouble.empty());
        continue;
      }
      if (value == null || value.isFailure()) {
        String reason =
            value == null ? "no metric was produced" : value.failed().get().getMessage();
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Cannot check the quality of %s: %s failed: %s",
            table,
            measure.description,
            reason);
      }
      values.put(measure, OptionalDouble.of(((Number) value.get()).doubleValue()));
    }
    return new Results(values);
  }
}
