package io.medalla.cluster;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Java child process whose standard output and error go to one log file. Waits poll with a
 * deadline and return early when the process exits; {@link #close()} ends the process and every
 * process it started.
 */
final class ChildJvm implements AutoCloseable {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java <jvmOptions> -cp <classpath> <mainClass> <arguments>} with the JDK running
   * this test.
   *
   * @param environment variables to set; a {@code null} value removes the variable
   */
  static ChildJvm start(
      String name,
      List<String> jvmOptions,
      String classpath,
      String mainClass,
      List<String> arguments,
      Path workingDirectory,
      Map<String, String> environment,
      Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    environment.forEach(
        (key, value) -> {
          if (value == null) {
            builder.environment().remove(key);
          } else {
            builder.environment().put(key, value);
          }
        });
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, String.join(" ", command) + System.lineSeparator());
      return new ChildJvm(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
    }
  }

  /**
   * Waits until the log contains {@code text}.
   *
   * @throws IllegalStateException if the process exits or {@code timeout} passes first
   */
  void awaitLog(String text, Duration timeout) {
    requireNonNull(text, "text is null");
    Instant deadline = Instant.now().plus(timeout);
    while (!logText().contains(text)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            String.format(
                "Cannot find '%s' in the log of %s: it exited with status %d.%n%s",
                text, name, process.exitValue(), tail(40)));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            String.format(
                "Cannot find '%s' in the log of %s within %s.%n%s", text, name, timeout, tail(40)));
      }
      waitForExit(POLL_INTERVAL);
    }
  }

  /**
   * Waits for the process to exit, for as long as it makes progress: its log, or what {@code
   * progress} measures (the logs of the executors it drives), grew within the last {@code stall}. A
   * slow machine only makes the wait longer.
   *
   * @param stepMarker marks the log lines that start a step; the last one names the stalled step
   * @throws IllegalStateException if it made no progress for {@code stall}, naming its step; the
   *     process is then ended
   */
  int awaitExit(Duration stall, LongSupplier progress, String stepMarker) {
    long measured = -1;
    Instant progressed = Instant.now();
    while (!waitForExit(PROGRESS_INTERVAL)) {
      long now = logText().length() + progress.getAsLong();
      if (now != measured) {
        measured = now;
        progressed = Instant.now();
      } else if (Duration.between(progressed, Instant.now()).compareTo(stall) > 0) {
        String step =
            logText()
                .lines()
                .filter(line -> line.contains(stepMarker))
                .reduce((a, b) -> b)
                .orElse("(before its first step)");
        close();
        throw new IllegalStateException(
            String.format(
                "%s made no progress for %s (neither its log nor its executors' logs grew) in its"
                    + " step: %s%nEnded it.%n%s",
                name, stall, step, tail(60)));
      }
    }
    return process.exitValue();
  }

  /** The last {@code lines} lines of the log, headed by the process name and log path. */
  String tail(int lines) {
    List<String> all = logText().lines().toList();
    List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
    return String.format(
        "----- last %d lines of %s (%s) -----%n%s%n",
        last.size(), name, log, String.join("\n", last));
  }

  /** The log of the process. */
  Path log() {
    return log;
  }

  /** Ends the process and its descendants (e.g. the executors of a worker) and waits for them. */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (!waitForExit(STOP_TIMEOUT)) {
      process.destroyForcibly();
      waitForExit(STOP_TIMEOUT);
    }
    for (ProcessHandle descendant : descendants) {
      descendant
          .onExit()
          .completeOnTimeout(descendant, STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .join();
      descendant.destroyForcibly();
    }
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + name, e);
    }
  }

  private String logText() {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
