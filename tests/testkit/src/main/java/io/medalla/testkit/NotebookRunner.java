package io.medalla.testkit;

import io.medalla.internal.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes Java notebooks cell by cell with {@code jdk.jshell}, as a Java Jupyter kernel runs them:
 * each notebook in a fresh JVM (JShell's remote engine) with this JVM's class path, Spark's Java 17
 * flags and the system property {@code medalla.warehouse} (a relative warehouse resolves against
 * the working directory, which that JVM shares). Stops at the first cell that is rejected, leaves a
 * reference unresolved or throws.
 *
 * <p>As a tool, {@code NotebookRunner WAREHOUSE NOTEBOOK...} executes the notebooks against the
 * warehouse (build it first, e.g. {@code bin/medalla demo --days 2 --warehouse WAREHOUSE}) and
 * writes each code cell's standard output into the notebook; it exits 1 and writes nothing for a
 * notebook that fails.
 */
public final class NotebookRunner {
  private static final Logger LOG = LoggerFactory.getLogger(NotebookRunner.class);
  private static final int ERROR_CONTEXT_CHARS = 2_000;

  private NotebookRunner() {}

  /**
   * One executed code cell.
   *
   * @param executionCount the cell's number among the code cells, 1 first (Jupyter's {@code In
   *     [n]})
   * @param output what the cell printed on standard output
   * @param failure why the cell failed, with the end of its standard error; empty if it ran
   */
  public record CellOutcome(int executionCount, String output, Optional<String> failure) {}

  /** The outcomes of the notebook's code cells up to the first failure. */
  public static List<CellOutcome> execute(Notebook notebook, Path warehouse) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String classPath = System.getProperty("java.class.path");
    List<String> jvmOptions =
        new ArrayList<>(Arrays.asList(SparkSessions.JAVA_17_FLAGS.split(" ")));
    jvmOptions.addAll(
        List.of("-Xmx2g", "-Dmedalla.warehouse=" + warehouse, "--class-path", classPath));
    List<CellOutcome> outcomes = new ArrayList<>();
    try (JShell shell =
        JShell.builder()
            .in(InputStream.nullInputStream())
            .out(new PrintStream(out, true, StandardCharsets.UTF_8))
            .err(new PrintStream(err, true, StandardCharsets.UTF_8))
            .remoteVMOptions(jvmOptions.toArray(String[]::new))
            .build()) {
      shell.addToClasspath(classPath);
      List<String> cells = notebook.codeCells();
      for (int i = 0; i < cells.size(); i++) {
        out.reset();
        err.reset();
        Optional<String> failure = run(shell, cells.get(i));
        outcomes.add(
            new CellOutcome(
                i + 1,
                out.toString(StandardCharsets.UTF_8),
                failure.map(reason -> reason + stderrTail(err))));
        if (failure.isPresent()) {
          break;
        }
      }
    }
    return outcomes;
  }

  /** The first failure among the outcomes, naming the notebook and the cell. */
  public static Optional<String> firstFailure(Notebook notebook, List<CellOutcome> outcomes) {
    return outcomes.stream()
        .filter(outcome -> outcome.failure().isPresent())
        .findFirst()
        .map(
            outcome ->
                String.format(
                    "%s, code cell In [%d]: %s",
                    notebook.path().getFileName(),
                    outcome.executionCount(),
                    outcome.failure().orElseThrow()));
  }

  /** Runs one cell's snippets in order; the reason the first bad one failed, if any. */
  private static Optional<String> run(JShell shell, String cell) {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String remaining = cell;
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        return Optional.empty();
      }
      if (!info.completeness().isComplete()) {
        return Optional.of("incomplete code: " + remaining.strip());
      }
      for (SnippetEvent event : shell.eval(info.source())) {
        Optional<String> failure = failure(shell, event);
        if (failure.isPresent()) {
          return failure;
        }
      }
      remaining = info.remaining();
    }
    return Optional.empty();
  }

  private static Optional<String> failure(JShell shell, SnippetEvent event) {
    if (event.causeSnippet() != null) {
      return Optional.empty();
    }
    Snippet snippet = event.snippet();
    String source = snippet.source().strip();
    if (event.exception() != null) {
      return Optional.of("`" + source + "` threw " + describe(event.exception()));
    }
    if (event.status() == Snippet.Status.REJECTED) {
      String diagnostics =
          shell
              .diagnostics(snippet)
              .map(diagnostic -> diagnostic.getMessage(Locale.ROOT))
              .collect(Collectors.joining("; "));
      return Optional.of("`" + source + "` was rejected: " + diagnostics);
    }
    if (snippet instanceof DeclarationSnippet declaration
        && event.status() != Snippet.Status.VALID) {
      return Optional.of(
          "`"
              + source
              + "` has unresolved references: "
              + shell.unresolvedDependencies(declaration).collect(Collectors.joining(", ")));
    }
    return Optional.empty();
  }

  private static String describe(Throwable exception) {
    String type =
        exception instanceof EvalException eval
            ? eval.getExceptionClassName()
            : exception.getClass().getName();
    StringBuilder text = new StringBuilder(type + ": " + exception.getMessage());
    Arrays.stream(exception.getStackTrace())
        .limit(8)
        .forEach(frame -> text.append("\n    at ").append(frame));
    if (exception.getCause() != null) {
      text.append("\n  caused by ").append(describe(exception.getCause()));
    }
    return text.toString();
  }

  private static String stderrTail(ByteArrayOutputStream err) {
    String text = err.toString(StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return "";
    }
    return "\n  standard error (end):\n"
        + text.substring(Math.max(0, text.length() - ERROR_CONTEXT_CHARS));
  }

  /** {@code NotebookRunner WAREHOUSE NOTEBOOK...}: executes the notebooks and records outputs. */
  public static void main(String[] args) {
    if (args.length < 2) {
      LOG.error("usage: NotebookRunner WAREHOUSE NOTEBOOK...");
      System.exit(2);
    }
    Path warehouse = Path.of(args[0]);
    int status = 0;
    for (String file : Arrays.asList(args).subList(1, args.length)) {
      Notebook notebook = Notebook.read(Path.of(file));
      List<CellOutcome> outcomes = execute(notebook, warehouse);
      Optional<String> failure = firstFailure(notebook, outcomes);
      if (failure.isPresent()) {
        LOG.error("{}", failure.get());
        status = 1;
      } else {
        notebook.replaceOutputs(outcomes.stream().map(CellOutcome::output).toList());
        notebook.write();
        LOG.info("{}: {} cells executed, outputs written", file, outcomes.size());
      }
    }
    System.exit(status);
  }
}
