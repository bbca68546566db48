package io.medalla.internal.ops;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.RunListener;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the listeners named in {@code medalla.run.listeners}, in that order; a failing listener is
 * logged and never throws.
 */
public final class RunListeners {
  private static final Logger LOG = LoggerFactory.getLogger(RunListeners.class);

  /** What is told to a listener. */
  @FunctionalInterface
  private interface Call {
    void on(RunListener listener) throws Exception;
  }

  private final List<RunListener> listeners;

  private RunListeners(List<RunListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Creates the configured listeners.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} for an unknown name
   */
  public static RunListeners fromSettings(MedallaSettings settings) {
    List<String> names = settings.get(ConfigKeys.RUN_LISTENERS);
    List<RunListener> listeners = new ArrayList<>();
    if (names.isEmpty()) {
      return new RunListeners(listeners);
    }
    List<RunListener> available = new ArrayList<>();
    ServiceLoader.load(RunListener.class).forEach(available::add);
    for (String name : names) {
      listeners.add(
          available.stream()
              .filter(listener -> listener.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new MedallaException(
                          ErrorCode.INVALID_CONFIGURATION,
                          "Invalid value for %s: unknown run listener '%s'; registered listeners"
                              + " are %s. List the class in META-INF/services/%s",
                          ConfigKeys.RUN_LISTENERS.path(),
                          name,
                          available.stream().map(RunListener::name).toList(),
                          RunListener.class.getName())));
    }
    return new RunListeners(listeners);
  }

  /** Tells every listener that {@code run} started. */
  public void started(RunRecord run) {
    tell(run.runId(), "start", listener -> listener.onStart(run));
  }

  /** Tells every listener how a run ended. */
  public void ended(RunResult result) {
    tell(result.record().runId(), "end", listener -> listener.onEnd(result));
  }

  private void tell(String runId, String event, Call call) {
    for (RunListener listener : listeners) {
      try {
        call.on(listener);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn(
            "Run listener {} was interrupted on the {} of run {}", listener.name(), event, runId);
      } catch (Exception | LinkageError e) {
        LOG.warn(
            "Run listener {} failed on the {} of run {}: {}",
            listener.name(),
            event,
            runId,
            Redaction.redact(String.valueOf(e)));
      }
    }
  }
}
