package io.medalla.internal.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.BronzePipeline;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.DeltaTables;
import io.medalla.pipelines.product.BronzeEvents;
import io.medalla.pipelines.product.SilverEvents;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Landing files into bronze: once per file, bad records kept with file and line, drift. */
class TestFileIngestion {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 3);
  private static final String SCHEMA = "id STRING, qty INT, note STRING";

  @TempDir Path directory;
  private TestWarehouse warehouse;

  @BeforeEach
  void createWarehouse() {
    warehouse = TestWarehouse.create(directory);
  }

  private Dataset<Row> bronze() {
    return warehouse.table("bronze_files.items");
  }

  private Row check(RunResult run, String expectation) {
    return new QualityStore(
            warehouse.spark(),
            warehouse.warehouse(),
            CommitRetry.fromSettings(warehouse.settings()))
        .results(TableId.parse("bronze_files.items"))
        .where(col("run_id").equalTo(run.record().runId()))
        .where(col("expectation").equalTo(expectation))
        .first();
  }

  @Test
  void eachFileIsIngestedOnceAcrossRepeatsFailuresAndLateFiles() {
    warehouse.land("files/items", DAY, "a.jsonl", List.of(item("a1", 1), item("a2", 2)));
    warehouse.land("files/items", DAY, "b.jsonl", List.of(item("b1", 3)));
    Items failingOnce = new Items(FileSource.jsonLines("files/items", SCHEMA), true);

    RunResult crashed = warehouse.run(failingOnce, DAY);
    RunResult recovered = warehouse.run(failingOnce, DAY);
    RunResult repeated = warehouse.run(failingOnce, DAY);
    warehouse.land("files/items", DAY, "c.jsonl", List.of(item("c1", 4)));
    RunResult late = warehouse.run(failingOnce, DAY);

    assertThat(crashed.exitStatus()).isEqualTo(1);
    assertThat(recovered.record().rowsWritten()).isEqualTo(3);
    assertThat(repeated.record().status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(repeated.record().rowsWritten()).isZero();
    assertThat(late.record().rowsWritten()).isEqualTo(1);
    assertThat(bronze().count()).isEqualTo(4);
    assertThat(bronze().groupBy("_source").count().collectAsList())
        .extracting(row -> row.getString(0).substring(row.getString(0).lastIndexOf('/') + 1))
        .containsExactlyInAnyOrder("a.jsonl", "b.jsonl", "c.jsonl");
    assertThat(DeltaTables.history(warehouse.spark(), warehouse.warehouse().path(ITEMS), 10))
        .as("one commit per run that ingested something")
        .hasSize(2);
  }

  @Test
  void malformedRecordsAreKeptCountedAndLocatedByFileAndLine() {
    warehouse.land(
        "files/items",
        DAY,
        "mixed.jsonl",
        List.of(
            item("ok1", 1),
            "{\"id\": \"truncated\", \"qty\": ",
            "{\"id\":\"badqty\",\"qty\":\"three\",\"note\":\"n\"}",
            item("ok2", 2)));

    RunResult run =
        warehouse.run(new Items(FileSource.jsonLines("files/items", SCHEMA), false), DAY);

    assertThat(run.exitStatus()).isZero();
    assertThat(bronze().count()).isEqualTo(4);
    assertThat(
            bronze()
                .where(col("_corrupt_record").isNull())
                .select("id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("ok1", "ok2");
    assertThat(
            bronze()
                .where(col("_corrupt_record").isNotNull())
                .select("_line")
                .as(org.apache.spark.sql.Encoders.LONG())
                .collectAsList())
        .containsExactlyInAnyOrder(2L, 3L);
    Row wellFormed = check(run, "well_formed");
    assertThat(wellFormed.<Long>getAs("failing_rows")).isEqualTo(2);
    assertThat(wellFormed.<String>getAs("message"))
        .startsWith("2 malformed records kept in _corrupt_record, e.g. ")
        .contains("mixed.jsonl:2")
        .contains("mixed.jsonl:3");
  }

  @Test
  void blankAndWhitespaceOnlyLinesAreSkippedAlikeAndCounted() {
    for (FileSource source :
        List.of(
            FileSource.jsonLines("files/items", SCHEMA), FileSource.csv("files/items", SCHEMA))) {
      TestWarehouse fresh = TestWarehouse.create(directory.resolve(source.format()));
      boolean json = source.format().equals("json");
      List<String> lines = new java.util.ArrayList<>(json ? List.of() : List.of("id,qty,note"));
      lines.addAll(
          List.of(
              json ? item("ok1", 1) : "ok1,1,n",
              "   ",
              "",
              " \t ",
              json ? item("ok2", 2) : "ok2,2,n",
              json ? "{\"id\": \"truncated\", \"qty\": " : "bad,one,n"));
      fresh.land("files/items", DAY, "items." + source.format(), lines);

      RunResult run = fresh.run(new Items(source, false), DAY);

      assertThat(run.exitStatus()).isZero();
      Dataset<Row> bronze = fresh.table("bronze_files.items");
      assertThat(bronze.count()).as(source.format()).isEqualTo(3);
      assertThat(bronze.where("_corrupt_record IS NULL AND id IS NULL").count())
          .as("%s: no all-null row that is not flagged malformed", source.format())
          .isZero();
      assertThat(
              bronze
                  .where(col("_corrupt_record").isNotNull())
                  .select("_line")
                  .as(org.apache.spark.sql.Encoders.LONG())
                  .collectAsList())
          .containsExactly((long) lines.size());
      Row wellFormed =
          new QualityStore(
                  fresh.spark(), fresh.warehouse(), CommitRetry.fromSettings(fresh.settings()))
              .results(ITEMS)
              .where(col("run_id").equalTo(run.record().runId()))
              .where(col("expectation").equalTo("well_formed"))
              .first();
      assertThat(wellFormed.<Long>getAs("failing_rows")).isEqualTo(1);
      assertThat(wellFormed.<String>getAs("observed")).contains("3 blank lines skipped");
      assertThat(wellFormed.<String>getAs("message"))
          .contains("1 malformed records kept in _corrupt_record")
          .contains("3 blank lines skipped");
    }
  }

  @Test
  void csvRowsWithTheWrongShapeAreKeptWithTheirLine() {
    warehouse.land(
        "files/items",
        DAY,
        "items.csv",
        List.of("id,qty,note", "c1,5,fine", "c2,not-a-number,typed wrong", "c3,7,fine"));

    RunResult run = warehouse.run(new Items(FileSource.csv("files/items", SCHEMA), false), DAY);

    assertThat(run.exitStatus()).isZero();
    assertThat(bronze().count()).isEqualTo(3);
    Row bad = bronze().where(col("_corrupt_record").isNotNull()).first();
    assertThat(bad.<String>getAs("_corrupt_record")).isEqualTo("c2,not-a-number,typed wrong");
    assertThat(bad.<Long>getAs("_line")).isEqualTo(3L);
  }

  @Test
  void newFieldsAreIngestedAndRecordedAndRetypedFieldsReported() {
    warehouse.land("files/items", DAY, "v1.jsonl", List.of(item("a", 1)));
    Items items = new Items(FileSource.jsonLines("files/items", SCHEMA), false);
    RunResult first = warehouse.run(items, DAY);
    assertThat(check(first, "schema_drift").<String>getAs("status")).isEqualTo("PASSED");

    warehouse.land(
        "files/items",
        DAY,
        "v2.jsonl",
        List.of(
            "{\"id\":\"b\",\"qty\":2,\"note\":\"n\",\"color\":\"red\"}",
            "{\"id\":\"c\",\"qty\":\"many\",\"note\":\"n\",\"color\":\"blue\"}"));
    RunResult drifted = warehouse.run(items, DAY);

    assertThat(drifted.exitStatus()).isZero();
    assertThat(bronze().columns()).contains("color");
    assertThat(bronze().where(col("id").equalTo("b")).first().<String>getAs("color"))
        .isEqualTo("red");
    Row drift = check(drifted, "schema_drift");
    assertThat(drift.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(drift.<String>getAs("message"))
        .contains("new columns, ingested: [color string]")
        .contains(
            "retyped columns, their records kept in _corrupt_record: [qty arrives as string,"
                + " declared int]");
    assertThat(bronze().count()).isEqualTo(3);
  }

  @Test
  void badRecordsAreTracedFromTheirFileAndLineIntoSilversQuarantine() {
    LocalDate day = LocalDate.of(2026, 11, 2);
    Path file =
        warehouse.land(
            BronzeEvents.LANDING_FOLDER,
            day,
            "events.jsonl",
            List.of(
                event("e1", "2026-11-02T08:00:00Z"),
                "{\"event_id\":\"t1\",\"user_id\":1,",
                "this is not json",
                event("e2", "yesterday at noon"),
                event("e3", "2026-11-02T21:00:00Z")));
    assertThat(warehouse.run(new BronzeEvents(), day).exitStatus()).isZero();

    RunResult silver = warehouse.run(new SilverEvents(), day);

    assertThat(silver.exitStatus()).as(silver.record().errorMessage().orElse("")).isZero();
    assertThat(silver.record().rowsWritten()).isEqualTo(2);
    assertThat(silver.record().rowsQuarantined()).isEqualTo(3);
    assertThat(warehouse.table("silver_product.events").columns())
        .as("provenance is never published")
        .doesNotContain("_source", "_line", "_corrupt_record");
    List<Row> quarantined =
        warehouse.quarantine("silver_product.events").orderBy("line").collectAsList();
    assertThat(quarantined)
        .extracting(row -> row.<String>getAs("source"))
        .allSatisfy(source -> assertThat(source).endsWith(file.toString()));
    assertThat(quarantined).extracting(row -> row.<Long>getAs("line")).containsExactly(2L, 3L, 4L);
    assertThat(quarantined)
        .extracting(row -> row.getList(row.fieldIndex("failed_rules")).toString())
        .containsExactly(
            "[well_formed]", "[well_formed]", "[complete_event_id_user_id_occurred_at]");
    assertThat(quarantined)
        .extracting(row -> row.<String>getAs("raw_record"))
        .containsExactly(
            "{\"event_id\":\"t1\",\"user_id\":1,",
            "this is not json",
            event("e2", "yesterday at noon"));
    assertThat(quarantined.get(2).<String>getAs("record"))
        .as("the typed record, which lost the unreadable time")
        .doesNotContain("yesterday");
  }

  private static String event(String id, String occurredAt) {
    return String.format(
        "{\"event_id\":\"%s\",\"user_id\":7,\"session_id\":\"s7\",\"event_type\":\"page_view\","
            + "\"platform\":\"web\",\"occurred_at\":\"%s\"}",
        id, occurredAt);
  }

  private static String item(String id, int qty) {
    return String.format("{\"id\":\"%s\",\"qty\":%d,\"note\":\"n\"}", id, qty);
  }

  private static final TableId ITEMS = TableId.parse("bronze_files.items");

  /** Bronze items; optionally fails its first run after reading, like a crash before commit. */
  private static final class Items extends BronzePipeline {
    private final FileSource source;
    private final AtomicBoolean failNext;

    Items(FileSource source, boolean failFirstRun) {
      this.source = source;
      this.failNext = new AtomicBoolean(failFirstRun);
    }

    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(ITEMS.catalogName())
          .owner("files@medalla.dev")
          .source(source)
          .build();
    }

    @Override
    public Dataset<Row> transform(Dataset<Row> records, RunContext context) {
      if (failNext.getAndSet(false)) {
        records.count();
        throw new IllegalStateException("the process died after reading its files");
      }
      return records;
    }
  }
}
