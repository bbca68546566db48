package io.medalla.internal.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What the CLI takes from its process: environment variables, working directory, output streams
 * and, in tests, an existing Spark session to reuse.
 *
 * @param variables the environment variables
 * @param workingDirectory where relative paths (conf/, the warehouse) resolve
 * @param out command results (tables, JSON)
 * @param err error messages
 * @param spark a session to use instead of creating one
 */
public record CliEnvironment(
    Map<String, String> variables,
    Path workingDirectory,
    PrintWriter out,
    PrintWriter err,
    Optional<SparkSession> spark) {
  public CliEnvironment {
    variables = Map.copyOf(variables);
    requireNonNull(workingDirectory, "workingDirectory is null");
    requireNonNull(out, "out is null");
    requireNonNull(err, "err is null");
    requireNonNull(spark, "spark is null");
  }
}
