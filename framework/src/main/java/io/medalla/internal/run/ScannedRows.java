package io.medalla.internal.run;

import org.apache.spark.sql.execution.DataSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Counts the rows a run read from its inputs: the output-rows metric of every file scan in an
 * executed plan, through adaptive query stages and cached relations. Reading the metric after the
 * fact leaves the plan untouched, so partition pruning and filter push-down still apply.
 */
final class ScannedRows {
  private ScannedRows() {}

  /** The rows scanned by {@code plan}, which must have been executed. */
  static long of(SparkPlan plan) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      return of(adaptive.executedPlan());
    }
    if (plan instanceof QueryStageExec stage) {
      return of(stage.plan());
    }
    if (plan instanceof InMemoryTableScanExec cached) {
      return of(cached.relation().cachedPlan());
    }
    if (plan instanceof DataSourceScanExec) {
      Option<SQLMetric> rows = plan.metrics().get("numOutputRows");
      return rows.isDefined() ? rows.get().value() : 0;
    }
    long total = 0;
    for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      total += of(child);
    }
    return total;
  }
}
