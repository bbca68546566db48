package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.get_json_object;

import io.medalla.api.DateDependency;
import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.spark.HadoopFileSystems;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Re-processes a range of logical dates of some pipelines, in dependency order, batch by batch,
 * then optionally refreshes their downstream pipelines incrementally (exactly the partitions the
 * backfill changed, rolling windows included). Each run is recorded in the run ledger with the
 * backfill's id; a backfill that crashed or failed resumes where it stopped when started again with
 * the same arguments, unless forced to start over. Backfills are recorded in {@code
 * _ops/backfills}.
 */
public final class Backfill {
  /** The backfill record's name below {@code _ops}. */
  public static final String TABLE_NAME = "backfills";

  private static final StructType SCHEMA =
      StructType.fromDDL(
          "backfill_id STRING NOT NULL, backfill_key STRING NOT NULL, status STRING NOT NULL,"
              + " pipelines STRING NOT NULL, from_date DATE NOT NULL, to_date DATE NOT NULL,"
              + " recorded_at TIMESTAMP NOT NULL");

  private final PipelineRunner runner;
  private final SparkSession spark;
  private final String landing;

  public Backfill(PipelineRunner runner, String landing) {
    this.runner = runner;
    this.spark = runner.spark();
    this.landing = landing;
  }

  /**
   * One run of a backfill.
   *
   * @param pipeline the pipeline
   * @param request its dates, or an incremental request for a downstream refresh
   * @param done whether the resumed backfill already finished it
   */
  public record Step(Pipeline pipeline, RunRequest request, boolean done) {}

  /**
   * An input of a step.
   *
   * @param name the table's catalog name with {@code @version}, or the landing folder
   * @param estimatedBytes the bytes of the files the run would scan, if known
   */
  public record Input(String name, Optional<Long> estimatedBytes) {}

  /**
   * A planned backfill.
   *
   * @param id the backfill's id, recorded with each of its runs
   * @param key what makes two backfills the same: pipelines, range, batch size, downstream
   * @param resumed whether it continues an unfinished backfill with the same arguments
   * @param pipelines the backfilled pipelines' names, comma-separated
   * @param from the first date
   * @param to the last date
   * @param steps the runs, in order
   */
  public record Plan(
      String id,
      String key,
      boolean resumed,
      String pipelines,
      LocalDate from,
      LocalDate to,
      List<Step> steps) {
    /** The steps still to run. */
    public long pending() {
      return steps.stream().filter(step -> !step.done()).count();
    }
  }

