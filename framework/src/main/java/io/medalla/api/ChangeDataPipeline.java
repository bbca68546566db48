package io.medalla.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A silver pipeline that applies a {@link ChangeFeed} declared in its spec ({@code
 * PipelineSpec.Builder#changes}): the framework resolves the batch's change events and merges them
 * as SCD1 or SCD2. Authors write only the spec.
 */
public abstract class ChangeDataPipeline extends SilverPipeline {
  /** Subclasses declare their spec, with {@code changes(...)} and keys, in {@link #spec()}. */
  protected ChangeDataPipeline() {}

  /** The resolved changes of the run's batch; see {@link RunContext#changes()}. */
  @Override
  public final Dataset<Row> transform(RunContext context) {
    return context.changes();
  }
}
