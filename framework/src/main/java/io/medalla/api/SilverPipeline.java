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
   * Computes the rows to publish for the run's partitions, {@link RunContext#dates()} (filter with
   * {@link RunContext#inDates(String)}); without a partition column, for {@link
   * RunContext#logicalDate()}. Every row must belong to one of the run's partitions.
   */
  public abstract Dataset<Row> transform(RunContext context);
}
