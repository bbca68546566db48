package io.medalla.cli;

import io.medalla.internal.cli.CliEnvironment;
import io.medalla.internal.cli.MedallaCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * The rows of {@code table} (a catalog name such as {@code silver_product.events}) as a role sees
   * them, for notebooks and embedding code: each classified column in clear, masked, hashed,
   * tokenized or null as the role's policy says. {@code options} are the command line's global
   * options, such as {@code --warehouse DIR}, {@code --env prod} and {@code --role analyst}. A
   * clear read of confidential or pii columns and a refusal are audited.
   *
   * @throws io.medalla.api.MedallaException with {@code PERMISSION_DENIED} naming the table, the
   *     column's classification and the role when the role may not read it, {@code NOT_FOUND} for a
   *     table the warehouse does not hold
   * @since 0.3.0
   */
  public static Dataset<Row> read(SparkSession spark, String table, String... options) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    return MedallaCommand.read(
        table,
        options,
        new CliEnvironment(System.getenv(), Path.of(""), out, err, Optional.of(spark)));
  }

  private static int execute(String[] args, Optional<SparkSession> spark) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    return MedallaCommand.execute(
        args, new CliEnvironment(System.getenv(), Path.of(""), out, err, spark));
  }
}
