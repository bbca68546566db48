package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.medalla.api.BronzePipeline;
import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.Expect;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.testkit.SharedSpark;
import io.medalla.testkit.TableContents;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental runs read only the inputs' new commits (Delta's change data feed), recompute exactly
 * the partitions those commits feed (rolling windows included) and end equal to a full refresh;
 * concurrent runs of the same partitions never duplicate data.
 */
class TestIncrementalProcessing {
  private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate DAY_2 = DAY_1.plusDays(1);
  private static final LocalDate DAY_3 = DAY_1.plusDays(2);
  private static final List<Pipeline> DOWNSTREAM =
      List.of(new SilverClicks(), new GoldDailyUsers(), new GoldRollingUsers());

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    // Concurrent runs retry lost commit races; short backoffs keep the test quick.
    warehouse = TestWarehouse.create(directory, Map.of("medalla.commit.initial-backoff", "100ms"));
  }

  @Test
  void incrementalRunsRecomputeTouchedPartitionsAndEqualAFullRefresh() {
    landClicks(DAY_1, click("c1", 1, DAY_1), click("c2", 2, DAY_1), click("c1", 1, DAY_1));
    assertReconciles(ingestAndRefresh(DAY_1).get(1), 3, 2, 1);
    landClicks(DAY_2, click("c3", 1, DAY_2), click("c2", 2, DAY_1));
    assertReconciles(ingestAndRefresh(DAY_2).get(1), 2, 1, 1);
    // A late click of day 2 arrives with day 3's batch.
    landClicks(DAY_3, click("c4", 3, DAY_3), click("c5", 2, DAY_2));
    List<RunResult> late = ingestAndRefresh(DAY_3);

    assertThat(late).allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(late.get(1).record().dates()).containsExactly(DAY_2, DAY_3);
    assertThat(late.get(1).record().rowsRead())
        .as("the insert-only silver reads only bronze's new commit")
        .isEqualTo(2);
    assertThat(late.get(2).record().dates()).containsExactly(DAY_2, DAY_3);
    assertThat(late.get(3).record().dates())
        .containsExactly(DAY_2, DAY_3, DAY_3.plusDays(1), DAY_3.plusDays(2));
    assertThat(late.get(2).record().rowsRead())
        .as("the daily gold reads only the touched silver partitions")
        .isEqualTo(3);
    assertThat(rows("gold_test.daily_users"))
        .containsExactly(
            List.of(Date.valueOf(DAY_1), 2L, 2L),
            List.of(Date.valueOf(DAY_2), 2L, 2L),
            List.of(Date.valueOf(DAY_3), 1L, 1L));
    assertThat(rows("gold_test.rolling_users"))
        .containsExactly(
            List.of(Date.valueOf(DAY_1), 2L),
            List.of(Date.valueOf(DAY_2), 2L),
            List.of(Date.valueOf(DAY_3), 3L),
            List.of(Date.valueOf(DAY_3.plusDays(1)), 3L),
            List.of(Date.valueOf(DAY_3.plusDays(2)), 1L));

    RunResult nothingNew = refresh(new SilverClicks(), RunMode.INCREMENTAL);
    assertThat(nothingNew.record().status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(nothingNew.record().dates()).isEmpty();

    Map<String, List<List<Object>>> incremental = contents();
    for (Pipeline pipeline : DOWNSTREAM) {
      RunResult full = refresh(pipeline, RunMode.FULL_REFRESH);
      assertThat(full.record().mode()).isEqualTo(RunMode.FULL_REFRESH);
      assertThat(full.exitStatus()).isZero();
      if (pipeline instanceof SilverClicks) {
        assertReconciles(full, 7, 5, 2);
      }
    }
    assertThat(contents()).isEqualTo(incremental);
  }

  @Test
  void aRunRepeatedAfterBeingKilledBeforeItsLedgerRowQuarantinesNothingTwice() {
    String withoutUser = "{\"id\": \"c9\", \"user_id\": null, \"ts\": \"" + DAY_1 + "T08:00:00Z\"}";
    landClicks(DAY_1, click("c1", 1, DAY_1));
    warehouse.run(new BronzeClicks(), DAY_1);
    refresh(new CheckedClicks(), RunMode.INCREMENTAL);
    landClicks(DAY_2, click("c2", 2, DAY_2), withoutUser);
    warehouse.run(new BronzeClicks(), DAY_2);
    RunResult killed = refresh(new CheckedClicks(), RunMode.INCREMENTAL);
    assertThat(killed.record().rowsQuarantined()).isEqualTo(1);
    List<List<Object>> published = rows("silver_test.checked_clicks");
    // What a SIGKILL after the quarantine's commit leaves: no end row, so the run is repeated.
    DeltaTable.forPath(SharedSpark.session(), warehouse.warehouse().opsPath("run_ledger"))
        .delete(col("run_id").equalTo(killed.record().runId()));

    RunResult repeated = refresh(new CheckedClicks(), RunMode.INCREMENTAL);

    assertThat(repeated.exitStatus()).isZero();
    assertThat(repeated.record().rowsRead()).as("the same bronze commit again").isEqualTo(2);
    assertThat(rows("silver_test.checked_clicks")).isEqualTo(published);
    assertThat(warehouse.quarantined("silver_test.checked_clicks")).hasSize(1);
  }

  @Test
  void aUniqueKeyOfProvenanceColumnsIsCheckedOnARepeatedRunThatOverwritesItsPartition() {
    landClicks(DAY_1, click("c1", 1, DAY_1), click("c2", 2, DAY_1), click("c1", 1, DAY_1));
    warehouse.run(new BronzeClicks(), DAY_1);
    RunResult first = warehouse.run(new LocatedClicks(), DAY_1);

    RunResult repeated = warehouse.run(new LocatedClicks(), DAY_1);

    assertThat(List.of(first, repeated))
        .allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(repeated.record().rowsWritten()).isEqualTo(3);
    assertThat(warehouse.table("silver_test.located_clicks").columns())
        .doesNotContain("_source", "_line");
  }

  /**
   * A silver run's rows produced are those written plus the copies of a key it dropped, copies in
   * its own batch and rows whose key the insert-only table already held alike; the ledger agrees.
   */
  private void assertReconciles(RunResult silver, long produced, long written, long copies) {
    assertThat(silver.record())
        .extracting(
            record -> record.rowsProduced(),
            record -> record.rowsWritten(),
            record -> record.rowsDeduplicated())
        .containsExactly(produced, written, copies);
    Row ledgerRow =
        warehouse.ledger().where(col("run_id").equalTo(silver.record().runId())).first();
    assertThat(ledgerRow.<Long>getAs("rows_deduplicated")).isEqualTo(copies);
  }

  @Test
  void backfillWithDownstreamRefreshesRollingWindows() {
    landClicks(DAY_1, click("c1", 1, DAY_1));
    landClicks(DAY_2, click("c2", 2, DAY_2));
    ingestAndRefresh(DAY_1);
    ingestAndRefresh(DAY_2);
    // A late click of day 1 arrives with day 3's batch; day 3's date runs do not see it.
    landClicks(DAY_3, click("c3", 3, DAY_1), click("c4", 4, DAY_3));
    warehouse.run(new BronzeClicks(), DAY_3);
    warehouse.run(new SilverClicks(), DAY_3);
    assertThat(rows("silver_test.clicks")).hasSize(3);

    PipelineRegistry registry =
        PipelineRegistry.of(
            List.of(
                new BronzeClicks(),
                new SilverClicks(),
                new GoldDailyUsers(),
                new GoldRollingUsers()));
    List<Pipeline> silver = List.of(registry.get("silver_test.clicks"));
    Backfill backfill = new Backfill(warehouse.runner(), warehouse.settings().landing());
    Backfill.Plan plan =
        backfill.plan(silver, registry.downstreamOf(silver), DAY_1, DAY_3, 3, false);
    List<RunResult> results = backfill.execute(plan, result -> {});

    assertThat(results)
        .extracting(result -> result.record().pipeline())
        .containsExactly("silver_test.clicks", "gold_test.daily_users", "gold_test.rolling_users");
    assertThat(results).allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(results.get(1).record().mode()).isEqualTo(RunMode.INCREMENTAL);
    assertThat(rows("gold_test.daily_users"))
        .contains(List.of(Date.valueOf(DAY_1), 2L, 2L), List.of(Date.valueOf(DAY_3), 1L, 1L));
    assertThat(rows("gold_test.rolling_users"))
        .contains(
            List.of(Date.valueOf(DAY_1), 2L),
            List.of(Date.valueOf(DAY_2), 3L),
            List.of(Date.valueOf(DAY_3), 4L),
            List.of(Date.valueOf(DAY_3.plusDays(2)), 1L));
  }

  @Test
  void changeFeedsApplyOnlyNewBronzeCommitsIncrementally() {
    landOrderEvents(DAY_1, event("c", 1, 10, 1), event("c", 2, 5, 2));
    warehouse.run(new BronzeOrderEvents(), DAY_1);
    RunResult first = refresh(new SilverOrderState(), RunMode.INCREMENTAL);
    landOrderEvents(DAY_2, event("u", 1, 12, 3), event("d", 2, 5, 4), event("c", 3, 7, 5));
    warehouse.run(new BronzeOrderEvents(), DAY_2);
    RunResult second = refresh(new SilverOrderState(), RunMode.INCREMENTAL);

    assertThat(first.record().mode()).as("a first incremental run").isEqualTo(RunMode.FULL_REFRESH);
    assertThat(second.record().mode()).isEqualTo(RunMode.INCREMENTAL);
    assertThat(second.record().rowsProduced()).as("only keys the new events change").isEqualTo(3);
    List<List<Object>> incremental = rows("silver_test.order_state");
    assertThat(incremental).containsExactly(List.of(1L, 12L), List.of(3L, 7L));

    refresh(new SilverOrderState(), RunMode.FULL_REFRESH);
    assertThat(rows("silver_test.order_state")).isEqualTo(incremental);
  }

  @Test
  void concurrentRunsOfTheSamePartitionNeverDuplicateData() throws Exception {
    landClicks(DAY_1, click("c1", 1, DAY_1), click("c2", 2, DAY_1), click("c3", 3, DAY_1));
    List<RunResult> results =
        ConcurrentRuns.together(
            () -> warehouse.run(new BronzeClicks(), DAY_1),
            () -> warehouse.run(new BronzeClicks(), DAY_1),
            () -> warehouse.run(new BronzeClicks(), DAY_1));
    assertThat(results).allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(warehouse.table("bronze_test.clicks").count()).isEqualTo(3);

    results =
        ConcurrentRuns.together(
            () -> warehouse.run(new SilverClicks(), DAY_1),
            () -> warehouse.run(new SilverClicks(), DAY_1),
            () -> warehouse.run(new SilverClicks(), DAY_1));

    assertThat(results).allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(warehouse.table("silver_test.clicks").count()).isEqualTo(3);
    assertThat(warehouse.table("silver_test.clicks").select("id").distinct().count()).isEqualTo(3);
  }

  @Test
  void partitionedPipelinesWithoutADateDependencyCannotRefresh() {
    landClicks(DAY_1, click("c1", 1, DAY_1));
    assertThat(warehouse.run(new BronzeClicks(), DAY_1).exitStatus()).isZero();

    for (RunMode mode : List.of(RunMode.INCREMENTAL, RunMode.FULL_REFRESH)) {
      RunResult refused = refresh(new UndeclaredClicks(), mode);

      assertThat(refused.exitStatus()).as(mode.name()).isEqualTo(2);
      assertThat(refused.failure().orElseThrow())
          .hasMessageContaining(
              "Cannot refresh silver_test.undeclared_clicks incrementally or fully")
          .hasMessageContaining("Declare dependsOn(input, dateExpression) in the spec");
    }
  }

  /** Ingests the date, then runs every downstream pipeline incrementally. */
  private List<RunResult> ingestAndRefresh(LocalDate date) {
    List<RunResult> results = new ArrayList<>();
    results.add(warehouse.run(new BronzeClicks(), date));
    for (Pipeline pipeline : DOWNSTREAM) {
      results.add(refresh(pipeline, RunMode.INCREMENTAL));
    }
    return results;
  }

  private RunResult refresh(Pipeline pipeline, RunMode mode) {
    return warehouse
        .runner()
        .run(pipeline, RunRequest.asOf(mode, DAY_3, Map.of("command", "test")));
  }

  private Map<String, List<List<Object>>> contents() {
    return Map.of(
        "silver_test.clicks", rows("silver_test.clicks"),
        "gold_test.daily_users", rows("gold_test.daily_users"),
        "gold_test.rolling_users", rows("gold_test.rolling_users"));
  }

  private List<List<Object>> rows(String table) {
    return TableContents.of(warehouse.table(table));
  }

  private void landClicks(LocalDate batch, String... clicks) {
    warehouse.land(BronzeClicks.FOLDER, batch, "clicks-" + batch + ".json", List.of(clicks));
  }

  private static String click(String id, int user, LocalDate day) {
    return String.format(
        "{\"id\": \"%s\", \"user_id\": %d, \"ts\": \"%sT12:00:00Z\"}", id, user, day);
  }

  private void landOrderEvents(LocalDate batch, String... events) {
    warehouse.land(BronzeOrderEvents.FOLDER, batch, "orders-" + batch + ".json", List.of(events));
  }

  private static String event(String op, long orderId, long amount, long lsn) {
    String image = String.format("{\\\"order_id\\\": %d, \\\"amount\\\": %d}", orderId, amount);
    return String.format(
        "{\"before\": %s, \"after\": %s, \"op\": \"%s\", \"ts_ms\": %d, \"source\": {\"lsn\": %d,"
            + " \"ts_ms\": %d}}",
        op.equals("c") ? "null" : "\"" + image + "\"",
        op.equals("d") ? "null" : "\"" + image + "\"",
        op,
        lsn * 1000,
        lsn,
        lsn * 1000);
  }

  static final class BronzeClicks extends BronzePipeline {
    static final String FOLDER = "test/clicks";

    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_test.clicks")
          .owner("test-team@medalla.dev")
          .source(FileSource.jsonLines(FOLDER, "id STRING, user_id BIGINT, ts STRING"))
          .build();
    }
  }

  /** Clicks by UTC day, a repeated id kept once (its first ingested copy). */
  /** The same clicks without a declared date dependency: only dated runs can plan them. */
  static final class UndeclaredClicks extends SilverClicks {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_test.undeclared_clicks")
          .owner("test-team@medalla.dev")
          .inputs("bronze_test.clicks")
          .keys("id")
          .partitionedBy("day")
          .build();
    }
  }

  static class SilverClicks extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return clicks("silver_test.clicks").build();
    }

    /** Insert-only clicks by day, each id's first ingested copy kept. */
    static PipelineSpec.Builder clicks(String output) {
      return PipelineSpec.builder(output)
          .owner("test-team@medalla.dev")
          .dependsOn("bronze_test.clicks", "to_date(to_timestamp(ts))")
          .keys("id")
          .partitionedBy("day")
          .insertOnly()
          .deduplicate("_ingested_at", "_source", "_line");
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_test.clicks")
          .withColumn("day", to_date(to_timestamp(col("ts"))))
          .where(context.inDates("day"))
          .select("id", "user_id", "day", "_ingested_at", "_source", "_line");
    }
  }

  /** Every bronze click by day, each bronze record once: its file and line are unique. */
  static final class LocatedClicks extends SilverClicks {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_test.located_clicks")
          .owner("test-team@medalla.dev")
          .dependsOn("bronze_test.clicks", "to_date(to_timestamp(ts))")
          .partitionedBy("day")
          .expect(Expect.unique("_source", "_line").fail())
          .build();
    }
  }

  /** The clicks again, a click without user quarantined. */
  static final class CheckedClicks extends SilverClicks {
    @Override
    public PipelineSpec spec() {
      return clicks("silver_test.checked_clicks")
          .expect(Expect.complete("user_id").quarantine())
          .build();
    }
  }

  static final class GoldDailyUsers extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_test.daily_users")
          .owner("test-team@medalla.dev")
          .dependsOn("silver_test.clicks", "day")
          .keys("day")
          .partitionedBy("day")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("silver_test.clicks")
          .where(context.inDates("day"))
          .groupBy("day")
          .agg(countDistinct("user_id").as("users"), count(lit(1)).as("clicks"));
    }
  }

  /** Distinct users over the 3 days ending on each day. */
  static final class GoldRollingUsers extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_test.rolling_users")
          .owner("test-team@medalla.dev")
          .dependsOn("silver_test.clicks", "day", 3)
          .keys("day")
          .partitionedBy("day")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("silver_test.clicks")
          .where(context.inWindow("day", 3))
          .withColumn("window_day", explode(sequence(col("day"), date_add(col("day"), 2))))
          .where(context.inDates("window_day"))
          .groupBy(col("window_day").as("day"))
          .agg(countDistinct("user_id").as("users"));
    }
  }

  static final class BronzeOrderEvents extends BronzePipeline {
    static final String FOLDER = "test/order_events";

    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_test.order_events")
          .owner("test-team@medalla.dev")
          .source(FileSource.debezium(FOLDER, "order_id BIGINT"))
          .build();
    }
  }

  static final class SilverOrderState extends ChangeDataPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_test.order_state")
          .owner("test-team@medalla.dev")
          .keys("order_id")
          .changes(
              ChangeFeed.debezium("bronze_test.order_events", "order_id BIGINT, amount BIGINT"))
          .build();
    }
  }
}
