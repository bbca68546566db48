package io.medalla.run;

import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks a run's candidate output after conform and before publish (write-audit-publish). A hook
 * that throws stops the run: nothing is published and the run is recorded as failed or blocked.
 */
@FunctionalInterface
public interface AuditHook {
  /** Audits the candidate; throw a {@link io.medalla.api.MedallaException} to stop publishing. */
  void audit(PipelineSpec spec, Dataset<Row> candidate, long candidateRows, RunContext context);
}
