package io.medalla.internal.run;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;

/**
 * Who may write in an environment. In {@code local} the current user writes; in {@code dev} and
 * {@code prod} only {@code medalla.security.write-principal} does. A pipeline writes only its
 * declared output: the framework publishes nothing else on its behalf.
 */
public final class WritePolicy {
  private final MedallaSettings settings;

  public WritePolicy(MedallaSettings settings) {
    this.settings = settings;
  }

  /**
   * Checks that {@code principal} may publish the spec's output.
   *
   * @throws MedallaException with {@link ErrorCode#PERMISSION_DENIED} naming the principal required
   *     and the setting that requires it
   */
  public void checkWrite(PipelineSpec spec, String principal) {
    checkWrite(spec.output().toString(), principal);
  }

  /** Checks that {@code principal} may write {@code table} (a pipeline's or the framework's). */
  public void checkWrite(String table, String principal) {
    String environment = settings.environment();
    if (environment.equals("local")) {
      return;
    }
    String required = settings.get(ConfigKeys.WRITE_PRINCIPAL);
    if (!required.equals(principal)) {
      throw new MedallaException(
          ErrorCode.PERMISSION_DENIED,
          "Cannot write %s in %s: the run's principal is '%s', but %s writes only as '%s' (%s,"
              + " %s). Run the job as that principal",
          table,
          environment,
          principal,
          environment,
          required,
          ConfigKeys.WRITE_PRINCIPAL.path(),
          settings.origin(ConfigKeys.WRITE_PRINCIPAL).orElse("configuration"));
    }
  }
}
