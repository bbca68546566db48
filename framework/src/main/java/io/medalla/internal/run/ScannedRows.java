package io.medalla.internal.run;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.delta.commands.cdc.CDCReader;
import org.apache.spark.sql.execution.DataSourceScanExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.RowDataSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Counts the rows a run read from its inputs: the output-rows metric of every file scan in an
 * executed plan, through adaptive query stages and cached relations. A table scanned more than once
 * (a change feed's new events, then every event of their keys) counts once, with its largest scan.
 * Reading the metric after the fact leaves the plan untouched, so partition pruning and filter
 * push-down still apply.
 */
final class ScannedRows {
  private ScannedRows() {}

  /** The rows scanned by {@code plan}, which must have been executed. */
  static long of(SparkPlan plan) {
    Map<Object, Long> largestScan = new HashMap<>();
    collect(plan, largestScan);
    return largestScan.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Each scanned table's largest scan. */
  private static void collect(SparkPlan plan, Map<Object, Long> largestScan) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), largestScan);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), largestScan);
    } else if (plan instanceof InMemoryTableScanExec cached) {
      collect(cached.relation().cachedPlan(), largestScan);
    } else if (plan instanceof DataSourceScanExec) {
      Option<SQLMetric> metric = plan.metrics().get("numOutputRows");
      long rows = metric.isDefined() ? metric.get().value() : 0;
      largestScan.merge(table(plan), rows, Math::max);
    } else {
      for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
        collect(child, largestScan);
      }
    }
  }

  /**
   * What a scan reads: a file table's root paths (a change feed's by its table's path), else the
   * scan itself.
   */
  private static Object table(SparkPlan scan) {
    if (scan instanceof FileSourceScanExec files) {
      return JavaConverters.seqAsJavaList(files.relation().location().rootPaths()).toString();
    }
    if (scan instanceof RowDataSourceScanExec rows
        && rows.relation() instanceof CDCReader.DeltaCDFRelation changes) {
      return List.of(changes.snapshotWithSchemaMode().snapshot().deltaLog().dataPath()).toString();
    }
    return scan;
  }
}
