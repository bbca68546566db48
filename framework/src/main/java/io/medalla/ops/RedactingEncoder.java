package io.medalla.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/** Wraps a Logback encoder and masks registered secrets in everything it writes. */
final class RedactingEncoder extends EncoderBase<ILoggingEvent> {
  private final Encoder<ILoggingEvent> delegate;

  RedactingEncoder(Encoder<ILoggingEvent> delegate) {
    this.delegate = delegate;
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
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }
}
