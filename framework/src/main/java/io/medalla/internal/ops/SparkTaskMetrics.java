package io.medalla.internal.ops;

import io.medalla.api.StepMetrics;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Sums the task metrics of every Spark job by the run and step that submitted it. The runner names
 * them as the driver thread's local properties, which every job carries; one listener per
 * SparkContext, registered on first use.
 */
public final class SparkTaskMetrics extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTaskMetrics.class);
  private static final String RUN_PROPERTY = "medalla.run_id";
  private static final String STEP_PROPERTY = "medalla.step";
  private static final long DRAIN_TIMEOUT_MS = 10_000;
  private static final Map<SparkContext, SparkTaskMetrics> BY_CONTEXT =
      Collections.synchronizedMap(new WeakHashMap<>());

  private record Key(String runId, String step) {}

  /** A step's sums, updated by the listener thread and read by the driver once the run ends. */
  private static final class Totals {
    private long jobs;
    private long tasks;
    private long failedTasks;
    private long cpuNanos;
    private long bytesRead;
    private long recordsRead;
    private long bytesWritten;
    private long recordsWritten;
    private long shuffleReadBytes;
    private long shuffleWriteBytes;
    private long spilledBytes;

    synchronized void job() {
      jobs++;
    }

    synchronized void task(SparkListenerTaskEnd end) {
      tasks++;
      if (!(end.reason() instanceof Success$)) {
        failedTasks++;
      }
      TaskMetrics metrics = end.taskMetrics();
      if (metrics == null) {
        return;
      }
      cpuNanos += metrics.executorCpuTime();
      bytesRead += metrics.inputMetrics().bytesRead();
      recordsRead += metrics.inputMetrics().recordsRead();
      bytesWritten += metrics.outputMetrics().bytesWritten();
      recordsWritten += metrics.outputMetrics().recordsWritten();
      shuffleReadBytes += metrics.shuffleReadMetrics().totalBytesRead();
      shuffleWriteBytes += metrics.shuffleWriteMetrics().bytesWritten();
      spilledBytes += metrics.memoryBytesSpilled() + metrics.diskBytesSpilled();
    }

    synchronized StepMetrics metrics(String step, Duration wallTime) {
      return new StepMetrics(
          step,
          wallTime,
          jobs,
          tasks,
          failedTasks,
          Duration.ofNanos(cpuNanos),
          bytesRead,
          recordsRead,
          bytesWritten,
          recordsWritten,
          shuffleReadBytes,
          shuffleWriteBytes,
          spilledBytes);
    }
  }

  private final SparkContext context;
  private final Map<Integer, Key> stages = new ConcurrentHashMap<>();
  private final Map<Key, Totals> totals = new ConcurrentHashMap<>();

  private SparkTaskMetrics(SparkContext context) {
    this.context = context;
  }

  /** The collector of {@code context}'s jobs. */
  public static SparkTaskMetrics of(SparkContext context) {
    return BY_CONTEXT.computeIfAbsent(
        context,
        created -> {
          SparkTaskMetrics collector = new SparkTaskMetrics(created);
          created.addSparkListener(collector);
          return collector;
        });
  }

  /** Attributes the jobs this thread submits from now on to {@code step} of run {@code runId}. */
  public void enter(String runId, String step) {
    context.setLocalProperty(RUN_PROPERTY, runId);
    context.setLocalProperty(STEP_PROPERTY, step);
  }

  /**
   * Ends the collection for run {@code runId}: waits until Spark has told every listener of the
   * run's tasks, then gives each step's sums with the wall time the runner measured, in the order
   * of {@code wallTimes}. The thread's jobs are attributed to no run after this.
   */
  public Map<String, StepMetrics> finish(String runId, Map<String, Duration> wallTimes) {
    context.setLocalProperty(RUN_PROPERTY, null);
    context.setLocalProperty(STEP_PROPERTY, null);
    try {
      // The listener bus is asynchronous; Spark's own tests drain it the same way.
      context.listenerBus().waitUntilEmpty(DRAIN_TIMEOUT_MS);
    } catch (TimeoutException e) {
      LOG.warn("Run {}: Spark's listener events lag; its task metrics may be short", runId);
    }
    Map<String, StepMetrics> steps = new LinkedHashMap<>();
    wallTimes.forEach(
        (step, wallTime) ->
            steps.put(
                step,
                totals.getOrDefault(new Key(runId, step), new Totals()).metrics(step, wallTime)));
    totals.keySet().removeIf(key -> key.runId().equals(runId));
    stages.values().removeIf(key -> key.runId().equals(runId));
    return steps;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    if (start.properties() == null) {
      return;
    }
    String runId = start.properties().getProperty(RUN_PROPERTY);
    String step = start.properties().getProperty(STEP_PROPERTY);
    if (runId == null || step == null) {
      return;
    }
    Key key = new Key(runId, step);
    totals.computeIfAbsent(key, created -> new Totals()).job();
    for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
      stages.put(stage.stageId(), key);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    Key key = stages.get(end.stageId());
    if (key != null) {
      totals.computeIfAbsent(key, created -> new Totals()).task(end);
    }
  }
}
