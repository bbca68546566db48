package io.medalla.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.Classification;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.TableId;
import io.medalla.internal.cli.CliEnvironment;
import io.medalla.internal.cli.MedallaCommand;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code protection}: what protecting pii costs. The same silver pipeline over visits with two pii
 * columns (user id and email) runs as a full refresh with pii stored in clear and stored as tokens,
 * alternating which runs first; then the silver table is read back in clear by the owner (a count
 * of distinct emails), decrypting the tokens against reading clear values. Last, a demo warehouse
 * of {@code --days} days is built and one customer erased from it with the files purged: wall time,
 * rows deleted and files rewritten per table.
 */
@Command(
    name = "protection",
    mixinStandardHelpOptions = true,
    description = "Cost of tokenized pii per run and per read, and of erasing one subject.")
final class ProtectionBenchmark implements Callable<Integer> {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final TableId INPUT = TableId.parse("bronze_bench.visits");
  private static final TableId OUTPUT = TableId.parse("silver_bench.visits");
  private static final String CLEAR_RUN = "silver run, pii in clear";
  private static final String TOKEN_RUN = "silver run, pii stored as tokens";
  private static final String CLEAR_READ = "read in clear, stored clear";
  private static final String TOKEN_READ = "read in clear, stored as tokens";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "Rows.")
  long rows;

  @Option(
      names = "--iterations",
      paramLabel = "K",
      defaultValue = "3",
      description = "Measured runs of each, after one warm-up.")
  int iterations;

  @Option(
      names = "--days",
      paramLabel = "D",
      defaultValue = "7",
      description = "Days of the demo warehouse a subject is erased from (0: skip).")
  int days;

  /** Visits with their pii classified. */
  static final class SilverVisits extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(OUTPUT.catalogName())
          .owner("bench@medalla.dev")
          .inputs(INPUT.catalogName())
          .classify(Classification.INTERNAL, "visit_id")
          .classify("user_id", Classification.PII, "pii:user_id")
          .classify("email", Classification.PII, "pii:email")
          .classify(Classification.PUBLIC, "country")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context.read(INPUT).select("visit_id", "user_id", "email", "country");
    }
  }

  @Override
  public Integer call() throws IOException {
    Path directory = Files.createTempDirectory("medalla-bench-protection");
    try {
      Path key = Files.writeString(directory.resolve("token-key"), "bench-token-key");
      MedallaSettings clear = Benchmarks.settings(directory.resolve("clear"));
      MedallaSettings tokens =
          TestWarehouse.settings(
              directory.resolve("tokens"),
              Map.of(
                  "medalla.spark.master", "local[*]",
                  "medalla.governance.stored.pii", "token",
                  "medalla.governance.token-key", "file:" + key),
              Map.of());
      SparkSession spark = Benchmarks.spark(clear);
      PipelineRunner clearRunner = new PipelineRunner(spark, clear);
      PipelineRunner tokenRunner = new PipelineRunner(spark, tokens);
      for (PipelineRunner runner : List.of(clearRunner, tokenRunner)) {
        visits(spark, rows).write().format("delta").save(runner.warehouse().path(INPUT));
      }
      SilverVisits pipeline = new SilverVisits();
      RunRequest request = RunRequest.asOf(RunMode.FULL_REFRESH, DAY, Map.of());
      Timings timings = new Timings();
      for (int iteration = 0; iteration <= iterations; iteration++) {
        Timings measured = iteration == 0 ? new Timings() : timings;
        List<PipelineRunner> order =
            iteration % 2 == 0
                ? List.of(clearRunner, tokenRunner)
                : List.of(tokenRunner, clearRunner);
        for (PipelineRunner runner : order) {
          String name = runner == clearRunner ? CLEAR_RUN : TOKEN_RUN;
          measured.time(
              name,
              () -> {
                if (runner.run(pipeline, request).record().status() != RunStatus.SUCCEEDED) {
                  throw new IllegalStateException(name + " did not succeed");
                }
              });
          String read = runner == clearRunner ? CLEAR_READ : TOKEN_READ;
          Dataset<Row> stored = spark.read().format("delta").load(runner.warehouse().path(OUTPUT));
          measured.time(
              read,
              () ->
                  runner.access().read(OUTPUT, stored).rows().agg(countDistinct("email")).first());
        }
      }
      System.out.printf(
          "Protection: %,d visits, 2 pii columns, %d iterations after one warm-up, alternating"
              + " which runs first, local[*] on %d cores%n%n",
          rows, iterations, Runtime.getRuntime().availableProcessors());
      System.out.printf("%-46s %10s %10s %10s%n", "", "median ms", "mean ms", "min ms");
      timings.printRows(List.of(CLEAR_RUN, TOKEN_RUN));
      timings.printRatio("ratio tokens / clear (run)", TOKEN_RUN, CLEAR_RUN);
      timings.printRows(List.of(CLEAR_READ, TOKEN_READ));
      timings.printRatio("ratio tokens / clear (read)", TOKEN_READ, CLEAR_READ);
      if (days > 0) {
        erase(spark, directory.resolve("demo"));
      }
      return 0;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  /** Builds the demo warehouse and erases its first customer who moved, purging the old files. */
  private void erase(SparkSession spark, Path directory) throws IOException {
    String warehouse = directory.resolve("warehouse").toString();
    Output demo =
        cli(spark, directory, "demo", "--days", String.valueOf(days), "--warehouse", warehouse);
    if (demo.status() != 0) {
      throw new IllegalStateException("The demo failed: " + demo.text());
    }
    long customer =
        spark
            .read()
            .format("delta")
            .load(warehouse + "/silver/commerce/customers")
            .where(col("is_current").equalTo(false))
            .orderBy("customer_id")
            .first()
            .getAs("customer_id");
    long started = System.nanoTime();
    Output erased =
        cli(
            spark,
            directory,
            "erase",
            "--subject",
            "pii:customer_id=" + customer,
            "--vacuum-retention",
            "0h",
            "--json",
            "--warehouse",
            warehouse);
    double millis = (System.nanoTime() - started) / 1e6;
    JsonNode report = JSON.readTree(erased.text());
    System.out.printf(
        "%nErasing one customer from the %d-day demo warehouse (purged, aggregates rebuilt):"
            + " %.1f s, exit %d%n",
        days, millis / 1000, erased.status());
    System.out.printf("%-46s %10s %10s%n", "table", "rows", "files");
    long files = 0;
    for (JsonNode table : report.get("tables")) {
      long rewritten =
          Optional.ofNullable(table.get("files_rewritten")).map(JsonNode::asLong).orElse(0L);
      files += rewritten;
      System.out.printf(
          "%-46s %10d %10d%n", table.get("table").asText(), table.get("rows").asLong(), rewritten);
    }
    System.out.printf("%-46s %10s %10d%n", "files rewritten in all", "", files);
    report
        .get("rebuilt")
        .forEach(
            run ->
                System.out.printf(
                    "rebuilt %s: %s%n", run.get("pipeline").asText(), run.get("status").asText()));
  }

  private record Output(int status, String text) {}

  private static Output cli(SparkSession spark, Path directory, String... args) {
    StringWriter out = new StringWriter();
    int status =
        MedallaCommand.execute(
            args,
            new CliEnvironment(
                System.getenv(),
                directory,
                new PrintWriter(out, true),
                new PrintWriter(System.err, true),
                Optional.of(spark)));
    return new Output(status, out.toString());
  }

  /** {@code rows} visits: 100,000 users with one email each, five countries. */
  private static Dataset<Row> visits(SparkSession spark, long rows) {
    return spark
        .range(rows)
        .select(
            concat(lit("visit-"), col("id").cast("string")).as("visit_id"),
            concat(lit("user-"), pmod(col("id").multiply(7919L), lit(100_000L)).cast("string"))
                .as("user_id"),
            concat(
                    lit("person"),
                    pmod(col("id").multiply(7919L), lit(100_000L)).cast("string"),
                    lit("@example.com"))
                .as("email"),
            pmod(col("id"), lit(5)).cast("string").as("country"));
  }
}
