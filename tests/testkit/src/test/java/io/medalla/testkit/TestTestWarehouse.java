package io.medalla.testkit;

import static io.medalla.testkit.MedallaAssertions.assertThat;
import static io.medalla.testkit.MedallaAssertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.Columns;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expect;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.TableId;
import io.medalla.internal.table.TableMetadata;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each part of the test kit on a small bronze → silver → gold chain and a change feed. */
class TestTestWarehouse {
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);
  private static final String ITEMS = "bronze_kit.items";
  private static final String ITEMS_SCHEMA = "item_id BIGINT, status STRING, day DATE";

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    warehouse = TestWarehouse.create(directory);
  }

  @Test
  void givenTablesAreMedallaTablesReadBackInTheNotationTheyWereWrittenIn() {
    String table = "silver_kit.people";
    warehouse.given(
        table,
        "id BIGINT, name STRING, seen_at TIMESTAMP, score DECIMAL(4,2)",
        "2,\"Doe, Jane\",2026-11-01T10:00:00Z,1.50",
        "1,,2026-11-01T23:59:59+02:00,");

    assertThat(warehouse.rows(table))
        .containsExactly(
            "[1,null,2026-11-01T21:59:59Z,null]", "[2,Doe, Jane,2026-11-01T10:00:00Z,1.50]");
    assertThat(warehouse.table(table).columns()).contains("_run_id", "_updated_at");
    String path = warehouse.warehouse().path(TableId.parse(table));
    assertThat(TableMetadata.properties(warehouse.spark(), path, Optional.empty()))
        .containsEntry("delta.enableChangeDataFeed", "true");

    warehouse.given(table, "id BIGINT, name STRING", "3,Ann").append(table, "4,Bob");

    assertThat(warehouse.rows(table)).containsExactly("[3,Ann]", "[4,Bob]");
    assertThat(TableMetadata.properties(warehouse.spark(), path, Optional.empty()))
        .containsEntry("delta.enableChangeDataFeed", "true");
    assertThatThrownBy(() -> warehouse.given(table, "id BIGINT", "not-a-number"))
        .hasMessageContaining("Malformed");
    assertThatThrownBy(() -> warehouse.rows("gold_kit.missing"))
        .hasMessageStartingWith("Cannot read table gold_kit.missing: there is no Delta table at");
  }

  @Test
  void runsQuarantineAndLedgerOfADatedPipeline() {
    warehouse.given(ITEMS, ITEMS_SCHEMA, "1,open,2026-11-01", "2,lost,2026-11-01");
    assertThat(warehouse.table(ITEMS).columns())
        .contains("_ingested_at", "_source", "_run_id", "_batch_id");

    assertThat(warehouse.run(new SilverItems(), NOV_1))
        .succeeded()
        .hasMode(RunMode.DATES)
        .hasDates(NOV_1)
        .hasRowsRead(2)
        .hasRowsWritten(1)
        .hasRowsQuarantined(1);
    assertThat(warehouse.run(new SilverItems(), NOV_1)).succeeded().hasRowsQuarantined(1);

    assertThat(warehouse.rows("silver_kit.items")).containsExactly("[1,open,2026-11-01]");
    assertThat(warehouse.quarantined("silver_kit.items"))
        .containsExactly(
            new QuarantinedRecord(
                NOV_1,
                List.of("allowed_status"),
                "{\"item_id\":2,\"status\":\"lost\",\"day\":\"2026-11-01\"}"));
    List<RunRecord> runs = warehouse.runs("silver_kit.items");
    assertThat(runs)
        .extracting(RunRecord::status)
        .containsExactly(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED);
    assertThat(runs.get(0).parameters()).containsEntry("command", "test");
    assertThat(runs.get(0).inputVersions()).containsEntry(ITEMS, 0L);
    assertThat(runs.get(1).rowsQuarantined()).isEqualTo(1);
    assertThat(warehouse.quarantined("gold_kit.status_counts")).isEmpty();
  }

  @Test
  void backfillRunsEachDateInDependencyOrderAndGoldKeepsItsComments() {
    warehouse.given(ITEMS, ITEMS_SCHEMA, "1,open,2026-11-01", "2,open,2026-11-02");

    List<RunResult> backfill =
        warehouse.backfill(NOV_1, NOV_2, new GoldStatusCounts(), new SilverItems());

    assertThat(backfill)
        .extracting(result -> result.record().pipeline() + " " + result.record().dates())
        .containsExactly(
            "silver_kit.items [2026-11-01]",
            "silver_kit.items [2026-11-02]",
            "gold_kit.status_counts [2026-11-01]",
            "gold_kit.status_counts [2026-11-02]");
    assertThat(warehouse.rows("gold_kit.status_counts"))
        .containsExactly("[2026-11-01,open,1]", "[2026-11-02,open,1]");
    assertThat(warehouse.comment("gold_kit.status_counts", "items")).hasValue("items per status");
    assertThat(warehouse.comment("gold_kit.status_counts", "status")).isEmpty();
  }

  @Test
  void historyListsTheVersionsOfEachKeyOldestFirst() {
    warehouse.land(
        "kit/customers",
        NOV_1,
        "changes.jsonl",
        List.of(
            change("u", "{\"id\":1,\"name\":\"Ann\"}", "{\"id\":1,\"name\":\"Anna\"}", 2),
            change("c", "null", "{\"id\":2,\"name\":\"Bob\"}", 3),
            change("c", "null", "{\"id\":1,\"name\":\"Ann\"}", 1)));
    assertThat(warehouse.run(new BronzeCustomers(), NOV_1)).succeeded();
    assertThat(warehouse.run(new SilverCustomers(), NOV_1)).succeeded();

    assertThat(warehouse.history(new SilverCustomers()))
        .containsExactly(
            "[1,Ann,2026-11-01T00:00:01Z,2026-11-01T00:00:02Z,false]",
            "[1,Anna,2026-11-01T00:00:02Z,null,true]",
            "[2,Bob,2026-11-01T00:00:03Z,null,true]");
    assertThatThrownBy(() -> warehouse.history(new BronzeCustomers()))
        .hasMessage(
            "Cannot read the history of bronze_kit.customers: it has no valid_from column. Only"
                + " change feeds declared keepingHistory() keep versions");
  }

  @Test
  void aFailedRunAssertionNamesThePipelineAndTheError() {
    RunResult failed = warehouse.run(new GoldStatusCounts(), NOV_1);

    assertThat(failed).failedWith(ErrorCode.INPUT_MISSING);
    assertThatThrownBy(() -> assertThat(failed).succeeded())
        .hasMessageContaining("of gold_kit.status_counts (DATES [2026-11-01]) to end SUCCEEDED")
        .hasMessageContaining("but it ended FAILED: Cannot");
    assertThatThrownBy(() -> assertThat(failed).hasDates(NOV_2))
        .hasMessageContaining("to process [2026-11-02] but it processed [2026-11-01]");
  }

  /** A Debezium change of customer rows at second {@code second} of Nov 1. */
  private static String change(String op, String before, String after, long second) {
    long millis = NOV_1.toEpochDay() * 86_400_000L + second * 1000;
    return String.format(
        "{\"before\":%s,\"after\":%s,\"op\":\"%s\",\"ts_ms\":%d,"
            + "\"source\":{\"lsn\":%d,\"ts_ms\":%d}}",
        before, after, op, millis, second, millis);
  }

  /** Items of a day; unknown statuses are quarantined. */
  static final class SilverItems extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_kit.items")
          .owner("kit@example.com")
          .dependsOn(ITEMS, "day")
          .keys("item_id")
          .partitionedBy("day")
          .expect(Expect.values("status", "open", "closed").quarantine())
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context.read(ITEMS).where(context.inDates("day")).select("item_id", "status", "day");
    }
  }

  /** Items per day and status. */
  static final class GoldStatusCounts extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_kit.status_counts")
          .owner("kit@example.com")
          .dependsOn("silver_kit.items", "day")
          .keys("day", "status")
          .partitionedBy("day")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("silver_kit.items")
          .where(context.inDates("day"))
          .groupBy("day", "status")
          .agg(Columns.commented(count(lit(1)), "items", "items per status"));
    }
  }

  static final class BronzeCustomers extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_kit.customers")
          .owner("kit@example.com")
          .source(FileSource.debezium("kit/customers", "id BIGINT"))
          .build();
    }
  }

  static final class SilverCustomers extends ChangeDataPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_kit.customers")
          .owner("kit@example.com")
          .keys("id")
          .changes(
              ChangeFeed.debezium("bronze_kit.customers", "id BIGINT, name STRING")
                  .keepingHistory())
          .build();
    }
  }
}
