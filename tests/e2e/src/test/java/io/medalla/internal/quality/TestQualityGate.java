package io.medalla.internal.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.medalla.api.BronzePipeline;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.TableId;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.DeltaTables;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality gate on real Delta tables: block, quarantine, freshness, schema, anomalies. */
class TestQualityGate {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 10);
  private static final String LANDING = "shop/orders";

  @TempDir Path directory;
  private HttpServer webhook;
  private final List<String> alerts = new CopyOnWriteArrayList<>();
  private TestWarehouse warehouse;

  @BeforeEach
  void start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            alerts.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    webhook.start();
    warehouse = warehouseWith(Map.of());
  }

  @AfterEach
  void stop() {
    webhook.stop(0);
  }

  private TestWarehouse warehouseWith(Map<String, String> extra) {
    Map<String, String> settings = new java.util.HashMap<>(extra);
    settings.put("medalla.alert.sinks", "log,webhook");
    settings.put(
        "medalla.alert.webhook.url",
        "file:" + writeSecret("http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts"));
    return TestWarehouse.create(directory, settings);
  }

  private String writeSecret(String value) {
    try {
      return java.nio.file.Files.writeString(directory.resolve("webhook-url"), value).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Lands orders for {@code day} and ingests them into bronze_shop.orders. */
  private void ingest(LocalDate day, String... orders) {
    warehouse.land(LANDING, day, "orders.jsonl", List.of(orders));
    assertThat(warehouse.run(new BronzeOrders(), day).exitStatus()).isZero();
  }

  private static String order(String id, Integer amount, String status, String placedAt) {
    return String.format(
        "{\"order_id\":%s,\"amount\":%s,\"status\":\"%s\",\"placed_at\":\"%s\"}",
        id == null ? "null" : "\"" + id + "\"", amount, status, placedAt);
  }

  private long version(String table) {
    return DeltaTables.latestCommit(warehouse.spark(), path(table)).orElseThrow().version();
  }

  private String path(String table) {
    return warehouse.warehouse().path(TableId.parse(table));
  }

  /** The data files in the table's directory, committed or not. */
  private List<Path> dataFiles(String table) {
    try (Stream<Path> files = Files.walk(Path.of(path(table)))) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".parquet"))
          .filter(file -> !file.toString().contains("_delta_log"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data files of the table's current version. */
  private List<Path> committedFiles(String table) {
    return Arrays.stream(warehouse.table(table).inputFiles())
        .map(file -> Path.of(URI.create(file)))
        .toList();
  }

  private Dataset<Row> results(RunResult run) {
    return new QualityStore(
            warehouse.spark(),
            warehouse.warehouse(),
            CommitRetry.fromSettings(warehouse.settings()))
        .results(TableId.parse("silver_shop.orders"))
        .where(col("run_id").equalTo(run.record().runId()));
  }

  @Test
  void duplicateKeysUnderFailLeaveTheTableUnchangedRecordAlertAndExitThree() {
    ingest(DAY, order("a", 10, "paid", "2026-11-10T08:00:00Z"));
    ingest(
        DAY.plusDays(1),
        order("b", 5, "paid", "2026-11-11T08:00:00Z"),
        order("b", 6, "paid", "2026-11-11T09:00:00Z"));
    SilverOrders silver = new SilverOrders(Expect.unique("order_id").fail());
    assertThat(warehouse.run(silver, DAY).exitStatus()).isZero();
    long versionBefore = version("silver_shop.orders");
    long rowsBefore = warehouse.table("silver_shop.orders").count();

    RunResult blocked = warehouse.run(silver, DAY.plusDays(1));

    assertThat(blocked.exitStatus()).isEqualTo(3);
    assertThat(blocked.record().status()).isEqualTo(RunStatus.BLOCKED);
    assertThat(blocked.record().errorMessage().orElseThrow())
        .contains("Cannot publish silver_shop.orders: the quality gate blocked it")
        .contains("unique_order_id: 1 rows repeat a key [order_id]");
    assertThat(version("silver_shop.orders")).isEqualTo(versionBefore);
    assertThat(warehouse.table("silver_shop.orders").count()).isEqualTo(rowsBefore);
    assertThat(dataFiles("silver_shop.orders"))
        .as("the blocked run's written files are deleted, not left uncommitted")
        .hasSameElementsAs(committedFiles("silver_shop.orders"));
    Row result = results(blocked).first();
    assertThat(result.<String>getAs("expectation")).isEqualTo("unique_order_id");
    assertThat(result.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(result.<String>getAs("severity")).isEqualTo("FAIL");
    assertThat(result.<String>getAs("observed")).isEqualTo("1 duplicate rows");
    Row ledger = warehouse.ledger().where(col("run_id").equalTo(blocked.record().runId())).first();
    assertThat(ledger.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(ledger.<String>getAs("error_code")).isEqualTo("QUALITY_GATE_BLOCKED");
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0))
        .contains("\"error_code\":\"QUALITY_GATE_BLOCKED\"")
        .contains(blocked.record().runId());
  }

  @Test
  void quarantineKeepsFailingRowsWithReasonsAndCountsReconcile() {
    ingest(
        DAY,
        order("a", 10, "paid", "2026-11-10T08:00:00Z"),
        order("b", -3, "paid", "2026-11-10T09:00:00Z"),
        order("c", 7, "lost", "2026-11-10T10:00:00Z"),
        order(null, 4, "paid", "2026-11-10T11:00:00Z"),
        order("e", -1, "lost", "2026-11-10T12:00:00Z"),
        order("f", 8, "refunded", "2026-11-10T13:00:00Z"));
    SilverOrders silver =
        new SilverOrders(
            Expect.complete("order_id").quarantine(),
            Expect.values("status", "paid", "refunded").quarantine(),
            Expect.satisfies("positive_amount", "amount > 0").quarantine(),
            Expect.unique("order_id").fail());

    RunResult run = warehouse.run(silver, DAY);

    assertThat(run.exitStatus()).as(run.record().errorMessage().orElse("")).isZero();
    assertThat(run.record().rowsProduced()).isEqualTo(6);
    assertThat(run.record().rowsWritten()).isEqualTo(2);
    assertThat(run.record().rowsQuarantined()).isEqualTo(4);
    assertThat(run.record().rowsProduced())
        .isEqualTo(run.record().rowsWritten() + run.record().rowsQuarantined());
    assertThat(
            warehouse
                .table("silver_shop.orders")
                .select("order_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("a", "f");
    Dataset<Row> quarantine = warehouse.quarantine("silver_shop.orders");
    assertThat(quarantine.where(col("run_id").equalTo(run.record().runId())).count()).isEqualTo(4);
    Row bothRules = quarantine.where(col("record").contains("\"order_id\":\"e\"")).first();
    assertThat(bothRules.<scala.collection.Seq<String>>getAs("failed_rules")).isNotNull();
    assertThat(bothRules.getList(bothRules.fieldIndex("failed_rules")))
        .containsExactly("allowed_status", "positive_amount");
    assertThat(bothRules.<String>getAs("record")).contains("\"amount\":-1").contains("lost");
    assertThat(bothRules.<Date>getAs("logical_date")).isEqualTo(Date.valueOf(DAY));

    RunResult rerun = warehouse.run(silver, DAY);

    assertThat(rerun.record().rowsQuarantined()).isEqualTo(4);
    assertThat(warehouse.quarantine("silver_shop.orders").count()).isEqualTo(4);
    assertThat(
            warehouse
                .quarantine("silver_shop.orders")
                .select("run_id")
                .distinct()
                .first()
                .getString(0))
        .isEqualTo(rerun.record().runId());
  }

  @Test
  void aPassingRunOfAnExistingTableIsAuditedWhileWrittenAndCommittedOnce() {
    ingest(DAY, order("a", 10, "paid", "2026-11-10T08:00:00Z"));
    ingest(
        DAY.plusDays(1),
        order("b", 5, "paid", "2026-11-11T08:00:00Z"),
        order("c", 6, "paid", "2026-11-11T09:00:00Z"));
    SilverOrders silver =
        new SilverOrders(Expect.unique("order_id").fail(), Expect.complete("amount").fail());
    assertThat(warehouse.run(silver, DAY).exitStatus()).isZero();
    long versionBefore = version("silver_shop.orders");

    RunResult run = warehouse.run(silver, DAY.plusDays(1));

    assertThat(run.exitStatus()).as(run.record().errorMessage().orElse("")).isZero();
    assertThat(run.record().rowsProduced()).isEqualTo(2);
    assertThat(run.record().rowsWritten()).isEqualTo(2);
    assertThat(version("silver_shop.orders")).isEqualTo(versionBefore + 1);
    Row commit =
        warehouse
            .spark()
            .sql("DESCRIBE HISTORY delta.`" + path("silver_shop.orders") + "` LIMIT 1")
            .first();
    assertThat(commit.<String>getAs("operation")).isEqualTo("WRITE");
    assertThat(commit.<String>getAs("userMetadata")).isEqualTo(run.record().runId());
    assertThat(results(run).select("expectation", "status").collectAsList())
        .extracting(row -> row.getString(0) + " " + row.getString(1))
        .containsExactlyInAnyOrder("unique_order_id PASSED", "complete_amount PASSED");
    assertThat(warehouse.table("silver_shop.orders").count()).isEqualTo(3);
    assertThat(dataFiles("silver_shop.orders"))
        .hasSameElementsAs(committedFiles("silver_shop.orders"));
  }

  @Test
  void aRuleThatCannotBeComputedFailsAsAnInvalidPipelineNamingItAndWritesNothing() {
    ingest(DAY, order("a", 10, "paid", "2026-11-10T08:00:00Z"));
    assertThat(warehouse.run(new SilverOrders(), DAY).exitStatus()).isZero();
    long versionBefore = version("silver_shop.orders");
    List<Path> filesBefore = dataFiles("silver_shop.orders");

    for (String predicate : List.of("no_such_column > 0", "amount >")) {
      RunResult run =
          warehouse.run(new SilverOrders(Expect.satisfies("checked", predicate).fail()), DAY);

      assertThat(run.exitStatus()).as(predicate).isEqualTo(2);
      assertThat(run.record().errorMessage().orElseThrow())
          .contains("Cannot check the quality of silver_shop.orders: Size where NOT (")
          .contains(predicate);
      assertThat(version("silver_shop.orders")).isEqualTo(versionBefore);
      assertThat(dataFiles("silver_shop.orders")).hasSameElementsAs(filesBefore);
    }
  }

  @Test
  void staleDataFailsFreshnessAgainstTheLogicalDate() {
    ingest(DAY, order("a", 10, "paid", "2026-11-07T08:00:00Z"));
    SilverOrders silver = new SilverOrders(Expect.fresh("placed_at", Duration.ofHours(36)).fail());

    RunResult stale = warehouse.run(silver, DAY);

    assertThat(stale.exitStatus()).isEqualTo(3);
    assertThat(stale.record().errorMessage().orElseThrow())
        .contains("fresh_placed_at: the newest placed_at is 2026-11-07T08:00:00Z")
        .contains("2026-11-11T00:00:00Z");
    assertThat(DeltaTables.exists(warehouse.spark(), path("silver_shop.orders"))).isFalse();

    TestWarehouse relaxed =
        warehouseWith(
            Map.of("medalla.quality.thresholds.silver_shop.orders.fresh_placed_at", "5d"));
    assertThat(relaxed.run(silver, DAY).exitStatus())
        .as("a per-environment threshold override")
        .isZero();
  }

  @Test
  void retypedOrDroppedColumnsFailTheSchemaContract() {
    ingest(DAY, order("a", 10, "paid", "2026-11-10T08:00:00Z"));
    Expectation contract =
        Expect.schema("order_id STRING, amount INT, status STRING, placed_at TIMESTAMP, day DATE")
            .fail();
    assertThat(warehouse.run(new SilverOrders(contract), DAY).exitStatus()).isZero();

    RunResult retyped =
        warehouse.run(
            new SilverOrders(
                orders -> orders.withColumn("amount", col("amount").cast("string")), contract),
            DAY);
    RunResult dropped =
        warehouse.run(new SilverOrders(orders -> orders.drop("status"), contract), DAY);

    assertThat(retyped.exitStatus()).isEqualTo(3);
    assertThat(retyped.record().errorMessage().orElseThrow())
        .contains("schema drift: column amount is string, the contract says int");
    assertThat(dropped.exitStatus()).isEqualTo(3);
    assertThat(dropped.record().errorMessage().orElseThrow()).contains("column status is missing");
    assertThat(version("silver_shop.orders")).isZero();
  }

  @Test
  void anomalyRuleFiresOnASuddenRowCountDrop() {
    SilverOrders silver = new SilverOrders(Expect.rowCountChange(0.5, 2.0).fail());
    for (int day = 0; day < 4; day++) {
      LocalDate date = DAY.plusDays(day);
      List<String> orders = new ArrayList<>();
      for (int index = 0; index < 20 + day; index++) {
        orders.add(order(date + "-" + index, 5, "paid", date + "T10:00:00Z"));
      }
      ingest(date, orders.toArray(String[]::new));
      assertThat(warehouse.run(silver, date).exitStatus()).isZero();
    }
    LocalDate dropDay = DAY.plusDays(4);
    ingest(
        dropDay,
        order("x", 5, "paid", dropDay + "T10:00:00Z"),
        order("y", 5, "paid", dropDay + "T11:00:00Z"));

    RunResult drop = warehouse.run(silver, dropDay);

    assertThat(drop.exitStatus()).isEqualTo(3);
    assertThat(drop.record().errorMessage().orElseThrow())
        .contains("row_count_change: anomaly in Size");
    Row result = results(drop).first();
    assertThat(result.<String>getAs("observed")).isEqualTo("Size 2.0 after 23.0");
  }

  /** Ingests {@code shop/orders} landing files. */
  private static final class BronzeOrders extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_shop.orders")
          .owner("shop@medalla.dev")
          .source(
              FileSource.jsonLines(
                  LANDING, "order_id STRING, amount INT, status STRING, placed_at STRING"))
          .build();
    }
  }

  /** Orders of the logical date, typed, with the given expectations and an optional twist. */
  private static final class SilverOrders extends SilverPipeline {
    private final PipelineSpec spec;
    private final Function<Dataset<Row>, Dataset<Row>> twist;

    SilverOrders(Expectation... expectations) {
      this(orders -> orders, expectations);
    }

    SilverOrders(Function<Dataset<Row>, Dataset<Row>> twist, Expectation... expectations) {
      this.spec =
          PipelineSpec.builder("silver_shop.orders")
              .owner("shop@medalla.dev")
              .inputs("bronze_shop.orders")
              .partitionedBy("day")
              .expect(expectations)
              .build();
      this.twist = twist;
    }

    @Override
    public PipelineSpec spec() {
      return spec;
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      Dataset<Row> orders =
          context
              .read("bronze_shop.orders")
              .where(col("_batch_id").equalTo(context.logicalDate().toString()))
              .select(
                  col("order_id"),
                  col("amount"),
                  col("status"),
                  col("placed_at").cast("timestamp").as("placed_at"),
                  lit(Date.valueOf(context.logicalDate())).as("day"));
      return twist.apply(orders);
    }
  }
}
