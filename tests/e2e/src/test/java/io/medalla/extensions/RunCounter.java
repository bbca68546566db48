package io.medalla.extensions;

import io.medalla.api.RunListener;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts runs by pipeline and status as they start and end: the shape of a metrics emitter. */
public final class RunCounter implements RunListener {
  private static final Map<String, Long> COUNTS = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "counter";
  }

  @Override
  public void onStart(RunRecord run) {
    COUNTS.merge(run.pipeline() + " " + run.status(), 1L, Long::sum);
  }

  @Override
  public void onEnd(RunResult result) {
    RunRecord run = result.record();
    COUNTS.merge(run.pipeline() + " " + run.status(), 1L, Long::sum);
  }

  /** How many runs of {@code pipeline} were seen with {@code status}, e.g. {@code RUNNING}. */
  public static long count(String pipeline, String status) {
    return COUNTS.getOrDefault(pipeline + " " + status, 0L);
  }
}
