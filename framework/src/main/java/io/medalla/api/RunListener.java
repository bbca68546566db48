package io.medalla.api;

/**
 * Observes runs: lineage, metrics or audit emitters implement it. A module adds one by listing the
 * class (public no-argument constructor) in {@code META-INF/services/io.medalla.api.RunListener}
 * and naming it in {@code medalla.run.listeners}. The runner calls the listeners in the order
 * configured, on the run's thread; a listener that throws is logged and never changes the run's
 * outcome, so keep the calls short and hand slow deliveries to a thread of your own.
 *
 * @since 0.2.0
 */
public interface RunListener {
  /** The name used in {@code medalla.run.listeners}. */
  String name();

  /**
   * Called once a run is planned and allowed to write, before it reads: {@code run} is its ledger
   * row with status {@link RunStatus#RUNNING}, its mode, dates and pinned input versions.
   */
  default void onStart(RunRecord run) throws Exception {}

  /**
   * Called when a run ended, with what it ended with; for every run, also one refused or failed
   * before it started.
   */
  default void onEnd(RunResult result) throws Exception {}
}
