package io.medalla.bench;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medalla.api.BronzePipeline;
import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.FileSource;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunResult;
import io.medalla.internal.cdc.ChangeResolver;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaTables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.collection.JavaConverters;

/**
 * {@code cdc}: an SCD2 merge of a small change batch against rewriting the whole history table.
 * Setup lands one Debezium create event per key, runs the bronze pipeline and the SCD2 {@link
 * ChangeDataPipeline} once (the history table then holds one version per key) and builds the
 * rewritten table once. Each round then lands updates of a share of the keys for the next day,
 * chosen at random among all keys ({@code --changes uniform}) or among the newest tenth of them
 * ({@code --changes recent}: orders and accounts change most while they are young), runs bronze and
 * the SCD2 pipeline through {@link PipelineRunner} (a {@code MERGE} into a table with deletion
 * vectors), and, in the same session, recomputes every version of every key from bronze as {@link
 * ChangeResolver} would and overwrites another table with it. One warm-up round, then the measured
 * rounds, each starting with the other of the two; at the end both tables must hold the same
 * versions. Besides wall time it reports the Spark tasks' CPU time of both (less sensitive to other
 * load on the machine), the SCD2 run split by lifecycle step and {@code MERGE} phase, and the
 * {@code MERGE} commit's operation metrics.
 */
@Command(
    name = "cdc",
    mixinStandardHelpOptions = true,
    description = "An SCD2 merge of a change batch against rewriting the whole history table.")
