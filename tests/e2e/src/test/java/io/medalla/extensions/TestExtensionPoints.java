package io.medalla.extensions;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.run.ConcurrentRuns;
import io.medalla.internal.table.DeltaTables;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension points of CONTRIBUTING.md, exercised with the examples it quotes: a source kind and
 * a run listener from this module, found through {@link java.util.ServiceLoader}, run by the
 * unchanged runner.
 */
class TestExtensionPoints {
  private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate DAY_2 = DAY_1.plusDays(1);
  private static final String TOPIC = "shop/messages";
  private static final String TABLE = "bronze_shop.messages";

  @TempDir Path directory;

  /** A bronze table of the messages of {@link #TOPIC}. */
  static final class BronzeMessages extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(TABLE)
          .owner("shop-data@medalla.dev")
          .source(new MessageLog(TOPIC))
          .build();
    }
  }

  private static String message(long offset) {
    return String.format("{\"offset\":%d,\"payload\":\"message %d\"}", offset, offset);
  }

  private static List<String> messages(long first, long last) {
    List<String> lines = new ArrayList<>();
    for (long offset = first; offset <= last; offset++) {
      lines.add(message(offset));
    }
    return lines;
  }

  private static List<Long> offsets(TestWarehouse warehouse) {
    return warehouse.table(TABLE).orderBy("offset").select("offset").collectAsList().stream()
        .map(row -> row.getLong(0))
        .toList();
  }

  private static long version(TestWarehouse warehouse) {
    return DeltaTables.latestCommit(
            warehouse.spark(), warehouse.warehouse().path(TableId.parse(TABLE)))
        .orElseThrow()
        .version();
  }

  @Test
  void aSourceKindFromAModuleIngestsEachRecordOnceThroughTheRunner() throws Exception {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    warehouse.land(TOPIC, DAY_1, "segment-1.jsonl", messages(1, 3));

    RunResult first = warehouse.run(new BronzeMessages(), DAY_1);
    RunResult repeated = warehouse.run(new BronzeMessages(), DAY_1);

    assertThat(first.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(first.record().rowsWritten()).isEqualTo(3);
    assertThat(repeated.record().status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(repeated.record().rowsWritten()).isZero();
    assertThat(repeated.exitStatus()).isZero();
    assertThat(offsets(warehouse)).containsExactly(1L, 2L, 3L);
    assertThat(version(warehouse)).isZero();
    Row ingested = warehouse.table(TABLE).where(col("offset").equalTo(2)).first();
    assertThat(ingested.<String>getAs("payload")).isEqualTo("message 2");
    assertThat(ingested.<String>getAs("_source")).isEqualTo("log:" + TOPIC);
    assertThat(ingested.<String>getAs("_run_id")).isEqualTo(first.record().runId());

    // Two runs planned on the same table version commit the next messages once.
    warehouse.land(TOPIC, DAY_2, "segment-2.jsonl", messages(4, 5));
    List<RunResult> concurrent =
        ConcurrentRuns.together(
            () -> warehouse.run(new BronzeMessages(), DAY_2),
            () -> warehouse.run(new BronzeMessages(), DAY_2));

    assertThat(concurrent).allSatisfy(result -> assertThat(result.exitStatus()).isZero());
    assertThat(concurrent.stream().mapToLong(result -> result.record().rowsWritten()).sum())
        .isEqualTo(2);
    assertThat(offsets(warehouse)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(version(warehouse)).isEqualTo(1);
    List<Row> ledger =
        warehouse
            .ledger()
            .where(col("pipeline").equalTo(TABLE))
            .orderBy("started_at")
            .collectAsList();
    assertThat(ledger).hasSize(4);
    assertThat(ledger.stream().mapToLong(row -> row.<Long>getAs("rows_written")).sum())
        .isEqualTo(5);
    assertThat(ledger.subList(0, 2))
        .extracting(row -> row.<String>getAs("status"))
        .containsExactly("SUCCEEDED", "SKIPPED");
  }

  @Test
  void runListenersHearEveryRunAndNeverChangeItsOutcome() {
    TestWarehouse warehouse =
        TestWarehouse.create(directory, Map.of("medalla.run.listeners", "counter,failing"));
    long startedBefore = RunCounter.count(TABLE, "RUNNING");
    long succeededBefore = RunCounter.count(TABLE, "SUCCEEDED");
    long failedBefore = RunCounter.count(TABLE, "FAILED");

    RunResult missing = warehouse.run(new BronzeMessages(), DAY_1);
    warehouse.land(TOPIC, DAY_1, "segment-1.jsonl", messages(1, 2));
    RunResult ingested = warehouse.run(new BronzeMessages(), DAY_1);

    assertThat(missing.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(ingested.record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(ingested.record().rowsWritten()).isEqualTo(2);
    assertThat(RunCounter.count(TABLE, "RUNNING") - startedBefore).isEqualTo(2);
    assertThat(RunCounter.count(TABLE, "SUCCEEDED") - succeededBefore).isEqualTo(1);
    assertThat(RunCounter.count(TABLE, "FAILED") - failedBefore).isEqualTo(1);
  }

  @Test
  void anUnknownRunListenerIsAConfigurationError() {
    assertThatThrownBy(
            () -> TestWarehouse.create(directory, Map.of("medalla.run.listeners", "lineage")))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("Invalid value for medalla.run.listeners")
        .hasMessageContaining("unknown run listener 'lineage'")
        .hasMessageContaining("counter");
  }

  @Test
  void contributingQuotesTheExamplesThisModuleRuns() throws Exception {
    String contributing = Files.readString(Path.of("..", "..", "CONTRIBUTING.md"));
    Path sources = Path.of("src", "test", "java", "io", "medalla", "extensions");

    for (String example :
        List.of(
            "MessageLog.java",
            "MessageLogKind.java",
            "RunCounter.java",
            "RecordingAlertSink.java")) {
      assertThat(contributing)
          .as("CONTRIBUTING.md quotes %s as it is; paste the file's current text", example)
          .contains(Files.readString(sources.resolve(example)));
    }
  }
}
