package io.medalla.internal.run;

import io.medalla.api.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Starts runs on threads of their own at the same moment, for tests of concurrent writers. */
public final class ConcurrentRuns {
  private ConcurrentRuns() {}

  /** Runs every {@code runs} at once and returns their results, in the order given. */
  @SafeVarargs
  public static List<RunResult> together(Callable<RunResult>... runs) throws Exception {
    CyclicBarrier start = new CyclicBarrier(runs.length);
    ExecutorService executor = Executors.newFixedThreadPool(runs.length);
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      for (Callable<RunResult> run : runs) {
        futures.add(
            executor.submit(
                () -> {
                  start.await();
                  return run.call();
                }));
      }
      List<RunResult> results = new ArrayList<>();
      for (Future<RunResult> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }
}
