package io.medalla.internal.ops;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures logging for a Medalla process. With Logback as the SLF4J binding (the launcher's class
 * path): one console appender on standard error (standard output is kept for command results),
 * readable text or JSON lines, secrets masked, and the run context ({@code run_id}, {@code
 * pipeline}, {@code env}) on every line from the MDC. Under another binding, such as the log4j2 one
 * a Spark distribution ships, the runtime's configuration is left alone.
 */
public final class Logging {
  /** The logger of the one metrics line every run ends with. */
  public static final String METRICS_LOGGER = "io.medalla.metrics";

  /** The text layout; the MDC fields are empty outside a run. */
  public static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX, UTC} %-5level [%X{env}] [%X{pipeline}] [%X{run_id}]"
          + " %logger{24} - %msg%n";

  private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

  private Logging() {}

  /**
   * Replaces the Logback configuration, if Logback is the binding.
   *
   * @param format {@code text} or {@code json}
   * @param level the level of Medalla's own loggers
   */
  public static void configure(String format, String level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!factory.getClass().getName().equals(LOGBACK_CONTEXT)) {
      LoggerFactory.getLogger(Logging.class)
          .info(
              "Logs go through {}; medalla.log.format and medalla.log.level apply with Logback"
                  + " only",
              factory.getClass().getName());
      return;
    }
    LogbackConfiguration.apply(factory, format, level);
  }
}
