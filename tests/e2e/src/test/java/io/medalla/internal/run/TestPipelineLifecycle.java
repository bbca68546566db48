package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.ErrorCode;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaTables;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPipelineLifecycle {
  private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate DAY_2 = LocalDate.of(2026, 11, 2);

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    warehouse = TestWarehouse.create(directory);
  }

  private void landOrders(LocalDate date, String... lines) {
    landOrderFile(date, "orders-" + date + ".jsonl", lines);
  }

  private void landOrderFile(LocalDate date, String fileName, String... lines) {
    warehouse.land(TestPipelines.LANDING, date, fileName, List.of(lines));
  }

  private static String order(String id, int amount, LocalDate day) {
    return String.format("{\"order_id\":\"%s\",\"amount\":%d,\"day\":\"%s\"}", id, amount, day);
  }

  private long version(String table) {
    return DeltaTables.latestCommit(warehouse.spark(), path(table)).orElseThrow().version();
  }

  private String path(String table) {
    return warehouse.warehouse().path(io.medalla.api.TableId.parse(table));
  }

  @Test
  void bronzeKeepsBadRecordsAndIngestsEachBatchOnce() {
    landOrders(DAY_1, order("a", 10, DAY_1), "{\"order_id\": \"broken");
    landOrderFile(DAY_1, "late-file.jsonl", order("b", 5, DAY_1));
    RunResult first = warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);

    assertThat(first.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(first.record().rowsRead()).isEqualTo(3);
    assertThat(first.record().rowsWritten()).isEqualTo(3);
    Dataset<Row> bronze = warehouse.table("bronze_test.orders");
    assertThat(bronze.columns())
        .containsExactly(
            "order_id",
            "amount",
            "day",
            "_source",
            "_line",
            "_corrupt_record",
            "_ingested_at",
            "_run_id",
            "_batch_id");
    Row corrupt = bronze.where(col("_corrupt_record").isNotNull()).first();
    assertThat(corrupt.<String>getAs("_corrupt_record")).isEqualTo("{\"order_id\": \"broken");
    assertThat(corrupt.<String>getAs("_source")).endsWith("orders-2026-11-01.jsonl");
    assertThat(bronze.where(col("_run_id").equalTo(first.record().runId())).count()).isEqualTo(3);

    RunResult repeat = warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);

    assertThat(repeat.record().status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(repeat.record().rowsWritten()).isZero();
    assertThat(repeat.exitStatus()).isZero();
    assertThat(version("bronze_test.orders")).isZero();
    assertThat(warehouse.table("bronze_test.orders").count()).isEqualTo(3);
  }

  @Test
  void everyRunIsOneCommitTaggedWithItsRunId() {
    landOrders(DAY_1, order("a", 10, DAY_1));
    landOrders(DAY_2, order("b", 7, DAY_2));
    RunResult bronze1 = warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);
    RunResult bronze2 = warehouse.run(new TestPipelines.BronzeOrders(), DAY_2);
    RunResult silver1 = warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    RunResult silver2 = warehouse.run(new TestPipelines.SilverOrders(), DAY_2);

    List<DeltaCommit> bronzeHistory =
        DeltaTables.history(warehouse.spark(), path("bronze_test.orders"), 10);
    assertThat(bronzeHistory)
        .extracting(commit -> commit.runId().orElseThrow())
        .containsExactly(bronze2.record().runId(), bronze1.record().runId());
    List<DeltaCommit> silverHistory =
        DeltaTables.history(warehouse.spark(), path("silver_test.orders"), 10);
    assertThat(silverHistory)
        .extracting(DeltaCommit::version, commit -> commit.runId().orElseThrow())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, silver2.record().runId()),
            org.assertj.core.groups.Tuple.tuple(0L, silver1.record().runId()));
    assertThat(silver2.record().outputVersion()).contains(1L);
    assertThat(warehouse.spark().read().format("delta").load(path("silver_test.orders")).columns())
        .containsExactly("order_id", "amount", "day", "_run_id", "_updated_at");
  }

  @Test
  void partitionOverwriteReplacesOnlyTheLogicalDate() {
    landOrders(DAY_1, order("a", 10, DAY_1), order("b", 20, DAY_1));
    landOrders(DAY_2, order("c", 7, DAY_2));
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_2);
    warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    warehouse.run(new TestPipelines.SilverOrders(), DAY_2);
    List<Row> before = business(warehouse.table("silver_test.orders"));

    RunResult rerun = warehouse.run(new TestPipelines.SilverOrders(), DAY_1);

    assertThat(rerun.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rerun.record().rowsWritten()).isEqualTo(2);
    assertThat(business(warehouse.table("silver_test.orders"))).isEqualTo(before).hasSize(3);
    assertThat(
            warehouse
                .table("silver_test.orders")
                .where(col("_run_id").equalTo(rerun.record().runId()))
                .count())
        .isEqualTo(2);
  }

  @Test
  void keyedTablesMergeAndSnapshotsReplace() {
    landOrders(DAY_1, order("a", 10, DAY_1), order("b", 20, DAY_1));
    landOrders(DAY_2, order("b", 25, DAY_2), order("c", 5, DAY_2));
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_2);

    warehouse.run(new TestPipelines.SilverOrderState(), DAY_1);
    RunResult merge = warehouse.run(new TestPipelines.SilverOrderState(), DAY_2);

    assertThat(merge.record().rowsWritten()).isEqualTo(2);
    assertThat(
            DeltaTables.latestCommit(warehouse.spark(), path("silver_test.order_state"))
                .orElseThrow()
                .operation())
        .isEqualTo("MERGE");
    assertThat(business(warehouse.table("silver_test.order_state")))
        .extracting(Row::toString)
        .containsExactly("[a,10]", "[b,25]", "[c,5]");

    warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    warehouse.run(new TestPipelines.GoldRevenue(), DAY_1);
    warehouse.run(new TestPipelines.SilverOrders(), DAY_2);
    warehouse.run(new TestPipelines.GoldRevenue(), DAY_2);
    assertThat(business(warehouse.table("gold_test.revenue")))
        .extracting(Row::toString)
        .containsExactly("[2026-11-01,30]", "[2026-11-02,30]");
  }

  @Test
  void failedRunPublishesNothingAndIsRecorded() {
    landOrders(DAY_1, order("a", 10, DAY_1));
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);
    warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    long versionBefore = version("silver_test.orders");

    RunResult failed =
        warehouse.run(
            new ThrowingSilverOrders(new IllegalStateException("upstream schema surprise")), DAY_1);

    assertThat(failed.exitStatus()).isEqualTo(1);
    assertThat(failed.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(version("silver_test.orders")).isEqualTo(versionBefore);
    Row ledgerRow =
        warehouse.ledger().where(col("run_id").equalTo(failed.record().runId())).first();
    assertThat(ledgerRow.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(ledgerRow.<String>getAs("error_class"))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(ledgerRow.<String>getAs("error_message")).isEqualTo("upstream schema surprise");
    assertThat(ledgerRow.<String>getAs("error_code")).isEqualTo("RUN_FAILED");
    assertThat(ledgerRow.<Long>getAs("output_version")).isEqualTo(versionBefore);
    assertThat(warehouse.ledger().count()).isEqualTo(3);
  }

  @Test
  void readsAreLimitedToDeclaredInputsAndExistingTables() {
    RunResult missing = warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    assertThat(missing.exitStatus()).isEqualTo(1);
    assertThat(missing.errorCode()).contains(ErrorCode.INPUT_MISSING);
    assertThat(missing.record().errorMessage().orElseThrow())
        .contains("Cannot read bronze_test.orders in pipeline silver_test.orders")
        .contains("Run pipeline bronze_test.orders first");

    RunResult undeclared =
        warehouse.run(
            new TestPipelines.GoldProbe(
                goldSpec("gold_test.probe"), context -> context.read("silver_test.other")),
            DAY_1);
    assertThat(undeclared.exitStatus()).isEqualTo(2);
    assertThat(undeclared.record().errorMessage().orElseThrow())
        .contains("Cannot read silver_test.other in pipeline gold_test.probe")
        .contains("not a declared input");
  }

  @Test
  void conformRejectsReservedColumnsAndWrongPartitionTypes() {
    RunResult reserved =
        warehouse.run(
            new TestPipelines.GoldProbe(
                goldSpec("gold_test.probe"),
                context -> context.spark().range(1).withColumn("_secret_flag", lit(true))),
            DAY_1);
    assertThat(reserved.exitStatus()).isEqualTo(2);
    assertThat(reserved.record().errorMessage().orElseThrow())
        .contains("column _secret_flag starts with '_'");

    RunResult wrongType =
        warehouse.run(
            new TestPipelines.GoldProbe(
                PipelineSpec.builder("gold_test.probe")
                    .owner("t@medalla.dev")
                    .inputs("silver_test.orders")
                    .partitionedBy("day")
                    .build(),
                context -> context.spark().range(1).withColumn("day", lit("2026-11-01"))),
            DAY_1);
    assertThat(wrongType.record().errorMessage().orElseThrow())
        .contains("partition column day is string; it must be DATE");

    RunResult unordered =
        warehouse.run(
            new TestPipelines.GoldProbe(
                PipelineSpec.builder("gold_test.probe")
                    .owner("t@medalla.dev")
                    .inputs("silver_test.orders")
                    .keys("id")
                    .deduplicate("seen_at")
                    .build(),
                context -> context.spark().range(1).toDF()),
            DAY_1);
    assertThat(unordered.exitStatus()).isEqualTo(2);
    assertThat(unordered.record().errorMessage().orElseThrow())
        .contains(
            "Cannot deduplicate gold_test.probe: its ordering column seen_at is not in the"
                + " transformation's output [id]");
  }

  @Test
  void rowsOutsideTheLogicalPartitionAreRejectedBeforePublishing() {
    RunResult outside =
        warehouse.run(
            new TestPipelines.GoldProbe(
                PipelineSpec.builder("gold_test.probe")
                    .owner("t@medalla.dev")
                    .inputs("silver_test.orders")
                    .partitionedBy("day")
                    .build(),
                context ->
                    context.spark().range(3).withColumn("day", lit(java.sql.Date.valueOf(DAY_2)))),
            DAY_1);

    assertThat(outside.exitStatus()).isEqualTo(2);
    assertThat(outside.record().errorMessage().orElseThrow())
        .contains(
            "Cannot publish gold_test.probe: 3 of 3 rows have day outside the run's"
                + " partitions [2026-11-01]")
        .contains("context.inDates(\"day\")");
    assertThat(DeltaTables.exists(warehouse.spark(), path("gold_test.probe"))).isFalse();
  }

  @Test
  void rowsOutsideTheLogicalPartitionAreRejectedByTheWriteOfAnExistingTable() {
    PipelineSpec spec =
        PipelineSpec.builder("gold_test.probe")
            .owner("t@medalla.dev")
            .inputs("silver_test.orders")
            .partitionedBy("day")
            .build();
    RunResult created =
        warehouse.run(new TestPipelines.GoldProbe(spec, context -> days(context, 2, DAY_1)), DAY_1);
    assertThat(created.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    long version = version("gold_test.probe");

    RunResult outside =
        warehouse.run(
            new TestPipelines.GoldProbe(
                spec, context -> days(context, 2, DAY_1).unionByName(days(context, 3, DAY_2))),
            DAY_1);

    assertThat(outside.exitStatus()).isEqualTo(2);
    assertThat(outside.record().errorMessage().orElseThrow())
        .contains(
            "Cannot publish gold_test.probe: 3 of 5 rows have day outside the run's"
                + " partitions [2026-11-01]");
    assertThat(version("gold_test.probe")).isEqualTo(version);
    assertThat(warehouse.table("gold_test.probe").count()).isEqualTo(2);
  }

  @Test
  void aRunWithNothingToCheckIsCountedAsExactlyByItsWriteAsByACountingPass() {
    landOrders(DAY_1, order("a", 10, DAY_1), order("b", 5, DAY_1), order("c", 7, DAY_1));
    warehouse.run(new TestPipelines.BronzeOrders(), DAY_1);
    warehouse.run(new TestPipelines.SilverOrders(), DAY_1);
    TestPipelines.GoldProbe twice =
        new TestPipelines.GoldProbe(
            PipelineSpec.builder("gold_test.orders_twice")
                .owner("t@medalla.dev")
                .inputs("silver_test.orders")
                .keys("order_id")
                .deduplicate("amount")
                .partitionedBy("day")
                .build(),
            context -> {
              Dataset<Row> orders =
                  context
                      .read("silver_test.orders")
                      .where(context.inDates("day"))
                      .select("order_id", "amount", "day");
              return orders.unionByName(orders);
            });

    // The first run creates the table after a counting pass; the second only overwrites.
    for (RunResult run : List.of(warehouse.run(twice, DAY_1), warehouse.run(twice, DAY_1))) {
      assertThat(run.record().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.record().rowsRead()).isEqualTo(3);
      assertThat(run.record().rowsProduced()).isEqualTo(6);
      assertThat(run.record().rowsDeduplicated()).isEqualTo(3);
      assertThat(run.record().rowsWritten()).isEqualTo(3);
    }
    assertThat(warehouse.table("gold_test.orders_twice").count()).isEqualTo(3);
  }

  private static Dataset<Row> days(io.medalla.api.RunContext context, long rows, LocalDate day) {
    return context.spark().range(rows).withColumn("day", lit(java.sql.Date.valueOf(day)));
  }

  private static PipelineSpec goldSpec(String name) {
    return PipelineSpec.builder(name).owner("t@medalla.dev").inputs("silver_test.orders").build();
  }

  /** The rows without metadata columns, sorted. */
  static List<Row> business(Dataset<Row> table) {
    String[] columns =
        Arrays.stream(table.columns()).filter(c -> !c.startsWith("_")).toArray(String[]::new);
    Dataset<Row> selected = table.selectExpr(columns);
    return selected
        .orderBy(
            Arrays.stream(columns).map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  /** Silver orders whose transformation throws. */
  private static final class ThrowingSilverOrders extends io.medalla.api.SilverPipeline {
    private final RuntimeException error;

    ThrowingSilverOrders(RuntimeException error) {
      this.error = error;
    }

    @Override
    public PipelineSpec spec() {
      return new TestPipelines.SilverOrders().spec();
    }

    @Override
    public Dataset<Row> transform(io.medalla.api.RunContext context) {
      throw error;
    }
  }
}