  /**
   * Plans a backfill of {@code selected} (in dependency order) for {@code from} to {@code to} in
   * batches of {@code batchDays} dates (bronze always ingests one date per run), followed by an
   * incremental run of each pipeline in {@code downstream}.
   */
  public Plan plan(
      List<Pipeline> selected,
      List<Pipeline> downstream,
      LocalDate from,
      LocalDate to,
      int batchDays,
      boolean force) {
    if (from.isAfter(to) || batchDays < 1) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid backfill range %s to %s in batches of %d days: give --from on or before --to"
              + " and --batch-days of at least 1",
          from,
          to,
          batchDays);
    }
    String key = key(selected, downstream, from, to, batchDays);
    Optional<String> unfinished = force ? Optional.empty() : unfinished(key);
    String id =
        unfinished.orElseGet(() -> "backfill-" + UUID.randomUUID().toString().substring(0, 8));
    Set<String> done = unfinished.map(this::finishedRuns).orElse(Set.of());
    Map<String, String> parameters = Map.of("command", "backfill", "backfill_id", id);
    List<Step> steps = new ArrayList<>();
    for (Pipeline pipeline : selected) {
      int size = pipeline.spec().output().layer() == Layer.BRONZE ? 1 : batchDays;
      for (LocalDate start = from; !start.isAfter(to); start = start.plusDays(size)) {
        TreeSet<LocalDate> dates = new TreeSet<>();
        for (LocalDate date = start;
            !date.isAfter(to) && dates.size() < size;
            date = date.plusDays(1)) {
          dates.add(date);
        }
        steps.add(
            new Step(
                pipeline,
                RunRequest.of(dates, parameters),
                done.contains(stepKey(pipeline.name(), dates))));
      }
    }
    for (Pipeline pipeline : downstream) {
      steps.add(new Step(pipeline, RunRequest.asOf(RunMode.INCREMENTAL, to, parameters), false));
    }
    return new Plan(
        id,
        key,
        unfinished.isPresent(),
        String.join(",", selected.stream().map(Pipeline::name).toList()),
        from,
        to,
        List.copyOf(steps));
  }

  /**
   * Runs the plan's pending steps in order, reporting each result; stops at the first failure.
   *
   * @return the results of the steps run
   * @throws MedallaException with {@link ErrorCode#PERMISSION_DENIED}, before anything is written,
   *     when the write policy forbids writing the backfill record or one of the steps' outputs
   */
  public List<RunResult> execute(Plan plan, Consumer<RunResult> report) {
    runner.checkWrite(Warehouse.OPS_FOLDER + "/" + TABLE_NAME);
    for (Step step : plan.steps()) {
      if (!step.done()) {
        runner.checkWrite(step.pipeline().spec().output().toString());
      }
    }
    if (!plan.resumed()) {
      record(plan, "RUNNING");
    }
    List<RunResult> results = new ArrayList<>();
    for (Step step : plan.steps()) {
      if (step.done()) {
        continue;
      }
      RunResult result = runner.run(step.pipeline(), step.request());
      results.add(result);
      report.accept(result);
      if (result.exitStatus() != 0) {
        record(plan, "FAILED");
        return results;
      }
    }
    record(plan, "SUCCEEDED");
    return results;
  }

  /** The key identifying "the same backfill": pipelines, range, batch size and downstream. */
  private static String key(
      List<Pipeline> selected,
      List<Pipeline> downstream,
      LocalDate from,
      LocalDate to,
      int batchDays) {
    return String.join(",", selected.stream().map(Pipeline::name).toList())
        + " "
        + from
        + ".."
        + to
        + " by "
        + batchDays
        + (downstream.isEmpty() ? "" : " +downstream");
  }

  private static String stepKey(String pipeline, Set<LocalDate> dates) {
    return pipeline + " " + new TreeSet<>(dates);
  }

  private String path() {
    return runner.warehouse().opsPath(TABLE_NAME);
  }

  /** The id of the latest backfill with {@code key} if it did not succeed. */
  private Optional<String> unfinished(String key) {
    if (!DeltaTables.exists(spark, path())) {
      return Optional.empty();
    }
    List<Row> latest =
        spark
            .read()
            .format("delta")
            .load(path())
            .where(col("backfill_key").equalTo(key))
            .orderBy(col("recorded_at").desc())
            .limit(1)
            .collectAsList();
    return latest.isEmpty() || latest.get(0).<String>getAs("status").equals("SUCCEEDED")
        ? Optional.empty()
        : Optional.of(latest.get(0).getAs("backfill_id"));
  }

  /** The (pipeline, dates) of the backfill's successful runs. */
  private Set<String> finishedRuns(String id) {
    Dataset<Row> ledger = runner.ledger().read();
    if (!Arrays.asList(ledger.columns()).contains("dates")) {
      return Set.of();
    }
    Set<String> finished = new HashSet<>();
    for (Row run :
        ledger
            .where(
                get_json_object(col("parameters"), "$.backfill_id")
                    .equalTo(id)
                    .and(col("status").isin(RunStatus.SUCCEEDED.name(), RunStatus.SKIPPED.name())))
            .select("pipeline", "dates")
            .collectAsList()) {
      Set<LocalDate> dates = new TreeSet<>();
      run.<Date>getList(1).forEach(date -> dates.add(date.toLocalDate()));
      finished.add(stepKey(run.getString(0), dates));
    }
    return finished;
  }

  private void record(Plan plan, String status) {
    Row row =
        RowFactory.create(
            plan.id(),
            plan.key(),
            status,
            plan.pipelines(),
            Date.valueOf(plan.from()),
            Date.valueOf(plan.to()),
            Timestamp.from(Instant.now()));
    runner.opsTables().append(path(), List.of(row), SCHEMA, plan.id());
  }

  /**
   * What {@code step} would read, for a dry run: each input table with its current version, or the
   * landing folders, with the bytes of the files it would scan.
   */
  public List<Input> inputs(Step step) {
    PipelineSpec spec = step.pipeline().spec();
    SortedSet<LocalDate> dates = step.request().dates();
    List<Input> inputs = new ArrayList<>();
    if (spec.source().orElse(null) instanceof FileSource files) {
      for (LocalDate date : dates) {
        String folder = landing + "/" + files.folder() + "/" + date;
        inputs.add(new Input(folder, bytes(folder)));
      }
      return inputs;
    }
    Map<TableId, Long> versions = new LinkedHashMap<>();
    for (TableId input : spec.inputs()) {
      DeltaTables.latestCommit(spark, runner.warehouse().path(input))
          .ifPresent(commit -> versions.put(input, commit.version()));
    }
    for (Map.Entry<TableId, Long> input : versions.entrySet()) {
      Dataset<Row> table =
          spark
              .read()
              .format("delta")
              .option("versionAsOf", input.getValue())
              .load(runner.warehouse().path(input.getKey()));
      Optional<DateDependency> dependency = spec.dateDependency(input.getKey());
      if (dependency.isPresent()) {
        // Partition pruning and file statistics narrow the files to what the dates read.
        table =
            table.where(
                expr(dependency.get().dateExpression())
                    .between(
                        Date.valueOf(dates.first().minusDays(dependency.get().windowDays() - 1L)),
                        Date.valueOf(dates.last())));
      }
      long bytes = 0;
      for (String file : table.inputFiles()) {
        bytes += bytes(file).orElse(0L);
      }
      inputs.add(
          new Input(input.getKey().catalogName() + "@" + input.getValue(), Optional.of(bytes)));
    }
    return inputs;
  }

  private Optional<Long> bytes(String location) {
    try {
      Path path = new Path(location);
      FileSystem fileSystem = HadoopFileSystems.of(spark, path);
      return fileSystem.exists(path)
          ? Optional.of(fileSystem.getContentSummary(path).getLength())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot size " + location, e);
    }
  }
}
