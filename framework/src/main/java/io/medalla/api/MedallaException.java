package io.medalla.api;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type Medalla raises for conditions a user can act on. The message follows
 * "Cannot &lt;verb&gt; &lt;object&gt;: &lt;reason&gt;. &lt;what to do&gt;" and names the offending
 * value; the {@link ErrorCode} decides the CLI exit status.
 */
public class MedallaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** Creates an exception whose message is {@code String.format(format, args)}. */
  public MedallaException(ErrorCode code, String format, Object... args) {
    super(String.format(format, args));
    this.code = requireNonNull(code, "code is null");
  }

  /** Creates an exception with a cause; the message is {@code String.format(format, args)}. */
  public MedallaException(ErrorCode code, Throwable cause, String format, Object... args) {
    super(String.format(format, args), cause);
    this.code = requireNonNull(code, "code is null");
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }
}
