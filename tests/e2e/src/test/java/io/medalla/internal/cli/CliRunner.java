package io.medalla.internal.cli;

import io.medalla.testkit.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Runs the CLI in this JVM on the shared Spark session and keeps what it printed. */
public final class CliRunner {
  private final Path workingDirectory;
  private final Map<String, String> variables;

  public CliRunner(Path workingDirectory, Map<String, String> variables) {
    this.workingDirectory = workingDirectory;
    this.variables = Map.copyOf(variables);
  }

  /** The outcome of one invocation. */
  public record Outcome(int status, String out, String err) {}

  public Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        MedallaCommand.execute(
            args,
            new CliEnvironment(
                variables,
                workingDirectory,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                Optional.of(SharedSpark.session())));
    return new Outcome(status, out.toString(), err.toString());
  }
}
