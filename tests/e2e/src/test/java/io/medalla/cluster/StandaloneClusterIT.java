package io.medalla.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.cli.MedallaCli;
import io.medalla.e2e.DemoReference;
import io.medalla.internal.cli.CliEnvironment;
import io.medalla.internal.cli.MedallaCommand;
import io.medalla.testkit.SharedSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo on a real Spark standalone cluster: {@code spark-submit} of {@code medalla-app.jar} (the
 * shaded application jar) to a Master and a Worker in their own JVMs, with executors in further
 * JVMs, gives the same tables as the same demo run locally: {@code TestDemo}'s, when it ran earlier
 * in this build ({@link DemoReference}), or else one run here.
 *
 * <p>Run by Failsafe ({@code mvn verify} from the root), after {@code tests/app} built the jar;
 * this module copies the Spark runtime into {@code target/spark-home/jars} first. Logs of every
 * child JVM are kept below {@code target/standalone-cluster/}.
 */
class StandaloneClusterIT {
  private static final Path APPLICATION_JAR =
      Path.of(System.getProperty("medalla.app.jar", "../app/target/medalla-app.jar"))
          .toAbsolutePath();
  private static final Path SPARK_HOME =
      Path.of(System.getProperty("medalla.spark.home", "target/spark-home")).toAbsolutePath();
  private static final Path CLUSTER_DIRECTORY =
      Path.of(System.getProperty("medalla.cluster.directory", "target/standalone-cluster"))
          .toAbsolutePath();

  /** How long the driver may go without progress: {@code -Dmedalla.cluster.stall=PT5M}. */
  private static final Duration STALL =
      Duration.parse(System.getProperty("medalla.cluster.stall", "PT3M"));

  private static final List<String> DEMO = List.of("demo", "--days", "2");
  private static final String SILVER_TABLE = "silver/product/events";
  private static final String GOLD_TABLE = "gold/product/daily_active_users";

  private static StandaloneCluster cluster;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path directory;

  @RegisterExtension
  static final TestWatcher PRINT_LOGS_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            System.err.println(cluster.logTails(60));
          }
        }
      };

  @BeforeAll
  static void startCluster() throws IOException {
    assertThat(APPLICATION_JAR).as("the shaded application jar (mvn package)").isRegularFile();
    deleteRecursively(CLUSTER_DIRECTORY);
    cluster = StandaloneCluster.start(SPARK_HOME, CLUSTER_DIRECTORY, 2, "2g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void demoOnClusterWritesTheSameTablesAsLocalDemo() throws IOException {
    Path clusterWarehouse = directory.resolve("cluster-warehouse");
    Path driverDirectory = Files.createDirectories(directory.resolve("driver"));
    Path emptyConfiguration = Files.createDirectories(directory.resolve("empty-conf"));
    long started = System.nanoTime();
    ChildJvm driver =
        cluster.submit(
            "driver",
            "2g",
            Map.of("spark.executor.memory", "1g"),
            APPLICATION_JAR,
            MedallaCli.class.getName(),
            arguments(clusterWarehouse),
            driverDirectory,
            Map.of("MEDALLA_CONF_DIR", emptyConfiguration.toString()));
    int status =
        driver.awaitExit(
            STALL, () -> bytesBelow(cluster.workDirectory()), "PipelineRunner - Starting");
    String clusterSeconds = seconds(started);
    assertThat(status).as("exit status of spark-submit demo%n%s", driver.tail(60)).isZero();
    assertThat(executorLogs())
        .as("executor logs below %s", cluster.workDirectory())
        .isNotEmpty()
        .anySatisfy(log -> assertThat(log).contains("Finished task"));

    Optional<Path> reference = DemoReference.warehouse();
    Path localWarehouse = reference.orElse(directory.resolve("local-warehouse"));
    if (reference.isPresent()) {
      System.err.printf(
          "StandaloneClusterIT: demo --days 2 took %s s with spark-submit on the cluster; compared"
              + " with TestDemo's local demo in %s%n",
          clusterSeconds, localWarehouse);
    } else {
      started = System.nanoTime();
      StringWriter output = new StringWriter();
      int localStatus =
          MedallaCommand.execute(
              arguments(localWarehouse).toArray(String[]::new),
              new CliEnvironment(
                  Map.of(),
                  Files.createDirectories(directory.resolve("local")),
                  new PrintWriter(output, true),
                  new PrintWriter(output, true),
                  Optional.of(SharedSpark.session())));
      System.err.printf(
          "StandaloneClusterIT: demo --days 2 took %s s with spark-submit on the cluster, %s s"
              + " locally%n",
          clusterSeconds, seconds(started));
      assertThat(localStatus).as("exit status of local demo%n%s", output).isZero();
    }

    assertThat(count(clusterWarehouse, SILVER_TABLE))
        .isPositive()
        .isEqualTo(count(localWarehouse, SILVER_TABLE));
    Dataset<Row> clusterGold = businessColumns(clusterWarehouse, GOLD_TABLE);
    Dataset<Row> localGold = businessColumns(localWarehouse, GOLD_TABLE);
    assertThat(clusterGold.schema()).isEqualTo(localGold.schema());
    assertThat(sorted(clusterGold)).isNotEmpty().containsExactlyElementsOf(sorted(localGold));
  }

  /** The size of the files below {@code directory}, which grow as executors log. */
  private static long bytesBelow(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(StandaloneClusterIT::size).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // an executor's directory vanished while walked: measured again next time
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<String> arguments(Path warehouse) {
    return Stream.concat(DEMO.stream(), Stream.of("--warehouse", warehouse.toString())).toList();
  }

  /** The stderr of every executor the Worker launched: proof that tasks ran in separate JVMs. */
  private static List<String> executorLogs() throws IOException {
    if (!Files.isDirectory(cluster.workDirectory())) {
      return List.of();
    }
    List<String> logs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(cluster.workDirectory(), 3)) {
      for (Path file : files.filter(file -> file.endsWith("stderr")).toList()) {
        logs.add(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      }
    }
    return logs;
  }

  private static long count(Path warehouse, String table) {
    return SharedSpark.session()
        .read()
        .format("delta")
        .load(warehouse.resolve(table).toString())
        .count();
  }

  /** The table without Medalla's metadata columns (run ids, timestamps), which differ per run. */
  private static Dataset<Row> businessColumns(Path warehouse, String table) {
    Dataset<Row> rows =
        SharedSpark.session().read().format("delta").load(warehouse.resolve(table).toString());
    return rows.select(
        Arrays.stream(rows.columns())
            .filter(name -> !name.startsWith("_"))
            .map(functions::col)
            .toArray(Column[]::new));
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy(Arrays.stream(rows.columns()).map(functions::col).toArray(Column[]::new))
        .collectAsList();
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static String seconds(long startedNanos) {
    return String.format("%.1f", (System.nanoTime() - startedNanos) / 1e9);
  }
}
