package io.medalla.testkit;

import static java.util.Objects.requireNonNull;

import io.medalla.api.Pipeline;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigLoader;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A throw-away warehouse for testing pipelines: land files, run pipelines through the real
 * lifecycle on the {@link SharedSpark} session, and read the resulting tables.
 *
 * <pre>{@code
 * TestWarehouse warehouse = TestWarehouse.create(tempDir);
 * warehouse.land("product/events", date, List.of("{...}"));
 * RunResult result = warehouse.run(new BronzeEvents(), date);
 * assertThat(warehouse.table("bronze_product.events").count()).isEqualTo(1);
 * }</pre>
 */
public final class TestWarehouse {
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
   * configuration folder.
   */
  public static MedallaSettings settings(
      Path directory, Map<String, String> settings, Map<String, String> environmentVariables) {
    Map<String, String> options = new HashMap<>(settings);
    options.putIfAbsent("medalla.warehouse", directory.resolve("warehouse").toString());
    return ConfigLoader.load(
        new ConfigLoader.Request(
            directory.resolve("conf"), Optional.empty(), environmentVariables, options, Map.of()));
  }

  /** The settings the runs use. */
  public MedallaSettings settings() {
    return settings;
  }

  /** The session the runs use. */
  public SparkSession spark() {
    return SharedSpark.session();
  }

  /** The warehouse layout. */
  public Warehouse warehouse() {
    return runner.warehouse();
  }

  /** The runner, for the ledger and direct runs. */
  public PipelineRunner runner() {
    return runner;
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

  /** Runs one pipeline for one date through the whole lifecycle. */
  public RunResult run(Pipeline pipeline, LocalDate date) {
    return runner.run(pipeline, date, Map.of("command", "test"));
  }

  /** Reads a table by catalog name. */
  public Dataset<Row> table(String catalogName) {
    return spark().read().format("delta").load(warehouse().path(TableId.parse(catalogName)));
  }

  /** Reads the quarantine of a table, by the table's catalog name. */
  public Dataset<Row> quarantine(String catalogName) {
    return spark()
        .read()
        .format("delta")
        .load(warehouse().quarantinePath(TableId.parse(catalogName)));
  }

  /** The run ledger's rows. */
  public Dataset<Row> ledger() {
    return runner.ledger().read();
  }

  /** The folder holding this warehouse. */
  public Path root() {
    return root;
  }
}
