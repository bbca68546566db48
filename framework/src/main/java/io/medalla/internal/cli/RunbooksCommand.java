package io.medalla.internal.cli;

import io.medalla.internal.docs.Runbooks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runbooks [--check] [--root DIR]}: writes each pipeline's runbook to {@code
 * pipelines/<domain>/runbooks/<pipeline>.md}, or with {@code --check} exits 2 when one is missing
 * or stale, like {@code validate}.
 */
@Command(
    name = "runbooks",
    mixinStandardHelpOptions = true,
    description = {
      "Generates each pipeline's runbook from its spec into pipelines/<domain>/runbooks/",
      "<pipeline>.md, keeping the text between the hand-written markers. With --check, writes",
      "nothing and exits 2 listing every runbook that is missing or stale."
    })
final class RunbooksCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Option(
      names = "--check",
      description = "Write nothing; exit 2 when a runbook is missing, stale or has no pipeline.")
  boolean check;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The repository root holding pipelines/<domain>/ (default: working directory).")
  Path repository;

  @Override
  public Integer call() {
    CliContext context = root.context();
    Path base =
        repository == null
            ? context.environment().workingDirectory()
            : context.environment().workingDirectory().resolve(repository);
    List<Runbooks.Runbook> runbooks = Runbooks.generate(context.registry(), base);
    PrintWriter out = context.environment().out();
    if (check) {
      List<String> problems = Runbooks.problems(runbooks, base);
      if (!problems.isEmpty()) {
        PrintWriter err = context.environment().err();
        err.printf(
            "error: %d runbook problem(s); regenerate with `medalla runbooks`:%n", problems.size());
        problems.forEach(problem -> err.println("  - " + problem));
        return 2;
      }
      out.printf("OK: %d runbooks are current.%n", runbooks.size());
      return 0;
    }
    List<Runbooks.Runbook> written = Runbooks.write(runbooks);
    written.forEach(runbook -> out.println("wrote " + runbook.path()));
    out.printf("%d runbooks, %d written.%n", runbooks.size(), written.size());
    return 0;
  }
}
