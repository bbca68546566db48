package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * A spec's {@code deduplicate(...)}: the later copies of each key are marked rather than dropped,
 * so the run's one measuring pass counts them and the rest of the run leaves them out.
 */
final class Deduplication {
  /** The marker column, true on a later copy of a key; the conformer keeps it. */
  static final String DUPLICATE = "__medalla_duplicate";

  private Deduplication() {}

  /**
   * {@code output} with the marker column, when the spec deduplicates; a row with a null key is
   * never a copy.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} when an ordering column is not
   *     in the output
   */
  static Dataset<Row> mark(PipelineSpec spec, Dataset<Row> output) {
    List<String> order = spec.deduplicationOrder();
    if (order.isEmpty()) {
      return output;
    }
    List<String> columns = Arrays.asList(output.columns());
    for (String column : order) {
      if (!columns.contains(column)) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Cannot deduplicate %s: its ordering column %s is not in the transformation's output"
                + " %s",
            spec.output(),
            column,
            columns);
      }
    }
    Column[] keys = spec.keys().stream().map(output::col).toArray(Column[]::new);
    Column copy =
        row_number()
            .over(
                Window.partitionBy(keys)
                    .orderBy(order.stream().map(output::col).toArray(Column[]::new)));
    Column nullKey = lit(false);
    for (Column key : keys) {
      nullKey = nullKey.or(key.isNull());
    }
    return output.withColumn(DUPLICATE, copy.gt(1).and(not(nullKey)));
  }

  /** The number of rows marked as copies, as an aggregate; 0 where nothing is marked. */
  static Column copies(Dataset<Row> candidate) {
    return Arrays.asList(candidate.columns()).contains(DUPLICATE)
        ? count(when(col(DUPLICATE), lit(1)))
        : lit(0L);
  }

  /** The candidate without its marked copies and without the marker. */
  static Dataset<Row> kept(Dataset<Row> candidate) {
    return Arrays.asList(candidate.columns()).contains(DUPLICATE)
        ? candidate.where(not(col(DUPLICATE))).drop(DUPLICATE)
        : candidate;
  }
}
