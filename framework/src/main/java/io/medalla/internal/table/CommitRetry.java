package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry policy of Delta commits, for pipeline outputs and the framework's own tables alike.
 * Only a commit that lost a concurrent-modification race is retried ({@link
 * DeltaConcurrentModificationException}, or a {@link ConcurrentCreation} of the table): after
 * {@code initialBackoff}, doubling up to {@code maxBackoff}, at most {@code maxRetries} times, and
 * never past {@code totalTimeout} after the first attempt started ({@code medalla.commit.*}). Any
 * other failure is thrown as is.
 */
public final class CommitRetry {
  private static final Logger LOG = LoggerFactory.getLogger(CommitRetry.class);

  /** Time as the policy sees it: injectable, so tests neither sleep nor depend on the clock. */
  public interface Timer {
    /** The system's monotonic clock and {@link Thread#sleep}. */
    Timer SYSTEM =
        new Timer() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(Duration wait) throws InterruptedException {
            Thread.sleep(wait.toMillis());
          }
        };

    /** A monotonic time in nanoseconds. */
    long nanoTime();

    /** Waits for {@code wait}. */
    void sleep(Duration wait) throws InterruptedException;
  }

  /** Another writer created the table between this writer's existence check and its create. */
  public static final class ConcurrentCreation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConcurrentCreation(Throwable cause) {
      super("the table was created by a concurrent writer", cause);
    }
  }

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration totalTimeout;
  private final Timer timer;

  public CommitRetry(
      int maxRetries,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration totalTimeout,
      Timer timer) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("Invalid maxRetries " + maxRetries + ": must be >= 0");
    }
    this.maxRetries = maxRetries;
    this.initialBackoff = requireNonNull(initialBackoff, "initialBackoff is null");
    this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
    this.totalTimeout = requireNonNull(totalTimeout, "totalTimeout is null");
    this.timer = requireNonNull(timer, "timer is null");
  }

  /** The policy configured under {@code medalla.commit}. */
  public static CommitRetry fromSettings(MedallaSettings settings) {
    return new CommitRetry(
        settings.get(ConfigKeys.COMMIT_MAX_RETRIES),
        settings.get(ConfigKeys.COMMIT_INITIAL_BACKOFF),
        settings.get(ConfigKeys.COMMIT_MAX_BACKOFF),
        settings.get(ConfigKeys.COMMIT_TOTAL_TIMEOUT),
        Timer.SYSTEM);
  }

  /**
   * Runs {@code commit}, again after a backoff each time it loses a concurrent-modification race.
   *
   * @param target what is committed to, for messages: a table name or path
   * @throws MedallaException with {@link ErrorCode#RUN_FAILED} when the retries or the total time
   *     are used up
   */
  public void run(String target, Runnable commit) {
    call(
        target,
        () -> {
          commit.run();
          return null;
        });
  }

  /** {@link #run} for a commit that returns a value. */
  public <T> T call(String target, Supplier<T> commit) {
    long started = timer.nanoTime();
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return commit.get();
      } catch (DeltaConcurrentModificationException | ConcurrentCreation e) {
        Duration elapsed = Duration.ofNanos(timer.nanoTime() - started);
        Duration wait = min(backoff, maxBackoff);
        if (attempt > maxRetries || elapsed.plus(wait).compareTo(totalTimeout) > 0) {
          throw new MedallaException(
              ErrorCode.RUN_FAILED,
              e,
              "Cannot commit to %s: %d concurrent commits won the race (%s) within %d ms (%s"
                  + " allows %d retries within %s). Retry the run",
              target,
              attempt,
              e.getClass().getSimpleName(),
              elapsed.toMillis(),
              ConfigKeys.COMMIT_MAX_RETRIES.path(),
              maxRetries,
              totalTimeout);
        }
        LOG.warn(
            "Commit to {} lost a concurrent-modification race ({}); retry {} of {} in {} ms",
            target,
            e.getClass().getSimpleName(),
            attempt,
            maxRetries,
            wait.toMillis());
        sleep(target, wait);
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  private void sleep(String target, Duration wait) {
    try {
      timer.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MedallaException(
          ErrorCode.RUN_FAILED,
          e,
          "Cannot commit to %s: interrupted while waiting to retry",
          target);
    }
  }

  private static Duration min(Duration first, Duration second) {
    return first.compareTo(second) <= 0 ? first : second;
  }
}
