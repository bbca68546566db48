package io.medalla.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds a business data product. Reads silver and gold tables through {@link
 * RunContext#read(TableId)}; the framework adds the gold metadata columns and publishes according
 * to {@link PipelineSpec#writeMode()}.
 */
public abstract non-sealed class GoldPipeline extends Pipeline {
  /** Subclasses declare their spec in {@link #spec()}. */
  protected GoldPipeline() {}

  @Override
  public final Layer layer() {
    return Layer.GOLD;
  }

  /**
   * Computes the rows to publish for the run's partitions, {@link RunContext#dates()} (filter with
   * {@link RunContext#inDates(String)}); without a partition column, for {@link
   * RunContext#logicalDate()}. Every row must belong to one of the run's partitions.
   */
  public abstract Dataset<Row> transform(RunContext context);
}
