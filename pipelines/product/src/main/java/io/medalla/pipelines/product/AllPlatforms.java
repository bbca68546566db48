package io.medalla.pipelines.product;

import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The {@value #ALL} platform: a user's events on every platform together. */
final class AllPlatforms {
  /** The platform value of the rows counting a user's events on all platforms together. */
  static final String ALL = "all";

  /** The platform values of the gold tables with an {@value #ALL} row. */
  static final String[] VALUES = {"ios", "android", "web", ALL};

  private AllPlatforms() {}

  /** {@code events} plus a copy of them with platform {@value #ALL}. */
  static Dataset<Row> including(Dataset<Row> events) {
    return events.unionByName(events.withColumn("platform", lit(ALL)));
  }
}
