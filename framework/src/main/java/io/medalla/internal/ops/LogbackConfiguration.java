package io.medalla.internal.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;

/** The Logback half of {@link Logging}; loaded only when Logback is the SLF4J binding. */
final class LogbackConfiguration {
  private static final List<String> QUIET_LOGGERS =
      List.of(
          "org.apache.spark",
          "org.apache.hadoop",
          "org.apache.parquet",
          "org.sparkproject",
          "io.delta",
          "org.apache.spark.sql.delta",
          "com.amazon.deequ",
          "io.netty");

  private LogbackConfiguration() {}

  static void apply(Object loggerFactory, String format, String level) {
    LoggerContext context = (LoggerContext) loggerFactory;
    context.reset();
    boolean json = "json".equals(format);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console(context, "console", json ? null : Logging.TEXT_PATTERN));
    context.getLogger("io.medalla").setLevel(Level.toLevel(level, Level.INFO));
    // Every run's metrics line, whatever the level; bare JSON in the text format.
    Logger metrics = context.getLogger(Logging.METRICS_LOGGER);
    metrics.setLevel(Level.INFO);
    if (!json) {
      metrics.setAdditive(false);
      metrics.addAppender(console(context, "metrics", "%msg%n"));
    }
    for (String name : QUIET_LOGGERS) {
      context.getLogger(name).setLevel(Level.WARN);
    }
    // Spark and Hadoop print known, harmless warnings on every local start.
    context.getLogger("org.apache.hadoop.util.NativeCodeLoader").setLevel(Level.ERROR);
    context.getLogger("org.apache.spark.util.Utils").setLevel(Level.ERROR);
  }

  /** A standard-error appender with the pattern given, or JSON lines when it is null. */
  private static ConsoleAppender<ILoggingEvent> console(
      LoggerContext context, String name, String pattern) {
    Encoder<ILoggingEvent> inner;
    if (pattern == null) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      inner = json;
    } else {
      PatternLayoutEncoder layout = new PatternLayoutEncoder();
      layout.setContext(context);
      layout.setPattern(pattern);
      inner = layout;
    }
    RedactingEncoder encoder = new RedactingEncoder(inner);
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(name);
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    return console;
  }
}
