package io.medalla.internal.run;

import io.medalla.api.IngestContext;
import io.medalla.api.PipelineSpec;
import io.medalla.api.SourceBatch;
import io.medalla.internal.ingest.SourceKinds;
import io.medalla.internal.table.Warehouse;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The read step of a bronze run: the spec's source, read by its {@link io.medalla.api.SourceKind}
 * for the run's batch, on the bronze table as the run planned it.
 */
final class SourceIngestion {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final String landing;
  private final SourceKinds kinds;

  SourceIngestion(SparkSession spark, Warehouse warehouse, String landing, SourceKinds kinds) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.landing = landing;
    this.kinds = kinds;
  }

  SourceBatch read(PipelineSpec spec, RunPlan plan, String runId) {
    return kinds.read(
        spec.source().orElseThrow(),
        new BatchContext(
            spark,
            spec,
            runId,
            plan.logicalDate(),
            landing,
            warehouse.path(spec.output()),
            plan.outputVersion()));
  }

  /** The batch as a source kind sees it. */
  private record BatchContext(
      SparkSession spark,
      PipelineSpec spec,
      String runId,
      LocalDate logicalDate,
      String landing,
      String tablePath,
      Optional<Long> tableVersion)
      implements IngestContext {
    @Override
    public Optional<Dataset<Row>> table() {
      return tableVersion.map(
          version -> spark.read().format("delta").option("versionAsOf", version).load(tablePath));
    }
  }
}
