package io.medalla.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Cleans, types, deduplicates and conforms domain data. Reads bronze and silver tables through
 * {@link RunContext#read(TableId)}; the framework adds the silver metadata columns and publishes
 * according to {@link PipelineSpec#writeMode()}.
 */
public abstract non-sealed class SilverPipeline extends Pipeline {
  /** Subclasses declare their spec in {@link #spec()}. */
  protected SilverPipeline() {}

  @Override
  public final Layer layer() {
    return Layer.SILVER;
  }

  /**
   * Computes the rows to publish for {@link RunContext#logicalDate()}. With a partition column,
   * every row must belong to the logical date's partition.
   */
  public abstract Dataset<Row> transform(RunContext context);
}
