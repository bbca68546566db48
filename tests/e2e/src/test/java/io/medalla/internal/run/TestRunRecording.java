package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.Alert;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.SilverPipeline;
import io.medalla.extensions.RecordingAlertSink;
import io.medalla.internal.cli.CliRunner;
import io.medalla.internal.table.DeltaTables;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ledger and the alerts say about runs that do not end normally: a run in flight (or
 * killed), a run whose ledger cannot be written, a run the write policy refuses.
 */
class TestRunRecording {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  @TempDir Path directory;

  @Test
  void aRunIsInTheLedgerFromItsStartSoAKilledRunLeavesATrace() {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    warehouse.land(
        TestPipelines.LANDING,
        DAY,
        "orders.jsonl",
        List.of("{\"order_id\":\"a\",\"amount\":10,\"day\":\"2026-11-01\"}"));
    assertThat(warehouse.run(new TestPipelines.BronzeOrders(), DAY).exitStatus()).isZero();
    List<Row> duringTheRun = new ArrayList<>();
    List<String> statusDuringTheRun = new ArrayList<>();
    CliRunner cli = new CliRunner(directory, Map.of());
    String warehouseRoot = warehouse.warehouse().root();

    // The transformation is the last moment before the commit: were the process killed here, what
    // the ledger holds now is all that would remain of the run.
    RunResult run =
        warehouse.run(
            new ObservedSilverOrders(
                context -> {
                  duringTheRun.addAll(
                      warehouse
                          .ledger()
                          .where(col("run_id").equalTo(context.runId()))
                          .collectAsList());
                  statusDuringTheRun.add(
                      cli.run(
                              "status",
                              "--warehouse",
                              warehouseRoot,
                              "--pipeline",
                              "silver_test.orders")
                          .out());
                }),
            DAY);

    assertThat(run.exitStatus()).isZero();
    String runId = run.record().runId();
    assertThat(duringTheRun)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.<String>getAs("status")).isEqualTo("RUNNING");
              assertThat(row.<String>getAs("pipeline")).isEqualTo("silver_test.orders");
              assertThat(row.<String>getAs("mode")).isEqualTo("DATES");
              assertThat(row.<String, Long>getJavaMap(row.fieldIndex("input_versions")))
                  .containsEntry("bronze_test.orders", 0L);
            });
    assertThat(statusDuringTheRun).singleElement().asString().contains(runId).contains("RUNNING");
    // Read after the run, the ledger has one row for it: its end row.
    List<Row> after = warehouse.ledger().where(col("run_id").equalTo(runId)).collectAsList();
    assertThat(after)
        .singleElement()
        .satisfies(row -> assertThat(row.<String>getAs("status")).isEqualTo("SUCCEEDED"));
    assertThat(warehouse.ledger().count()).isEqualTo(2);
    assertThat(Path.of(warehouseRoot, "_ops", "run_starts"))
        .as("a run's start file goes once its end row is committed")
        .isEmptyDirectory();
    // The committed version's run id has its ledger row.
    String committedBy =
        DeltaTables.latestCommit(
                warehouse.spark(),
                warehouse.warehouse().path(io.medalla.api.TableId.parse("silver_test.orders")))
            .orElseThrow()
            .runId()
            .orElseThrow();
    assertThat(committedBy).isEqualTo(runId);
  }

  @Test
  void theAlertGoesOutAndTheSummaryIsPrintedWhenTheLedgerCannotBeWritten() throws Exception {
    Path warehouseRoot = directory.resolve("warehouse");
    Path ledger = warehouseRoot.resolve("_ops").resolve("run_ledger");
    Path starts = warehouseRoot.resolve("_ops").resolve("run_starts");
    Files.createDirectories(ledger.getParent());
    for (Path table : List.of(ledger, starts)) { // an unusable warehouse: the ledger is a file
      Files.writeString(table, "not a Delta table\n");
    }
    CliRunner cli = new CliRunner(directory, Map.of());
    int alertsBefore = RecordingAlertSink.received("bronze_product.events").size();

    CliRunner.Outcome outcome =
        cli.run(
            "run",
            "bronze_product.events",
            "--date",
            "2026-11-01",
            "--warehouse",
            warehouseRoot.toString(),
            "--set",
            "medalla.alert.sinks=log,recording");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.out()).startsWith("FAILED").contains("bronze_product.events");
    assertThat(outcome.err()).contains("error: ");
    List<Alert> alerts = RecordingAlertSink.received("bronze_product.events");
    assertThat(alerts).hasSize(alertsBefore + 1);
    Alert alert = alerts.get(alerts.size() - 1);
    assertThat(alert.errorCode()).isEqualTo("RUN_FAILED");
    assertThat(alert.logicalDate()).isEqualTo(DAY);
    assertThat(Files.readString(ledger)).isEqualTo("not a Delta table\n");
    assertThat(Files.readString(starts)).isEqualTo("not a Delta table\n");
  }

  @Test
  void aRunOrBackfillTheWritePolicyRefusesWritesNothing() {
    Path warehouseRoot = directory.resolve("warehouse");
    CliRunner cli = new CliRunner(directory, Map.of());
    String[] asAnotherPrincipal = {
      "--env",
      "dev",
      "--warehouse",
      warehouseRoot.toString(),
      "--set",
      "medalla.security.write-principal=svc-medalla"
    };

    CliRunner.Outcome run =
        cli.run(
            concat(
                new String[] {"run", "bronze_product.events", "--date", "2026-11-01"},
                asAnotherPrincipal));

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains("Cannot write bronze_product.events in dev")
        .contains("dev writes only as 'svc-medalla'");
    assertThat(warehouseRoot.resolve("_ops")).doesNotExist();

    CliRunner.Outcome backfill =
        cli.run(
            concat(
                new String[] {
                  "backfill", "silver_product.events", "--from", "2026-11-01", "--to", "2026-11-02"
                },
                asAnotherPrincipal));

    assertThat(backfill.status()).isEqualTo(2);
    assertThat(backfill.err())
        .contains("Cannot write _ops/backfills in dev")
        .contains("dev writes only as 'svc-medalla'");
    assertThat(warehouseRoot.resolve("_ops")).doesNotExist();
    assertThat(warehouseRoot.resolve("bronze")).doesNotExist();
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = new String[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /** Silver orders whose transformation first lets the test look at the run in flight. */
  private static final class ObservedSilverOrders extends SilverPipeline {
    private final java.util.function.Consumer<RunContext> observer;

    ObservedSilverOrders(java.util.function.Consumer<RunContext> observer) {
      this.observer = observer;
    }

    @Override
    public PipelineSpec spec() {
      return new TestPipelines.SilverOrders().spec();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      observer.accept(context);
      return new TestPipelines.SilverOrders().transform(context);
    }
  }
}
