package io.medalla.internal.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.exceptions.ConcurrentAppendException;
import io.delta.exceptions.ProtocolChangedException;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommitRetry {
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path directory;

  /** A clock that only moves when the policy waits or a commit takes time. */
  private static final class FakeTimer implements CommitRetry.Timer {
    private long nanos;
    private final List<Duration> waits = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(Duration wait) {
      waits.add(wait);
      advance(wait);
    }

    void advance(Duration duration) {
      nanos += duration.toNanos();
    }
  }

  /** A commit that loses the race a given number of times, each attempt taking some time. */
  private static final class Commit implements Runnable {
    private final FakeTimer timer;
    private final int losses;
    private final Duration attemptTime;
    private int attempts;

    Commit(FakeTimer timer, int losses, Duration attemptTime) {
      this.timer = timer;
      this.losses = losses;
      this.attemptTime = attemptTime;
    }

    @Override
    public void run() {
      attempts++;
      timer.advance(attemptTime);
      if (attempts <= losses) {
        throw new ConcurrentAppendException("Files were added by a concurrent update");
      }
    }
  }

  private static CommitRetry policy(
      int maxRetries, long initialMillis, long maxMillis, Duration total, FakeTimer timer) {
    return new CommitRetry(
        maxRetries, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis), total, timer);
  }

  @Test
  void backoffDoublesUpToTheMaximumWait() {
    FakeTimer timer = new FakeTimer();
    Commit commit = new Commit(timer, 4, Duration.ZERO);

    policy(5, 100, 300, HOUR, timer).run("silver_shop.orders", commit);

    assertThat(commit.attempts).isEqualTo(5);
    assertThat(timer.waits).extracting(Duration::toMillis).containsExactly(100L, 200L, 300L, 300L);
  }

  @Test
  void givesUpAfterTheMaximumRetries() {
    FakeTimer timer = new FakeTimer();
    Commit commit = new Commit(timer, Integer.MAX_VALUE, Duration.ZERO);

    assertThatThrownBy(() -> policy(2, 100, 10_000, HOUR, timer).run("silver_shop.orders", commit))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RUN_FAILED))
        .hasMessageContaining("Cannot commit to silver_shop.orders")
        .hasMessageContaining("3 concurrent commits won the race (ConcurrentAppendException)")
        .hasMessageContaining("medalla.commit.max-retries allows 2 retries")
        .hasMessageEndingWith("Retry the run")
        .hasCauseInstanceOf(ConcurrentAppendException.class);
    assertThat(commit.attempts).isEqualTo(3);
    assertThat(timer.waits).extracting(Duration::toMillis).containsExactly(100L, 200L);
  }

  @Test
  void givesUpWhenTheNextRetryWouldEndPastTheTotalTime() {
    FakeTimer timer = new FakeTimer();
    Commit commit = new Commit(timer, Integer.MAX_VALUE, Duration.ofSeconds(40));

    assertThatThrownBy(
            () ->
                policy(10, 1_000, 10_000, Duration.ofMinutes(1), timer)
                    .run("silver_shop.orders", commit))
        .isInstanceOf(MedallaException.class)
        .hasMessageContaining("2 concurrent commits won the race")
        .hasMessageContaining("within 81000 ms");
    assertThat(commit.attempts).isEqualTo(2);
    assertThat(timer.waits).extracting(Duration::toMillis).containsExactly(1_000L);
  }

  @Test
  void retriesOnlyConcurrentModifications() {
    FakeTimer timer = new FakeTimer();
    int[] attempts = {0};
    CommitRetry retry = policy(5, 100, 1_000, HOUR, timer);

    assertThatThrownBy(
            () ->
                retry.run(
                    "_ops/run_ledger",
                    () -> {
                      attempts[0]++;
                      throw new IllegalStateException("disk full");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disk full");
    assertThat(attempts[0]).isEqualTo(1);
    assertThat(timer.waits).isEmpty();
  }

  @Test
  void retriesALostCreationAndOtherDeltaConflicts() {
    FakeTimer timer = new FakeTimer();
    List<RuntimeException> failures =
        new ArrayList<>(
            List.of(
                new CommitRetry.ConcurrentCreation(new IllegalStateException("exists")),
                new ProtocolChangedException("protocol changed")));

    String committed =
        policy(5, 100, 1_000, HOUR, timer)
            .call(
                "gold_shop.revenue",
                () -> {
                  if (!failures.isEmpty()) {
                    throw failures.remove(0);
                  }
                  return "version 1";
                });

    assertThat(committed).isEqualTo("version 1");
    assertThat(timer.waits).extracting(Duration::toMillis).containsExactly(100L, 200L);
  }

  @Test
  void readsItsLimitsFromTheConfiguration() {
    CommitRetry retry =
        CommitRetry.fromSettings(
            ConfigFixture.settings(directory, Map.of("medalla.commit.max-retries", "0")));
    int[] attempts = {0};

    assertThatThrownBy(
            () ->
                retry.run(
                    "bronze_shop.orders",
                    () -> {
                      attempts[0]++;
                      throw new ConcurrentAppendException("concurrent append");
                    }))
        .hasMessageContaining("1 concurrent commits won the race")
        .hasMessageContaining("allows 0 retries within PT5M");
    assertThat(attempts[0]).isEqualTo(1);
  }
}
