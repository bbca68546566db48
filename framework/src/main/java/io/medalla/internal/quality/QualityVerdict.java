package io.medalla.internal.quality;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the quality gate decided about a candidate output.
 *
 * @param results one result per expectation
 * @param publishable the rows to publish: the candidate minus quarantined rows
 * @param publishableRows how many rows {@code publishable} holds
 * @param quarantined the quarantine records of failing rows, when a quarantine rule failed
 * @param quarantinedRows how many rows were quarantined
 * @param metrics the metrics to append to the table's history
 */
public record QualityVerdict(
    List<CheckResult> results,
    Dataset<Row> publishable,
    long publishableRows,
    Optional<Dataset<Row>> quarantined,
    long quarantinedRows,
    Map<MetricKey, Double> metrics) {
  public QualityVerdict {
    results = List.copyOf(results);
    requireNonNull(publishable, "publishable is null");
    requireNonNull(quarantined, "quarantined is null");
    metrics = Map.copyOf(metrics);
  }

  /** The failed expectations of severity FAIL. */
  public List<CheckResult> blocking() {
    return results.stream().filter(CheckResult::blocks).toList();
  }
}
