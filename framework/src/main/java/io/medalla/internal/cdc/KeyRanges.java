package io.medalla.internal.cdc;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;

/**
 * The key ranges a change batch touches, as a literal predicate on another table's key: Delta then
 * skips the files whose key statistics (min/max) overlap none of them, so a batch of recent keys
 * reads only the files holding those keys of a key-clustered table (a MERGE target) or of bronze.
 * Integral keys are split at their largest gaps into at most {@link #MAX_RANGES} ranges; other
 * types give one range from the smallest to the largest key. One Spark job; only the range bounds
 * reach the driver.
 */
public final class KeyRanges {
  /** At most this many ranges in the predicate. */
  static final int MAX_RANGES = 16;

  private KeyRanges() {}

  /**
   * {@code target} within the ranges of {@code source}'s {@code key} values; empty when the key
   * type has no order, or the source has no key or a null key (which matches null keys, in no
   * range).
   */
  public static Optional<Column> predicate(Dataset<Row> source, String key, Column target) {
    DataType type = source.schema().apply(key).dataType();
    if (!orderable(type)) {
      return Optional.empty();
    }
    boolean integral = type instanceof IntegralType;
    Column gap =
        integral
            ? col("key").cast("decimal(38,0)").minus(col("previous"))
            : lit(0).cast("decimal(38,0)");
    // One window over the batch's distinct keys (small); the constant partition says so, where an
    // empty one would log a warning on every run.
    WindowSpec inKeyOrder = Window.partitionBy(lit(0)).orderBy(col("key").asc_nulls_first());
    // The smallest and largest keys (nulls sort first, so a null key is the smallest), then the
    // keys that follow the largest gaps, with the key before each.
    List<Row> bounds =
        source
            .select(col(quoted(key)).as("key"))
            .distinct()
            .withColumn("previous", lag(col("key"), 1).over(inKeyOrder))
            .withColumn("next", lead(col("key"), 1).over(inKeyOrder))
            .withColumn(
                "priority",
                when(col("previous").isNull().or(col("next").isNull()), lit(null)).otherwise(gap))
            .orderBy(col("priority").desc_nulls_first())
            .limit(MAX_RANGES + 1)
            .select(col("key"), col("previous"), col("next"))
            .collectAsList();
    if (bounds.isEmpty() || bounds.stream().anyMatch(row -> row.isNullAt(0))) {
      return Optional.empty();
    }
    Object smallest =
        bounds.stream().filter(row -> row.isNullAt(1)).findFirst().orElseThrow().get(0);
    Object largest =
        bounds.stream().filter(row -> row.isNullAt(2)).findFirst().orElseThrow().get(0);
    List<Object[]> ranges = new ArrayList<>();
    if (integral) {
      // The largest key's row came first whatever its gap: rank the gaps here.
      List<Row> gaps =
          bounds.stream()
              .filter(row -> !row.isNullAt(1))
              .sorted(Comparator.comparing(KeyRanges::gap).reversed())
              .limit(MAX_RANGES - 1)
              .sorted(Comparator.comparingLong(row -> ((Number) row.get(0)).longValue()))
              .toList();
      Object from = smallest;
      for (Row afterGap : gaps) {
        ranges.add(new Object[] {from, afterGap.get(1)});
        from = afterGap.get(0);
      }
      ranges.add(new Object[] {from, largest});
    } else {
      ranges.add(new Object[] {smallest, largest});
    }
    Column within = null;
    for (Object[] range : ranges) {
      Column between = target.between(lit(range[0]), lit(range[1]));
      within = within == null ? between : within.or(between);
    }
    return Optional.of(within);
  }

  private static BigInteger gap(Row row) {
    return BigInteger.valueOf(((Number) row.get(0)).longValue())
        .subtract(BigInteger.valueOf(((Number) row.get(1)).longValue()));
  }

  private static boolean orderable(DataType type) {
    return type instanceof IntegralType
        || type.equals(DataTypes.StringType)
        || type.equals(DataTypes.DateType)
        || type.equals(DataTypes.TimestampType)
        || type instanceof DecimalType;
  }
}
