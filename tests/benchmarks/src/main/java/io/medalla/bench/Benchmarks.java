package io.medalla.bench;

import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.ops.Logging;
import io.medalla.internal.spark.SparkSessions;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Benchmarks of Medalla, each measured in one JVM against a baseline run in the same process and
 * printed as aligned text on standard output:
 *
 * <ul>
 *   <li>{@code overhead [--rows N] [--iterations K]}: the lifecycle's fixed cost per run, a trivial
 *       gold pipeline through {@link io.medalla.internal.run.PipelineRunner} against the same Delta
 *       write done with bare Spark;
 *   <li>{@code demo [--scales 1,10] [--days D]}: the {@code demo} command at several scales, with
 *       wall time and rows per second of each stage taken from the run ledger;
 *   <li>{@code quality [--rows N] [--iterations K]}: the quality gate's cost, a gold pipeline with
 *       a critical dataset's expectations against the same pipeline with none, Deequ's single
 *       analysis pass against one pass per analyzer, and the gate's parts on their own;
 *   <li>{@code cdc [--rows N] [--change-percent P] [--iterations K]}: an SCD2 merge of a change
 *       batch through {@link io.medalla.internal.run.PipelineRunner} against rewriting the whole
 *       history table from bronze with bare Spark;
 *   <li>{@code incremental [--scale S] [--days D] [--new-percent P] [--processes N]
 *       [--whole-process-runs K]}: incremental runs of silver and gold after a small increment
 *       against full refreshes at the same size, a backfill of D days against D {@code run --date}
 *       calls in the JVM and in separate processes, and K fresh {@code run
 *       gold_product.daily_active_users --date D} processes against K processes of the plain Spark
 *       job doing the same work;
 *   <li>{@code observability [--scale N] [--days D] [--iterations K]}: runs of demo pipelines with
 *       OpenLineage events on against off, the events per run against OpenLineage's Spark listener
 *       on the same runs, and the cost of evaluating every objective;
 *   <li>{@code protection [--rows N] [--iterations K] [--days D]}: a silver run with its pii stored
 *       as tokens against the same in clear, reading it back in clear, and erasing one customer
 *       from a D-day demo warehouse.
 * </ul>
 *
 * All use one {@code local[*]} session configured as the CLI configures it, in a temporary
 * directory that is deleted afterwards. Run it with the Java 17 flags Spark needs, for example
 * {@code java -Xmx6g --add-opens=... -cp <runtime class path> io.medalla.bench.Benchmarks
 * overhead}.
 */
@Command(
    name = "benchmarks",
    mixinStandardHelpOptions = true,
    description = "Measures Medalla against bare Spark in one JVM.",
    subcommands = {
      OverheadBenchmark.class,
      ObservabilityBenchmark.class,
      DemoBenchmark.class,
      QualityBenchmark.class,
      ChangeBenchmark.class,
      IncrementalBenchmark.class,
      ProtectionBenchmark.class
    })
public final class Benchmarks implements Runnable {
  /** Runs the benchmark named by the first argument and exits with its status. */
  public static void main(String[] args) {
    System.exit(
        new CommandLine(new Benchmarks()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Settings of a warehouse below {@code directory} on a {@code local[*]} session. */
  static MedallaSettings settings(Path directory) {
    return TestWarehouse.settings(
        directory, Map.of(ConfigKeys.SPARK_MASTER.path(), "local[*]"), Map.of());
  }

  /** The session the CLI would create from {@code settings}, with Spark and Medalla at WARN. */
  static SparkSession spark(MedallaSettings settings) {
    Logging.configure("text", "warn");
    return SparkSessions.getOrCreate(settings);
  }

  static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path path : deepestFirst) {
        Files.delete(path);
      }
    }
  }
}
