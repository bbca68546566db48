package io.medalla.internal.cdc;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TestKeyRanges {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void integralKeysAreSplitAtTheirLargestGaps() {
    List<Long> keys = new ArrayList<>(List.of(1L, 2L, 3L, 500L, 501L, 10_000L));
    Column predicate = KeyRanges.predicate(longs(keys), "key", col("key")).orElseThrow();

    assertThat(matching(predicate, 0, 20_000)).containsExactly(1L, 2L, 3L, 500L, 501L, 10_000L);
  }

  @Test
  void atMostSixteenRanges() {
    List<Long> keys = LongStream.range(0, 40).map(index -> index * 100).boxed().toList();
    Column predicate = KeyRanges.predicate(longs(keys), "key", col("key")).orElseThrow();

    List<Long> within = matching(predicate, 0, 4_000);
    assertThat(within).containsAll(keys);
    // 40 keys 100 apart in 16 ranges: 24 of the 39 gaps stay inside a range.
    assertThat(within).hasSize(40 + 24 * 99);
  }

  @Test
  void otherOrderedTypesGiveOneRange() {
    Dataset<Row> source =
        spark.createDataset(List.of("m", "c", "x"), Encoders.STRING()).toDF("key");
    Column predicate = KeyRanges.predicate(source, "key", col("value")).orElseThrow();

    assertThat(
            spark
                .createDataset(List.of("a", "c", "k", "x", "z"), Encoders.STRING())
                .where(predicate)
                .collectAsList())
        .containsExactly("c", "k", "x");
  }

  @Test
  void noPredicateForNullKeysOrUnorderedTypes() {
    Dataset<Row> withNull =
        spark.sql("SELECT CAST(key AS BIGINT) AS key FROM VALUES (1), (NULL) AS t(key)");
    Dataset<Row> booleans = spark.sql("SELECT true AS key");

    assertThat(KeyRanges.predicate(withNull, "key", col("key"))).isEmpty();
    assertThat(KeyRanges.predicate(booleans, "key", col("key"))).isEmpty();
  }

  private Dataset<Row> longs(List<Long> keys) {
    return spark.createDataset(keys, Encoders.LONG()).toDF("key");
  }

  private List<Long> matching(Column predicate, long from, long to) {
    return spark
        .range(from, to + 1)
        .toDF("key")
        .where(predicate)
        .orderBy("key")
        .as(Encoders.LONG())
        .collectAsList();
  }
}