final class ChangeBenchmark implements Callable<Integer> {
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 1);
  private static final String FOLDER = "cdc_bench/customers";
  private static final String ROW_SCHEMA =
      "id BIGINT, name STRING, email STRING, tier STRING, balance DOUBLE, revision INT";
  private static final List<String> TIERS = List.of("bronze", "silver", "gold", "platinum");
  private static final int CREATE_FILES = 4;
  private static final String BRONZE_RUN = "bronze run (PipelineRunner, append)";
  private static final String MERGE_RUN = "SCD2 run (PipelineRunner, MERGE)";
  private static final String REWRITE = "rewrite (all versions, overwrite)";
  private static final String RUN_GROUP_PREFIX = "medalla-";
  private static final String REWRITE_GROUP_PREFIX = "cdc-benchmark-rewrite-";
  private static final List<String> MERGE_METRICS =
      List.of(
          "numSourceRows",
          "numTargetRowsInserted",
          "numTargetRowsUpdated",
          "numTargetRowsCopied",
          "numTargetFilesAdded",
          "numTargetFilesRemoved",
          "numTargetDeletionVectorsAdded",
          "numTargetDeletionVectorsRemoved",
          "numTargetDeletionVectorsUpdated",
          "numTargetBytesAdded",
          "executionTimeMs",
          "scanTimeMs",
          "rewriteTimeMs");

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "Keys.")
  int rows;

  @Option(
      names = "--change-percent",
      paramLabel = "P",
      defaultValue = "1",
      description = "Share of the keys updated by each change batch, in percent.")
  double changePercent;

  @Option(
      names = "--changes",
      paramLabel = "DISTRIBUTION",
      defaultValue = "uniform",
      description =
          "Which keys change: uniform (any key) or recent (the newest tenth of the keys).")
  Distribution changes;

  @Option(
      names = "--iterations",
      paramLabel = "K",
      defaultValue = "2",
      description = "Measured change batches, after one warm-up batch.")
  int iterations;

  @Override
  public Integer call() throws IOException {
    if (rows < 1 || changePercent <= 0 || changePercent > changes.maxPercent || iterations < 1) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid options: --rows %d, --change-percent %s, --changes %s, --iterations %d;"
                  + " give at least one row, a share in (0, %d] and at least one iteration",
              rows, changePercent, changes, iterations, changes.maxPercent));
    }
    Path directory = Files.createTempDirectory("medalla-bench-cdc");
    try {
      MedallaSettings settings = Benchmarks.settings(directory);
      SparkSession spark = Benchmarks.spark(settings);
      PipelineRunner runner = new PipelineRunner(spark, settings);
      JobListener jobs = new JobListener();
      spark.sparkContext().addSparkListener(jobs);
      Source source = new Source(Path.of(settings.landing()).resolve(FOLDER), rows, changes);
      Round round =
          new Round(
              spark,
              runner,
              source,
              runner.warehouse().path(BronzeCustomers.SPEC.output()),
              runner.warehouse().path(CustomerHistory.SPEC.output()),
              directory.resolve("rewrite/customer_history").toString());
      long started = System.nanoTime();
      round.setUp();
      double setupSeconds = (System.nanoTime() - started) / 1e9;
      Table bronzeAfterSetup = Table.of(spark, round.bronzePath());
      Table historyAfterSetup = Table.of(spark, round.historyPath());
      int changedKeys = (int) Math.max(1, Math.round(rows * changePercent / 100));
      round.run(FIRST_DAY.plusDays(1), changedKeys, true, new Timings());
      Timings timings = new Timings();
      List<Batch> batches = new ArrayList<>();
      for (int iteration = 0; iteration < iterations; iteration++) {
        batches.add(
            round.run(FIRST_DAY.plusDays(2 + iteration), changedKeys, iteration % 2 == 0, timings));
      }
      long differences = round.differences();
      jobs.awaitDelivery(spark);
      spark.sparkContext().removeSparkListener(jobs);
      print(
          timings,
          jobs,
          batches,
          changedKeys,
          setupSeconds,
          bronzeAfterSetup,
          historyAfterSetup,
          Table.of(spark, round.historyPath()),
          Table.of(spark, round.rewritePath()),
          differences);
      return differences == 0 ? 0 : 1;
    } finally {
      Benchmarks.deleteRecursively(directory);
    }
  }

  private void print(
      Timings timings,
      JobListener jobs,
      List<Batch> batches,
      int changedKeys,
      double setupSeconds,
      Table bronzeAfterSetup,
      Table historyAfterSetup,
      Table historyAtEnd,
      Table rewrittenAtEnd,
      long differences) {
    System.out.printf(
        "SCD2 merge of a change batch against rewriting the history table: %,d keys, %s %% of"
            + " them (%,d, %s) updated per batch, %d batches after one warm-up batch, local[*] on"
            + " %d cores%n%n",
        rows,
        changePercent,
        changedKeys,
        changes.description,
        iterations,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("Setup (not timed below): %.1f s%n", setupSeconds);
    System.out.printf("  %-28s %s%n", "bronze after setup", bronzeAfterSetup);
    System.out.printf("  %-28s %s%n", "history after setup", historyAfterSetup);
    System.out.printf("  %-28s %s%n", "history at the end", historyAtEnd);
    System.out.printf("  %-28s %s%n%n", "rewritten table at the end", rewrittenAtEnd);
    System.out.printf("%-42s %10s %10s %10s%n", "", "median ms", "mean ms", "min ms");
    for (String name : List.of(BRONZE_RUN, MERGE_RUN, REWRITE)) {
      printRow(name, timings.median(name), timings.mean(name), timings.min(name));
    }
    System.out.printf(
        "%-42s %9.2fx %9.2fx %9.2fx%n",
        "ratio SCD2 run / rewrite",
        timings.median(MERGE_RUN) / timings.median(REWRITE),
        timings.mean(MERGE_RUN) / timings.mean(REWRITE),
        timings.min(MERGE_RUN) / timings.min(REWRITE));
    long mergeCpu = batches.stream().mapToLong(batch -> jobs.cpuMillis(batch.runGroup())).sum();
    long rewriteCpu =
        batches.stream().mapToLong(batch -> jobs.cpuMillis(batch.rewriteGroup())).sum();
    System.out.printf(
        "%-42s %9.2fx   (%,d ms / %,d ms, all measured batches)%n",
        "ratio of Spark task CPU time", (double) mergeCpu / rewriteCpu, mergeCpu, rewriteCpu);
    System.out.printf("%nEach measured batch:%n");
    for (Batch batch : batches) {
      System.out.printf(
          "  %s: SCD2 run %.0f ms, task CPU %d ms (read %,d rows, produced %,d); rewrite %.0f"
              + " ms, task CPU %d ms%n",
          batch.day(),
          batch.mergeRunMillis(),
          jobs.cpuMillis(batch.runGroup()),
          batch.mergeRunRowsRead(),
          batch.mergeRunRowsProduced(),
          batch.rewriteMillis(),
          jobs.cpuMillis(batch.rewriteGroup()));
      System.out.printf(
          "    SCD2 run by part: wall ms (from the previous part's last Spark job to this part's"
              + " last), task CPU ms%n");
      jobs.parts(batch.runGroup(), batch.startedAt(), batch.endedAt())
          .forEach(
              (part, millis) ->
                  System.out.printf("      %-46s %8d %8d%n", part, millis[0], millis[1]));
      System.out.printf("    MERGE operation metrics:%n");
      for (String metric : MERGE_METRICS) {
        System.out.printf(
            "      %-46s %8s%n", metric, batch.merge().metrics().getOrDefault(metric, "-"));
      }
    }
    System.out.printf(
        "%nHistory table and rewritten table: %s%n",
        differences == 0 ? "the same versions" : differences + " rows differ");
  }

  private static void printRow(String name, double median, double mean, double min) {
    System.out.printf("%-42s %10.1f %10.1f %10.1f%n", name, median, mean, min);
  }

  /** A Delta table's size. */
  private record Table(long rows, long files, long bytes) {
    static Table of(SparkSession spark, String path) {
      Row detail = DeltaTable.forPath(spark, path).detail().first();
      return new Table(
          spark.read().format("delta").load(path).count(),
          detail.<Long>getAs("numFiles"),
          detail.<Long>getAs("sizeInBytes"));
    }

    @Override
    public String toString() {
      return String.format("%,d rows in %d files, %.1f MB", rows, files, bytes / 1e6);
    }
  }

  /** Which keys a change batch updates. */
  enum Distribution {
    UNIFORM(100, "any key"),
    RECENT(10, "among the newest tenth of the keys");

    private final int maxPercent;
    private final String description;

    Distribution(int maxPercent, String description) {
      this.maxPercent = maxPercent;
      this.description = description;
    }

    /** The keys a batch draws from: the newest {@code maxPercent} of {@code 1..rows}. */
    int[] candidates(int rows) {
      int count = (int) Math.max(1, (long) rows * maxPercent / 100);
      int[] keys = new int[count];
      for (int index = 0; index < count; index++) {
        keys[index] = rows - count + index + 1;
      }
      return keys;
    }
  }

  /** One measured change batch. */
  private record Batch(
      LocalDate day,
      String runGroup,
      String rewriteGroup,
      long startedAt,
      long endedAt,
      double mergeRunMillis,
      long mergeRunRowsRead,
      long mergeRunRowsProduced,
      DeltaCommit merge,
      double rewriteMillis) {}

  /**
   * The source database: one row per key, each update bumping its revision, written as Debezium
   * envelopes in JSON lines. Create events have LSN {@code id}; later events have larger LSNs.
   */
  private static final class Source {
    private final Path landing;
    private final int[] revisions;
    private final int[] candidates;
    private long lsn;

    Source(Path landing, int rows, Distribution changes) {
      this.landing = landing;
      this.revisions = new int[rows + 1];
      this.candidates = changes.candidates(rows);
    }

    /** Lands one create event per key for {@code day}, in a few files. */
    void landCreates(LocalDate day) {
      long start = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      int rows = revisions.length - 1;
      int perFile = (rows + CREATE_FILES - 1) / CREATE_FILES;
      for (int file = 0; file < CREATE_FILES; file++) {
        int from = file * perFile + 1;
        int to = Math.min(rows, (file + 1) * perFile);
        try (BufferedWriter writer = writer(day, String.format("creates-%02d.jsonl", file))) {
          for (int id = from; id <= to; id++) {
            lsn = id;
            writer.write(envelope(id, "c", null, image(id, 0), lsn, start + id));
            writer.newLine();
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    /**
     * Lands updates of {@code count} distinct candidate keys, chosen at random, for {@code day}.
     */
    void landUpdates(LocalDate day, int count) {
      long start = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      Random random = new Random(day.toEpochDay());
      try (BufferedWriter writer = writer(day, "updates.jsonl")) {
        for (int index = 0; index < count; index++) {
          int swap = index + random.nextInt(candidates.length - index);
          int id = candidates[swap];
          candidates[swap] = candidates[index];
          candidates[index] = id;
          String before = image(id, revisions[id]);
          revisions[id]++;
          lsn++;
          writer.write(envelope(id, "u", before, image(id, revisions[id]), lsn, start + index));
          writer.newLine();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private BufferedWriter writer(LocalDate day, String name) throws IOException {
      Path folder = landing.resolve(day.toString());
      Files.createDirectories(folder);
      return new BufferedWriter(
          Files.newBufferedWriter(folder.resolve(name), StandardCharsets.UTF_8), 1 << 20);
    }

    private static String image(long id, int revision) {
      return String.format(
          "{\"id\":%d,\"name\":\"customer-%d\",\"email\":\"customer-%d@example.com\","
              + "\"tier\":\"%s\",\"balance\":%d.%02d,\"revision\":%d}",
          id,
          id,
          id,
          TIERS.get((int) ((id + revision) % TIERS.size())),
          (id * 31 + revision * 7) % 100_000,
          revision % 100,
          revision);
    }

    private static String envelope(
        long id, String op, String before, String after, long lsn, long timestamp) {
      return String.format(
          "{\"before\":%s,\"after\":%s,\"op\":\"%s\",\"ts_ms\":%d,"
              + "\"source\":{\"lsn\":%d,\"ts_ms\":%d}}",
          before == null ? "null" : before,
          after == null ? "null" : after,
          op,
          timestamp + 5,
          lsn,
          timestamp);
    }
  }

  /** Setup, then one change batch per call: bronze, then the SCD2 run and the rewrite. */
  private record Round(
      SparkSession spark,
      PipelineRunner runner,
      Source source,
      String bronzePath,
      String historyPath,
      String rewritePath) {
    private static final BronzeCustomers BRONZE = new BronzeCustomers();
    private static final CustomerHistory HISTORY = new CustomerHistory();

    void setUp() {
      source.landCreates(FIRST_DAY);
      runPipeline(BRONZE, FIRST_DAY);
      runPipeline(HISTORY, FIRST_DAY);
      rewrite(REWRITE_GROUP_PREFIX + FIRST_DAY);
    }

    Batch run(LocalDate day, int changedKeys, boolean mergeFirst, Timings timings) {
      source.landUpdates(day, changedKeys);
      timings.time(BRONZE_RUN, () -> runPipeline(BRONZE, day));
      RunResult[] merged = new RunResult[1];
      long[] mergeStartAndEnd = new long[2];
      double[] mergeMillis = new double[1];
      double[] rewriteMillis = new double[1];
      Runnable merge =
          () -> {
            mergeStartAndEnd[0] = System.currentTimeMillis();
            long started = System.nanoTime();
            merged[0] = runPipeline(HISTORY, day);
            mergeMillis[0] = (System.nanoTime() - started) / 1e6;
            mergeStartAndEnd[1] = System.currentTimeMillis();
          };
      String rewriteGroup = REWRITE_GROUP_PREFIX + day;
      Runnable rewrite =
          () -> {
            long started = System.nanoTime();
            rewrite(rewriteGroup);
            rewriteMillis[0] = (System.nanoTime() - started) / 1e6;
          };
      if (mergeFirst) {
        timings.time(MERGE_RUN, merge);
        timings.time(REWRITE, rewrite);
      } else {
        timings.time(REWRITE, rewrite);
        timings.time(MERGE_RUN, merge);
      }
      DeltaCommit commit = DeltaTables.latestCommit(spark, historyPath).orElseThrow();
      if (!commit.operation().equals("MERGE")) {
        throw new IllegalStateException(
            "Expected a MERGE as the history table's latest commit, found " + commit.operation());
      }
      return new Batch(
          day,
          RUN_GROUP_PREFIX + merged[0].record().runId(),
          rewriteGroup,
          mergeStartAndEnd[0],
          mergeStartAndEnd[1],
          mergeMillis[0],
          merged[0].record().rowsRead(),
          merged[0].record().rowsProduced(),
          commit,
          rewriteMillis[0]);
    }

    private RunResult runPipeline(Pipeline pipeline, LocalDate day) {
      RunResult result = runner.run(pipeline, day, Map.of("command", "benchmark"));
      result
          .failure()
          .ifPresent(
              error -> {
                throw new IllegalStateException(
                    "The benchmark pipeline " + pipeline.spec().pipelineName() + " failed", error);
              });
      return result;
    }

    /** The rewrite, its Spark jobs in job group {@code group}. */
    private void rewrite(String group) {
      spark.sparkContext().setJobGroup(group, "rewrite of the history table", false);
      try {
        rewriteTable();
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    }

    /**
     * Every version of every key, resolved from all of bronze as {@link ChangeResolver} resolves
     * the changed keys, in the history table's columns, replacing the rewritten table.
     */
    private void rewriteTable() {
      StructType rowSchema = StructType.fromDDL(ROW_SCHEMA);
      Dataset<Row> parsed =
          spark
              .read()
              .format("delta")
              .load(bronzePath)
              .where(col("_corrupt_record").isNull().and(col("op").isNotNull()))
              .select(
                  from_json(col("after"), rowSchema, Map.of()).as("after_image"),
                  from_json(col("before"), rowSchema, Map.of()).as("before_image"),
                  when(col("op").equalTo("r"), lit("c"))
                      .otherwise(col("op"))
                      .as(ChangeResolver.OPERATION),
                  coalesce(col("source.lsn"), lit(0L)).as(ChangeResolver.LSN),
                  coalesce(col("source.ts_ms"), col("ts_ms")).as(ChangeResolver.TIMESTAMP));
      List<Column> rowColumns = new ArrayList<>();
      List<Column> events = new ArrayList<>();
      for (StructField field : rowSchema.fields()) {
        rowColumns.add(col(field.name()));
        events.add(
            when(col(ChangeResolver.OPERATION).equalTo("d"), col("before_image." + field.name()))
                .otherwise(col("after_image." + field.name()))
                .as(field.name()));
      }
      events.addAll(
          List.of(
              col(ChangeResolver.OPERATION),
              col(ChangeResolver.LSN),
              col(ChangeResolver.TIMESTAMP)));
      List<Column> columns = new ArrayList<>(rowColumns);
      columns.addAll(
          List.of(
              col("valid_from"),
              col("valid_to"),
              col("is_current"),
              col(ChangeResolver.OPERATION),
              col(ChangeResolver.LSN),
              col(ChangeResolver.TIMESTAMP),
              lit(UUID.randomUUID().toString()).as("_run_id"),
              current_timestamp().as("_updated_at")));
      Column next =
          lead(col(ChangeResolver.TIMESTAMP), 1)
              .over(
                  Window.partitionBy(col("id"))
                      .orderBy(
                          col(ChangeResolver.LSN),
                          col(ChangeResolver.TIMESTAMP),
                          col(ChangeResolver.OPERATION)));
      parsed
          .select(events.toArray(Column[]::new))
          .dropDuplicates(
              "id", ChangeResolver.OPERATION, ChangeResolver.LSN, ChangeResolver.TIMESTAMP)
          .withColumn("next_ts", next)
          .where(col(ChangeResolver.OPERATION).notEqual("d"))
          .withColumn("valid_from", timestamp_millis(col(ChangeResolver.TIMESTAMP)))
          .withColumn("valid_to", timestamp_millis(col("next_ts")))
          .withColumn("is_current", col("next_ts").isNull())
          .select(columns.toArray(Column[]::new))
          .write()
          .format("delta")
          .mode("overwrite")
          .save(rewritePath);
    }

    /** Rows in one table and not the other, on every column but the run's metadata. */
    long differences() {
      Dataset<Row> history = versions(historyPath);
      Dataset<Row> rewritten = versions(rewritePath);
      return history.exceptAll(rewritten).count() + rewritten.exceptAll(history).count();
    }

    private Dataset<Row> versions(String path) {
      return spark.read().format("delta").load(path).drop("_run_id", "_updated_at");
    }
  }

  /**
   * The Spark jobs of every job group (a run's group is {@code medalla-<run id>}) with their tasks'
   * CPU time, each job named by the part of the run that started it: the runner's step, or for
   * Delta's jobs during {@code MERGE} the {@code MERGE} phase.
   */
  private static final class JobListener extends SparkListener {
    private static final String GROUP_PROPERTY = "spark.jobGroup.id";
    private static final String DESCRIPTION_PROPERTY = "spark.job.description";
    private static final String MARKER_GROUP = "cdc-benchmark-marker";
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
      PARTS.put("materialize source", "MERGE: materialize source");
      PARTS.put("scanning files for matches", "MERGE: find touched files");
      PARTS.put("Writing modified data", "MERGE: write updated and inserted rows");
      PARTS.put("Writing Deletion Vectors", "MERGE: write deletion vectors");
      PARTS.put("] plan", "input and output versions, ledger (plan)");
      PARTS.put("] guard", "ledger start row (guard)");
      PARTS.put("] conform", "resolve changes, cache and count (conform)");
      PARTS.put("] publish", "commit, latest commit lookup (publish)");
      PARTS.put("] record", "quarantine, metrics, ledger end row (record)");
    }

    /** A job: its group, the part that started it, its times and its tasks' CPU time. */
    private record Job(String group, String part, long started, long ended, long cpuNanos) {}

    private final Map<Integer, Job> running = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> jobByStage = new ConcurrentHashMap<>();
    private final Map<Integer, Long> cpuNanosByJob = new ConcurrentHashMap<>();
    private final Map<String, List<Job>> finishedByGroup = new ConcurrentHashMap<>();
    private final CountDownLatch markerEnded = new CountDownLatch(1);

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      Properties properties = event.properties();
      String group = properties == null ? null : properties.getProperty(GROUP_PROPERTY);
      if (group == null) {
        return;
      }
      String description = properties.getProperty(DESCRIPTION_PROPERTY, "");
      String part =
          PARTS.entrySet().stream()
              .filter(entry -> description.contains(entry.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(description);
      running.put(event.jobId(), new Job(group, part, event.time(), 0, 0));
      for (Object stage : JavaConverters.seqAsJavaList(event.stageIds())) {
        jobByStage.put((Integer) stage, event.jobId());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      Integer job = jobByStage.get(event.stageId());
      if (job != null && event.taskMetrics() != null) {
        cpuNanosByJob.merge(job, event.taskMetrics().executorCpuTime(), Long::sum);
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      Job job = running.remove(event.jobId());
      if (job == null) {
        return;
      }
      if (job.group().equals(MARKER_GROUP)) {
        markerEnded.countDown();
        return;
      }
      long cpuNanos = cpuNanosByJob.getOrDefault(event.jobId(), 0L);
      cpuNanosByJob.remove(event.jobId());
      finishedByGroup
          .computeIfAbsent(job.group(), group -> new ArrayList<>())
          .add(new Job(job.group(), job.part(), job.started(), event.time(), cpuNanos));
    }

    /** The CPU time of the tasks of the jobs in {@code group}, in milliseconds. */
    long cpuMillis(String group) {
      return finishedByGroup.getOrDefault(group, List.of()).stream().mapToLong(Job::cpuNanos).sum()
          / 1_000_000;
    }

    /**
     * Wall and task CPU milliseconds of the jobs in {@code group} by part, in order. A part's wall
     * time runs from the previous part's last job end (the run's start for the first part) to its
     * own last job end, so the driver's work before a part's first job counts in that part; the
     * time after the last job comes last.
     */
    Map<String, long[]> parts(String group, long startedAt, long endedAt) {
      List<Job> jobs =
          finishedByGroup.getOrDefault(group, List.of()).stream()
              .sorted(Comparator.comparingLong(Job::started))
              .toList();
      Map<String, long[]> millis = new LinkedHashMap<>();
      String current = null;
      long from = startedAt;
      long lastEnded = startedAt;
      for (Job job : jobs) {
        if (current != null && !job.part().equals(current)) {
          millis.computeIfAbsent(current, part -> new long[2])[0] += lastEnded - from;
          from = lastEnded;
        }
        current = job.part();
        lastEnded = Math.max(lastEnded, job.ended());
        millis.computeIfAbsent(current, part -> new long[2])[1] += job.cpuNanos() / 1_000_000;
      }
      if (current != null) {
        millis.get(current)[0] += lastEnded - from;
      }
      millis.put("after the last Spark job", new long[] {endedAt - lastEnded, 0});
      return millis;
    }

    /**
     * Runs a marker job and waits for its end event: listeners get events in order, so every
     * earlier job has been recorded by then.
     */
    void awaitDelivery(SparkSession spark) {
      spark.sparkContext().setJobGroup(MARKER_GROUP, "benchmark listener marker", false);
      try {
        spark.range(1).count();
      } finally {
        spark.sparkContext().clearJobGroup();
      }
      try {
        if (!markerEnded.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("Spark did not deliver the marker job's end event");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Spark's listener bus", e);
      }
    }
  }

  /** The change events, landed as Debezium JSON lines. */
  private static final class BronzeCustomers extends BronzePipeline {
    static final PipelineSpec SPEC =
        PipelineSpec.builder("bronze_bench.customers")
            .owner("benchmarks@medalla.dev")
            .description("Debezium change events of the customers table.")
            .source(FileSource.debezium(FOLDER, "id BIGINT"))
            .build();

    @Override
    public PipelineSpec spec() {
      return SPEC;
    }
  }

  /** Every version of every customer (SCD2). */
  private static final class CustomerHistory extends ChangeDataPipeline {
    static final PipelineSpec SPEC =
        PipelineSpec.builder("silver_bench.customer_history")
            .owner("benchmarks@medalla.dev")
            .description("Every version of every customer.")
            .keys("id")
            .changes(ChangeFeed.debezium("bronze_bench.customers", ROW_SCHEMA).keepingHistory())
            .build();

    @Override
    public PipelineSpec spec() {
      return SPEC;
    }
  }
}
