package io.medalla.testkit;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.Pipeline;
import io.medalla.api.RunMode;
import io.medalla.api.RunRecord;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigLoader;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.Backfill;
import io.medalla.internal.run.PipelineRegistry;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.run.RunLedger;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A throw-away warehouse for testing pipelines: give input tables from literal rows or land files,
 * run pipelines through the real lifecycle (dates, incremental, full refresh, backfill) on the
 * {@link SharedSpark} session, and read the resulting tables, SCD2 histories, quarantines and run
 * ledger. Give each test its own directory (JUnit's {@code @TempDir}).
 *
 * <pre>{@code
 * TestWarehouse warehouse =
 *     TestWarehouse.create(directory)
 *         .given("silver_shop.orders", "order_id BIGINT, order_date DATE", "1,2026-11-01");
 * assertThat(warehouse.incremental(new GoldDailyOrders(), day)).succeeded();
 * assertThat(warehouse.rows("gold_shop.daily_orders")).containsExactly("[2026-11-01,1]");
 * }</pre>
 *
 * <p>Literal rows are comma-separated values in the columns' order: ISO dates ({@code 2026-11-01})
 * and timestamps ({@code 2026-11-01T10:00:00Z}), an empty field is null, a field holding a comma is
 * quoted ({@code "Doe, Jane"}). {@link #rows(String)} renders rows back in the same notation.
 */
public final class TestWarehouse {
  private static final Map<String, String> PARAMETERS = Map.of("command", "test");

  private final Path root;
  private final MedallaSettings settings;
  private final PipelineRunner runner;

  private TestWarehouse(Path root, MedallaSettings settings) {
    this.root = root;
    this.settings = settings;
    this.runner = new PipelineRunner(SharedSpark.session(), settings);
  }

  /** A warehouse below {@code directory} with default settings. */
  public static TestWarehouse create(Path directory) {
    return create(directory, Map.of());
  }

  /**
   * A warehouse below {@code directory}.
   *
   * @param settings extra {@code medalla.*} settings, as if given with {@code --set}
   */
  public static TestWarehouse create(Path directory, Map<String, String> settings) {
    requireNonNull(directory, "directory is null");
    return new TestWarehouse(directory, settings(directory, settings, Map.of()));
  }

  /**
   * Loads settings for a warehouse below {@code directory} the way the CLI does, with no
   * configuration folder. Returns Medalla's internal settings type, for the framework's own tests.
   */
  public static MedallaSettings settings(
      Path directory, Map<String, String> settings, Map<String, String> environmentVariables) {
    Map<String, String> options = new HashMap<>(settings);
    options.putIfAbsent("medalla.warehouse", directory.resolve("warehouse").toString());
    return ConfigLoader.load(
        new ConfigLoader.Request(
            directory.resolve("conf"), Optional.empty(), environmentVariables, options, Map.of()));
  }

  /**
   * Creates table {@code table} holding {@code rows}, or replaces what it held, as a Medalla table:
   * a Delta table at the table's path with its change data feed on, so incremental runs of the
   * pipelines reading it see what changed. The layer's metadata columns the schema does not declare
   * are added as a run adds them: {@code _run_id} on every layer, {@code _updated_at} on silver,
   * and {@code _ingested_at}, {@code _source} ({@code given}) and {@code _batch_id} ({@code given})
   * on bronze. Declare one in {@code schema} (e.g. {@code _change_op STRING}) to give its values.
   *
   * @param table the catalog name, e.g. {@code silver_shop.orders}
   * @param schema the columns as Spark SQL DDL, e.g. {@code order_id BIGINT, order_date DATE}
   * @param rows one literal row each (see the class description)
   * @return this warehouse
   */
  public TestWarehouse given(String table, String schema, String... rows) {
    TableId id = TableId.parse(table);
    publish(id, literal(StructType.fromDDL(schema), rows), "overwrite");
    return this;
  }

  /**
   * Adds {@code rows} to table {@code table}, with the business columns it has (in their order), as
   * late or new data arriving in one commit.
   *
   * @return this warehouse
   * @throws IllegalStateException when the table does not exist
   */
  public TestWarehouse append(String table, String... rows) {
    TableId id = TableId.parse(table);
    StructType existing = table(table).schema();
    StructType business =
        new StructType(
            Arrays.stream(existing.fields())
                .filter(field -> !field.name().startsWith("_"))
                .toArray(StructField[]::new));
    publish(id, literal(business, rows), "append");
    return this;
  }

  /** Writes {@code lines} as one landing file of {@code folder} for {@code date}. */
  public Path land(String folder, LocalDate date, String fileName, List<String> lines) {
    Path directory = Path.of(settings.landing()).resolve(folder).resolve(date.toString());
    try {
      Files.createDirectories(directory);
      return Files.write(directory.resolve(fileName), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs one pipeline for one date through the whole lifecycle, as {@code run --date}. */
  public RunResult run(Pipeline pipeline, LocalDate date) {
    return runner.run(pipeline, date, PARAMETERS);
  }

  /** Runs one pipeline as {@code request} says: dates, incremental or full refresh. */
  public RunResult run(Pipeline pipeline, RunRequest request) {
    return runner.run(pipeline, request);
  }

  /**
   * Runs one pipeline incrementally as of {@code asOf}, as {@code run --incremental}: it recomputes
   * what its inputs' commits since its last incremental or full-refresh run touched (its first
   * incremental run is a full refresh) and is {@code SKIPPED} when nothing changed.
   */
  public RunResult incremental(Pipeline pipeline, LocalDate asOf) {
    return run(pipeline, RunRequest.asOf(RunMode.INCREMENTAL, asOf, PARAMETERS));
  }

  /**
   * Rebuilds one pipeline's table from its inputs as of {@code asOf}, as {@code --full-refresh}.
   */
  public RunResult fullRefresh(Pipeline pipeline, LocalDate asOf) {
    return run(pipeline, RunRequest.asOf(RunMode.FULL_REFRESH, asOf, PARAMETERS));
  }

  /**
   * Backfills {@code from} to {@code to} as {@code backfill --from --to} does: the pipelines in
   * dependency order, one date per run; stops at the first run that fails. Started again after a
   * failure, it resumes and skips the runs that finished.
   *
   * @return the runs made, in order
   */
  public List<RunResult> backfill(LocalDate from, LocalDate to, Pipeline... pipelines) {
    List<Pipeline> ordered = PipelineRegistry.of(List.of(pipelines)).inDependencyOrder();
    Backfill backfill = new Backfill(runner, settings.landing());
    return backfill.execute(backfill.plan(ordered, List.of(), from, to, 1, false), result -> {});
  }

  /**
   * Reads a table by catalog name, metadata columns included.
   *
   * @throws IllegalStateException when the table does not exist
   */
  public Dataset<Row> table(String table) {
    String path = warehouse().path(TableId.parse(table));
    if (!DeltaTables.exists(spark(), path)) {
      throw new IllegalStateException(
          String.format(
              "Cannot read table %s: there is no Delta table at %s. Run its pipeline or give it"
                  + " with given(...) first",
              table, path));
    }
    return spark().read().format("delta").load(path);
  }

  /**
   * The table's business rows (no {@code _} metadata columns) sorted by all columns, each as text
   * such as {@code [2026-11-01,EUR,3,150.50]}: see {@link TableContents#text(Dataset)}.
   */
  public List<String> rows(String table) {
    return TableContents.text(table(table));
  }

  /**
   * Every version of every key in the SCD2 table {@code pipeline} keeps, as in {@link
   * #rows(String)} but ordered by the spec's keys, then {@code valid_from}: each key's versions
   * oldest first, its {@code valid_to} and {@code is_current} columns included.
   *
   * @throws IllegalArgumentException when the table keeps no history
   */
  public List<String> history(Pipeline pipeline) {
    String table = pipeline.spec().output().catalogName();
    Dataset<Row> rows = table(table);
    if (!Arrays.asList(rows.columns()).contains("valid_from")) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read the history of %s: it has no valid_from column. Only change feeds"
                  + " declared keepingHistory() keep versions",
              table));
    }
    List<String> order = new ArrayList<>(pipeline.spec().keys());
    order.add("valid_from");
    return TableContents.text(rows, order);
  }

  /** The comment Delta keeps on {@code column} of {@code table}: its documented meaning. */
  public Optional<String> comment(String table, String column) {
    StructField field = table(table).schema().apply(column);
    return field.metadata().contains("comment")
        ? Optional.of(field.metadata().getString("comment"))
        : Optional.empty();
  }

  /** Reads the quarantine of a table, by the table's catalog name, with every column. */
  public Dataset<Row> quarantine(String table) {
    return spark().read().format("delta").load(warehouse().quarantinePath(TableId.parse(table)));
  }

  /**
   * The records quarantined from {@code table}, ordered by date and record; none when nothing was.
   */
  public List<QuarantinedRecord> quarantined(String table) {
    if (!DeltaTables.exists(spark(), warehouse().quarantinePath(TableId.parse(table)))) {
      return List.of();
    }
    return quarantine(table).orderBy(col("logical_date"), col("record")).collectAsList().stream()
        .map(
            row ->
                new QuarantinedRecord(
                    row.<Date>getAs("logical_date").toLocalDate(),
                    row.getList(row.fieldIndex("failed_rules")),
                    row.getAs("record")))
        .toList();
  }

  /** The run ledger's rows, every column. */
  public Dataset<Row> ledger() {
    return runner.ledger().read();
  }

  /** The runs of {@code pipeline} as the ledger recorded them, oldest first. */
  public List<RunRecord> runs(String pipeline) {
    return ledger()
        .where(col("pipeline").equalTo(pipeline))
        .orderBy(col("started_at"))
        .collectAsList()
        .stream()
        .map(RunLedger::record)
        .toList();
  }

  /** The session the runs use. */
  public SparkSession spark() {
    return SharedSpark.session();
  }

  /** The folder holding this warehouse. */
  public Path root() {
    return root;
  }

  /** The settings the runs use; Medalla's internal type, for the framework's own tests. */
  public MedallaSettings settings() {
    return settings;
  }

  /** The warehouse layout; Medalla's internal type, for the framework's own tests. */
  public Warehouse warehouse() {
    return runner.warehouse();
  }

  /** The runner; Medalla's internal type, for the framework's own tests. */
  public PipelineRunner runner() {
    return runner;
  }

  private Dataset<Row> literal(StructType schema, String... rows) {
    return spark()
        .read()
        .schema(schema)
        .option("mode", "FAILFAST")
        .csv(spark().createDataset(List.of(rows), Encoders.STRING()));
  }

  /** Writes {@code rows} with the layer's metadata columns in one commit tagged as a given run. */
  private void publish(TableId table, Dataset<Row> rows, String saveMode) {
    String runId = "given-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Column> metadata = new LinkedHashMap<>();
    metadata.put("_run_id", lit(runId));
    switch (table.layer()) {
      case BRONZE -> {
        metadata.put("_ingested_at", current_timestamp());
        metadata.put("_source", lit("given"));
        metadata.put("_batch_id", lit("given"));
      }
      case SILVER -> metadata.put("_updated_at", current_timestamp());
      case GOLD -> {}
    }
    Dataset<Row> shaped = rows;
    for (Map.Entry<String, Column> column : metadata.entrySet()) {
      if (!Arrays.asList(rows.columns()).contains(column.getKey())) {
        shaped = shaped.withColumn(column.getKey(), column.getValue());
      }
    }
    shaped
        .write()
        .format("delta")
        .mode(saveMode)
        .option("overwriteSchema", "true")
        .option("delta.enableChangeDataFeed", "true")
        .option("userMetadata", runId)
        .save(warehouse().path(table));
  }
}
