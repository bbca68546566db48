package io.medalla.extensions;

import io.medalla.api.RunListener;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;

/** A listener that throws on every call, to show it never changes a run's outcome. */
public final class FailingRunListener implements RunListener {
  @Override
  public String name() {
    return "failing";
  }

  @Override
  public void onStart(RunRecord run) throws Exception {
    throw new java.io.IOException("the lineage backend is down");
  }

  @Override
  public void onEnd(RunResult result) {
    throw new IllegalStateException("the metrics backend is down");
  }
}
