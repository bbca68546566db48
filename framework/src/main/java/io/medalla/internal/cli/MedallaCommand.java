package io.medalla.internal.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.TableId;
import io.medalla.internal.config.Redaction;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root of the {@code medalla} command line ({@link io.medalla.cli.MedallaCli} is its launcher).
 * Exit status: 0 success, 1 a run failed (retryable), 2 usage or configuration error (a refused
 * read too), 3 a quality gate blocked or {@code audit verify} found the chain broken, 4 {@code slo}
 * found an objective breached.
 */
@Command(
    name = "medalla",
    mixinStandardHelpOptions = true,
    version = "medalla 0.1.0",
    description = "Medallion lakehouse pipelines on Spark and Delta Lake.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      BackfillCommand.class,
      ListCommand.class,
      DescribeCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      SloCommand.class,
      IncidentsCommand.class,
      ReportCommand.class,
      QualityCommand.class,
      RunbooksCommand.class,
      MaintainCommand.class,
      ExportCommand.class,
      AuditCommand.class,
      EraseCommand.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:success",
      "1:a run failed; retrying may succeed",
      "2:usage or configuration error",
      "3:a quality gate blocked publishing; audit verify found the chain broken",
      "4:a service level objective is breached (slo)"
    })
public final class MedallaCommand implements Runnable {
  /** The exit status of {@code slo} when an objective's attainment is below its target. */
  static final int OBJECTIVE_BREACHED = 4;

  @Spec CommandSpec spec;

  @Mixin GlobalOptions options;

  private final CliEnvironment environment;
  private CliContext context;

  private MedallaCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  /** Runs the command line and returns its exit status, without exiting the JVM. */
  public static int execute(String[] args, CliEnvironment environment) {
    MedallaCommand root = new MedallaCommand(environment);
    CommandLine commandLine = new CommandLine(root);
    commandLine.setOut(environment.out());
    commandLine.setErr(environment.err());
    commandLine.registerConverter(LocalDate.class, MedallaCommand::parseDate);
    commandLine.registerConverter(Duration.class, MedallaCommand::parseDuration);
    commandLine.registerConverter(Instant.class, MedallaCommand::parseInstant);
    commandLine.setExecutionExceptionHandler(
        (error, failedCommand, parseResult) -> {
          PrintWriter err = failedCommand.getErr();
          if (error instanceof MedallaException medalla) {
            err.println("error: " + Redaction.redact(medalla.getMessage()));
            return medalla.code().exitStatus();
          }
          err.println("error: " + Redaction.redact(String.valueOf(error)));
          return 1;
        });
    return commandLine.execute(args);
  }

  /**
   * The rows of {@code table} as the role the global {@code options} configure sees them, audited
   * like {@code export}.
   */
  public static Dataset<Row> read(String table, String[] options, CliEnvironment environment) {
    MedallaCommand root = new MedallaCommand(environment);
    try {
      new CommandLine(root).parseArgs(options);
    } catch (CommandLine.ParameterException e) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT, "Invalid read options: %s", e.getMessage());
    }
    return ExportCommand.read(root.context(), TableId.parse(table), Optional.empty(), "read");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The invocation's shared state, created on first use. */
  CliContext context() {
    if (context == null) {
      context = new CliContext(environment, options);
    }
    return context;
  }

  /** A span such as {@code 28d}, {@code 6h}, {@code 30m} or {@code 90s}. */
  static Duration parseDuration(String text) {
    return span(text, false)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "Invalid span '"
                        + text
                        + "': write a positive number and a unit d, h, m or s, e.g. 28d"));
  }

  /** The span {@code text} writes, a number and a unit d, h, m or s; empty when it writes none. */
  static Optional<Duration> span(String text, boolean zeroAllowed) {
    Matcher span = Pattern.compile("(\\d{1,6})([dhms])").matcher(text);
    if (!span.matches() || !zeroAllowed && Long.parseLong(span.group(1)) == 0) {
      return Optional.empty();
    }
    long amount = Long.parseLong(span.group(1));
    return Optional.of(
        switch (span.group(2)) {
          case "d" -> Duration.ofDays(amount);
          case "h" -> Duration.ofHours(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        });
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "Invalid instant '" + text + "': write UTC ISO-8601, for example 2026-11-01T06:00:00Z");
    }
  }

  private static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "Invalid date '" + text + "': write YYYY-MM-DD, for example 2026-11-01");
    }
  }
}
