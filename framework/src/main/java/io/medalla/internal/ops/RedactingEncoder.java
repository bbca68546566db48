package io.medalla.internal.ops;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import io.medalla.internal.config.Redaction;
import java.nio.charset.StandardCharsets;

/**
 * A Logback encoder that masks registered secrets in everything another encoder writes. In {@code
 * logback.xml} it takes a {@code <pattern>} and wraps a pattern encoder; {@link Logging} wraps the
 * text or JSON encoder it chooses.
 */
public final class RedactingEncoder extends EncoderBase<ILoggingEvent> {
  private Encoder<ILoggingEvent> delegate;
  private String pattern;

  /** For Logback's XML configuration; set {@link #setPattern(String)}. */
  public RedactingEncoder() {}

  RedactingEncoder(Encoder<ILoggingEvent> delegate) {
    this.delegate = delegate;
  }

  /** The layout of a pattern encoder to wrap, when configured from XML. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String text = new String(delegate.encode(event), StandardCharsets.UTF_8);
    return Redaction.redact(text).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  @Override
  public void start() {
    if (delegate == null) {
      PatternLayoutEncoder patternEncoder = new PatternLayoutEncoder();
      patternEncoder.setContext(getContext());
      patternEncoder.setPattern(pattern);
      delegate = patternEncoder;
    }
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }
}
