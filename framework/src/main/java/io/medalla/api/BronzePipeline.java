package io.medalla.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Ingests one landing source into a bronze table. The framework reads the logical date's files with
 * the declared schema (keeping unparseable records in {@code _corrupt_record}), adds the bronze
 * metadata columns and appends the batch exactly once.
 */
public abstract non-sealed class BronzePipeline extends Pipeline {
  /** Subclasses declare their spec in {@link #spec()}. */
  protected BronzePipeline() {}

  @Override
  public final Layer layer() {
    return Layer.BRONZE;
  }

  /**
   * Shapes the raw records of one batch. The default keeps them as received, which is what bronze
   * is for; override only to rename or add derived columns. Must keep {@code _source} and {@code
   * _corrupt_record}.
   */
  public Dataset<Row> transform(Dataset<Row> records, RunContext context) {
    return records;
  }
}
