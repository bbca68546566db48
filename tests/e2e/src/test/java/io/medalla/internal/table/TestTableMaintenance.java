package io.medalla.internal.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import io.medalla.api.TableId;
import io.medalla.internal.cli.CliRunner;
import io.medalla.testkit.TestWarehouse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Console;

/** {@code maintain}: compaction and clustering keep every row; vacuum honours the retention. */
class TestTableMaintenance {
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 1);
  private static final String ITEMS = "silver_upkeep.items";
  private static final String RETENTION_CHECK =
      "spark.databricks.delta.retentionDurationCheck.enabled";

  @TempDir Path directory;
  private TestWarehouse warehouse;
  private String path;

  /** Three days of merges: new ids, new ids, then updates; each merge adds files. */
  @BeforeEach
  void mergeFourDays() {
    warehouse = TestWarehouse.create(directory);
    path = warehouse.warehouse().path(TableId.parse(ITEMS));
    for (int index = 0; index < 3; index++) {
      int day = index;
      LocalDate date = FIRST_DAY.plusDays(day);
      long first = day < 2 ? day * 100L + 1 : 50;
      warehouse.land(
          "upkeep/items",
          date,
          "items.jsonl",
          LongStream.range(first, first + 100)
              .mapToObj(id -> String.format("{\"id\":%d,\"name\":\"item-%d-%d\"}", id, id, day))
              .toList());
      assertThat(warehouse.run(new BronzeItems(), date).exitStatus()).isZero();
      assertThat(warehouse.run(new SilverItems(), date).exitStatus()).isZero();
    }
  }

  @Test
  void compactionAndClusteringKeepEveryRowAndTheCommandDoesTheFrameworksTables() throws Exception {
    List<Row> before = rows();
    long filesBefore = detail("numFiles");

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TableMaintenance.Result result =
        Console.withOut(
            console,
            () ->
                new TableMaintenance(warehouse.spark(), Duration.ofHours(168))
                    .maintain(ITEMS, path, List.of("id")));

    assertThat(console.toString(StandardCharsets.UTF_8))
        .as("nothing on the console, where --json prints its document")
        .isEmpty();

    assertThat(result.filesBefore()).isEqualTo(filesBefore).isGreaterThan(1);
    assertThat(result.filesAfter()).isEqualTo(1).isEqualTo(detail("numFiles"));
    assertThat(result.filesVacuumed()).as("nothing is older than 168h").isZero();
    assertThat(rows()).isEqualTo(before).hasSize(200);
    assertThat(DeltaTables.history(warehouse.spark(), path, 3))
        .extracting(DeltaCommit::operation)
        .containsExactly("VACUUM END", "VACUUM START", "OPTIMIZE");

    CliRunner cli = new CliRunner(directory, Map.of());
    String warehouseRoot = warehouse.warehouse().root();

    CliRunner.Outcome outcome =
        cli.run("maintain", "--ops", "--json", "--warehouse", warehouseRoot);

    assertThat(outcome.status()).as(outcome.err()).isZero();
    JsonNode tables = new ObjectMapper().readTree(outcome.out()).get("tables");
    JsonNode ledger = tables.get(0);
    assertThat(ledger.get("table").asText()).isEqualTo("_ops/run_ledger");
    assertThat(ledger.get("status").asText()).isEqualTo("MAINTAINED");
    assertThat(ledger.get("files_before").asLong()).isGreaterThanOrEqualTo(6);
    assertThat(ledger.get("files_after").asLong()).isEqualTo(1);
    assertThat(warehouse.runner().ledger().read().count()).isEqualTo(6);
    assertThat(tables.findValuesAsText("table"))
        .contains("_ops/quality_results", "_ops/quality_metrics");

    CliRunner.Outcome nothing = cli.run("maintain", "--warehouse", warehouseRoot);
    assertThat(nothing.status()).isEqualTo(2);
    assertThat(nothing.err()).contains("name one or more pipelines, or give --all, or --ops");
  }

  @Test
  void vacuumDeletesUnreferencedFilesOnlyPastTheRetention() {
    SparkSession spark = warehouse.spark();
    TableMaintenance immediate = new TableMaintenance(spark, Duration.ZERO);

    assertThatThrownBy(() -> immediate.maintain(ITEMS, path, List.of("id")))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("Cannot vacuum silver_upkeep.items with a retention of PT0S")
        .hasMessageContaining("medalla.maintenance.vacuum-retention");

    List<Row> current = rows();
    spark.conf().set(RETENTION_CHECK, "false");
    try {
      assertThat(immediate.maintain(ITEMS, path, List.of("id")).filesVacuumed()).isPositive();
    } finally {
      spark.conf().unset(RETENTION_CHECK);
    }
    assertThat(rows()).isEqualTo(current);
    assertThatThrownBy(
            () -> spark.read().format("delta").option("versionAsOf", 0).load(path).collectAsList())
        .as("version 0's files are gone")
        .hasMessageContaining("does not exist");
  }

  private List<Row> rows() {
    return warehouse.table(ITEMS).select("id", "name").orderBy("id").collectAsList();
  }

  private long detail(String field) {
    return DeltaTable.forPath(warehouse.spark(), path).detail().first().<Long>getAs(field);
  }

  private static final class BronzeItems extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_upkeep.items")
          .owner("upkeep@medalla.dev")
          .source(FileSource.jsonLines("upkeep/items", "id BIGINT, name STRING"))
          .build();
    }
  }

  /** The latest name of every item. */
  private static final class SilverItems extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(ITEMS)
          .owner("upkeep@medalla.dev")
          .inputs("bronze_upkeep.items")
          .keys("id")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_upkeep.items")
          .withColumn(
              "newest",
              row_number().over(Window.partitionBy("id").orderBy(col("_batch_id").desc())))
          .where(col("newest").equalTo(1))
          .select("id", "name");
    }
  }
}
