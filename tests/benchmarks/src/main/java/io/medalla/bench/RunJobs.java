package io.medalla.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;

/**
 * Sums the wall time of each run's Spark jobs by lifecycle step and by call site. The runner puts
 * every job of a run in the job group {@code medalla-<run id>} and names the step in the job
 * description, which Delta's own jobs keep as a prefix; the call site is the name of the job's last
 * stage, such as {@code save at QualityStore.java:190}, or for Delta's own jobs their description
 * without the runner's part, numbers masked.
 */
final class RunJobs extends SparkListener {
  static final List<String> STEPS =
      List.of("plan", "guard", "read", "transform", "conform", "audit", "publish", "record");
  private static final String GROUP_PROPERTY = "spark.jobGroup.id";
  private static final String DESCRIPTION_PROPERTY = "spark.job.description";
  private static final String RUN_GROUP_PREFIX = "medalla-";
  private static final String MARKER_GROUP = "benchmark-listener-marker";
  private static final String DELTA_PREFIX = "Delta: ";
  private static final Pattern RUNNER_DESCRIPTION =
      Pattern.compile("\\S+ \\[\\d{4}-\\d{2}-\\d{2}\\] [a-z ]+:?");

  private final Map<Integer, String[]> runStepAndSiteByJob = new ConcurrentHashMap<>();
  private final Map<Integer, Long> startByJob = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> stepMillis = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> callSiteMillis = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Integer>> stepJobs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Integer>> callSiteJobs = new ConcurrentHashMap<>();
  private final CountDownLatch markerEnded = new CountDownLatch(1);

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    Properties properties = event.properties();
    String group = properties == null ? null : properties.getProperty(GROUP_PROPERTY);
    if (MARKER_GROUP.equals(group)) {
      runStepAndSiteByJob.put(event.jobId(), new String[] {MARKER_GROUP, "", ""});
      return;
    }
    if (group == null || !group.startsWith(RUN_GROUP_PREFIX)) {
      return;
    }
    String description = properties.getProperty(DESCRIPTION_PROPERTY, "");
    String step =
        STEPS.stream()
            .filter(name -> description.contains("] " + name))
            .findFirst()
            .orElse("unnamed");
    String callSite =
        description.contains(DELTA_PREFIX)
            ? DELTA_PREFIX
                + RUNNER_DESCRIPTION
                    .matcher(description.replace(DELTA_PREFIX, ""))
                    .replaceAll("")
                    .replaceAll("\\d+", "N")
                    .strip()
            : JavaConverters.seqAsJavaList(event.stageInfos()).stream()
                .max(Comparator.comparingInt(StageInfo::stageId))
                .map(StageInfo::name)
                .orElse("unknown");
    runStepAndSiteByJob.put(
        event.jobId(), new String[] {group.substring(RUN_GROUP_PREFIX.length()), step, callSite});
    startByJob.put(event.jobId(), event.time());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    String[] runStepAndSite = runStepAndSiteByJob.remove(event.jobId());
    if (runStepAndSite == null) {
      return;
    }
    if (runStepAndSite[0].equals(MARKER_GROUP)) {
      markerEnded.countDown();
      return;
    }
    long millis = event.time() - startByJob.remove(event.jobId());
    stepMillis
        .computeIfAbsent(runStepAndSite[0], run -> new ConcurrentHashMap<>())
        .merge(runStepAndSite[1], millis, Long::sum);
    callSiteMillis
        .computeIfAbsent(runStepAndSite[0], run -> new ConcurrentHashMap<>())
        .merge(runStepAndSite[2], millis, Long::sum);
    stepJobs
        .computeIfAbsent(runStepAndSite[0], run -> new ConcurrentHashMap<>())
        .merge(runStepAndSite[1], 1, Integer::sum);
    callSiteJobs
        .computeIfAbsent(runStepAndSite[0], run -> new ConcurrentHashMap<>())
        .merge(runStepAndSite[2], 1, Integer::sum);
  }

  /** Job wall time by run id and step; jobs that overlapped count in full each. */
  Map<String, Map<String, Long>> stepMillis() {
    return stepMillis;
  }

  /** Job wall time by run id and call site; jobs that overlapped count in full each. */
  Map<String, Map<String, Long>> callSiteMillis() {
    return callSiteMillis;
  }

  /** Spark jobs by run id and step. */
  Map<String, Map<String, Integer>> stepJobs() {
    return stepJobs;
  }

  /** Spark jobs by run id and call site. */
  Map<String, Map<String, Integer>> callSiteJobs() {
    return callSiteJobs;
  }

  /**
   * Runs a marker job and waits for its end event: listeners get events in order, so every earlier
   * job has been counted by then.
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
