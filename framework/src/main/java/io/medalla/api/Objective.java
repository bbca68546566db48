package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * A service level objective of a data product, declared in its spec with {@link
 * PipelineSpec.Builder#objective}: the share of events that must be good over a window (28 days
 * unless {@code slo --window} says otherwise). {@code medalla slo} evaluates it from the run
 * ledger: attainment, error budget left, burn rates and burn-rate alerts.
 *
 * @since 0.3.0
 */
public sealed interface Objective {
  /** The share of events that must be good, strictly between 0 and 1 (for example 0.95). */
  double target();

  /** A short name: {@code freshness}, {@code success} or {@code latency}. */
  String kind();

  /** What the objective promises, in words. */
  String describe();

  /**
   * Each day's data is published within {@code deadline} after the day ends (UTC): partition {@code
   * D} of a partitioned table, or the run for logical date {@code D} of another table, is written
   * by a successful run before {@code D + 1 00:00 UTC + deadline}. One event per day whose deadline
   * came after the pipeline's first run: good when published in time; a late day counts when it is
   * published, or now while it is still missing.
   *
   * @param deadline how long after the day ends its data may arrive, at least one minute
   * @param target the share of days that must be on time
   */
  record Freshness(Duration deadline, double target) implements Objective {
    public Freshness {
      requirePositive(deadline, "freshness deadline");
      requireTarget(target);
    }

    @Override
    public String kind() {
      return "freshness";
    }

    @Override
    public String describe() {
      return "each day published by D+1 " + clock(deadline) + " UTC";
    }
  }

  /**
   * Runs publish: one event per ended run; a succeeded or skipped run is good, a failed run or one
   * a quality gate blocked is bad.
   *
   * @param target the share of runs that must publish
   */
  record Success(double target) implements Objective {
    public Success {
      requireTarget(target);
    }

    @Override
    public String kind() {
      return "success";
    }

    @Override
    public String describe() {
      return "runs publish";
    }
  }

  /**
   * Successful runs end within {@code max} of their start: one event per succeeded run.
   *
   * @param max the longest a run may take
   * @param target the share of runs that must be that fast
   */
  record Latency(Duration max, double target) implements Objective {
    public Latency {
      requirePositive(max, "latency bound");
      requireTarget(target);
    }

    @Override
    public String kind() {
      return "latency";
    }

    @Override
    public String describe() {
      return "runs take at most " + max.toString().substring(2).toLowerCase(Locale.ROOT);
    }
  }

  /** Each day's data published within {@code deadline} after the day ends, on target of days. */
  static Objective freshness(Duration deadline, double target) {
    return new Freshness(deadline, target);
  }

  /** A share {@code target} of runs publish. */
  static Objective success(double target) {
    return new Success(target);
  }

  /** A share {@code target} of successful runs take at most {@code max}. */
  static Objective latency(Duration max, double target) {
    return new Latency(max, target);
  }

  private static void requireTarget(double target) {
    if (!(target > 0 && target < 1)) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Invalid objective target %s: give a share strictly between 0 and 1, such as 0.95",
          target);
    }
  }

  private static void requirePositive(Duration duration, String what) {
    requireNonNull(duration, what + " is null");
    if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE, "Invalid %s %s: give at least one minute", what, duration);
    }
  }

  private static String clock(Duration sinceMidnight) {
    return String.format(
        Locale.ROOT,
        "%s%02d:%02d",
        sinceMidnight.toDays() > 0 ? "+" + sinceMidnight.toDays() + "d " : "",
        sinceMidnight.toHoursPart(),
        sinceMidnight.toMinutesPart());
  }
}
