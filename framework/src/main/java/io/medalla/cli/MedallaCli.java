package io.medalla.cli;

import io.medalla.internal.cli.CliEnvironment;
import io.medalla.internal.cli.MedallaCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code medalla} command line: the main class of {@code bin/medalla} and of {@code
 * spark-submit}. Exit status: 0 success, 1 a run failed (retryable), 2 usage or configuration
 * error, 3 a quality gate blocked publishing.
 *
 * @since 0.1.0
 */
public final class MedallaCli {
  private MedallaCli() {}

  /** Runs the command line in this process and exits the JVM with its status. */
  public static void main(String[] args) {
    System.exit(execute(args, Optional.empty()));
  }

  /**
   * Runs the command line in this JVM on an existing session (a notebook, an embedding scheduler)
   * and returns its exit status instead of exiting. Results go to standard output, errors to
   * standard error; environment variables and relative paths are the process's.
   *
   * @since 0.2.0
   */
  public static int execute(SparkSession spark, String... args) {
    return execute(args, Optional.of(spark));
  }

  private static int execute(String[] args, Optional<SparkSession> spark) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    return MedallaCommand.execute(
        args, new CliEnvironment(System.getenv(), Path.of(""), out, err, spark));
  }
}
