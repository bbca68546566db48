package io.medalla.internal.docs;

import static java.util.Objects.requireNonNull;

import io.medalla.api.ChangeFeed;
import io.medalla.api.DateDependency;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.Objective;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Severity;
import io.medalla.api.TableId;
import io.medalla.internal.quality.RuleChecks;
import io.medalla.internal.run.PipelineRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Operator runbooks generated from pipeline specs, one markdown file per pipeline at {@code
 * pipelines/<domain>/runbooks/<pipeline>.md} of the repository (the module of the output table's
 * domain). Everything is regenerated except the text between {@link #HAND_WRITTEN_START} and {@link
 * #HAND_WRITTEN_END}, which is carried over from the existing file.
 */
public final class Runbooks {
  /** Opens the section that regeneration keeps. */
  public static final String HAND_WRITTEN_START = "<!-- hand-written:start -->";

  /** Closes the section that regeneration keeps. */
  public static final String HAND_WRITTEN_END = "<!-- hand-written:end -->";

  private static final String DEFAULT_HAND_WRITTEN =
      "\n_Nothing yet. Add known issues, dashboards, contacts and past incidents here: the text"
          + " between these markers survives regeneration._\n";

  private Runbooks() {}

  /**
   * A pipeline's runbook as it should be.
   *
   * @param pipeline the pipeline's name
   * @param path where the file belongs
   * @param content the generated markdown, hand-written section included
   */
  public record Runbook(String pipeline, Path path, String content) {
    public Runbook {
      requireNonNull(pipeline, "pipeline is null");
      requireNonNull(path, "path is null");
      requireNonNull(content, "content is null");
    }

    /** Whether the file exists with exactly this content. */
    public boolean current() {
      return Files.exists(path) && read(path).equals(content);
    }
  }

  /** The runbook file of {@code spec} under the repository {@code root}. */
  public static Path path(Path root, PipelineSpec spec) {
    return runbookDirectory(root, spec.output().domain()).resolve(spec.pipelineName() + ".md");
  }

  /**
   * Generates the runbook of every registered pipeline, keeping the hand-written section of the
   * files under {@code root}.
   *
   * @throws MedallaException if a pipeline's domain has no module folder {@code pipelines/<domain>}
   *     under {@code root}
   */
  public static List<Runbook> generate(PipelineRegistry registry, Path root) {
    List<Runbook> runbooks = new ArrayList<>();
    for (Pipeline pipeline : registry.inDependencyOrder()) {
      Path module = runbookDirectory(root, pipeline.spec().output().domain()).getParent();
      if (!Files.isDirectory(module)) {
        throw new MedallaException(
            ErrorCode.INVALID_ARGUMENT,
            "Cannot place the runbook of %s: the domain module %s does not exist. Run from the"
                + " repository root or give --root DIR",
            pipeline.name(),
            module);
      }
      Path path = path(root, pipeline.spec());
      String handWritten =
          Files.exists(path)
              ? handWritten(read(path)).orElse(DEFAULT_HAND_WRITTEN)
              : DEFAULT_HAND_WRITTEN;
      runbooks.add(
          new Runbook(
              pipeline.name(),
              path,
              render(pipeline, downstream(registry, pipeline), handWritten)));
    }
    return runbooks;
  }

  /**
   * What differs between the files under {@code root} and {@code runbooks}: one message per missing
   * or stale runbook naming the file and its first differing line, and one per runbook file that no
   * pipeline has.
   */
  public static List<String> problems(List<Runbook> runbooks, Path root) {
    List<String> problems = new ArrayList<>();
    for (Runbook runbook : runbooks) {
      if (!Files.exists(runbook.path())) {
        problems.add(runbook.path() + ": missing");
      } else if (!runbook.current()) {
        problems.add(
            runbook.path()
                + ": stale; "
                + firstDifference(read(runbook.path()), runbook.content()));
      }
    }
    Set<Path> expected = runbooks.stream().map(Runbook::path).collect(Collectors.toSet());
    for (Path file : runbookFiles(root)) {
      if (!expected.contains(file)) {
        problems.add(file + ": no pipeline of that name; delete the file");
      }
    }
    return problems;
  }

  /** Writes the runbooks that are missing or stale and returns them. */
  public static List<Runbook> write(List<Runbook> runbooks) {
    List<Runbook> written = new ArrayList<>();
    for (Runbook runbook : runbooks) {
      if (!runbook.current()) {
        try {
          Files.createDirectories(runbook.path().getParent());
          Files.writeString(runbook.path(), runbook.content());
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot write runbook " + runbook.path(), e);
        }
        written.add(runbook);
      }
    }
    return written;
  }

  /** The first line where {@code actual} and {@code expected} differ, both quoted. */
  static String firstDifference(String actual, String expected) {
    List<String> actualLines = actual.lines().toList();
    List<String> expectedLines = expected.lines().toList();
    for (int i = 0; i < Math.max(actualLines.size(), expectedLines.size()); i++) {
      String have = i < actualLines.size() ? actualLines.get(i) : "(end of file)";
      String want = i < expectedLines.size() ? expectedLines.get(i) : "(end of file)";
      if (!have.equals(want)) {
        return String.format("line %d is \"%s\", expected \"%s\"", i + 1, have, want);
      }
    }
    return "line endings differ";
  }

  private static Path runbookDirectory(Path root, String domain) {
    return root.resolve("pipelines").resolve(domain).resolve("runbooks");
  }

  private static List<Path> runbookFiles(Path root) {
    List<Path> files = new ArrayList<>();
    for (Path module : list(root.resolve("pipelines"))) {
      list(module.resolve("runbooks")).stream()
          .filter(file -> file.getFileName().toString().endsWith(".md"))
          .forEach(files::add);
    }
    return files;
  }

  private static List<Path> list(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + directory, e);
    }
  }

  private static Optional<String> handWritten(String content) {
    int start = content.indexOf(HAND_WRITTEN_START);
    int end = content.indexOf(HAND_WRITTEN_END);
    if (start < 0 || end < start) {
      return Optional.empty();
    }
    return Optional.of(content.substring(start + HAND_WRITTEN_START.length(), end));
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read runbook " + path, e);
    }
  }

  private static List<String> downstream(PipelineRegistry registry, Pipeline pipeline) {
    return registry.inDependencyOrder().stream()
        .filter(other -> other.spec().inputs().contains(pipeline.spec().output()))
        .map(Pipeline::name)
        .toList();
  }

  private static String render(Pipeline pipeline, List<String> downstream, String handWritten) {
    PipelineSpec spec = pipeline.spec();
    String name = spec.pipelineName();
    Markdown md = new Markdown();
    md.line("# Runbook: `%s`", name);
    md.line();
    md.line(
        "<!-- Generated by `bin/medalla runbooks` from the pipeline's spec. Edit the spec, or the"
            + " hand-written section at the end; anything else is overwritten. -->");
    md.line();
    md.line(spec.description().isBlank() ? "_No description in the spec._" : spec.description());
    md.line();
    md.line("| | |");
    md.line("|---|---|");
    md.line("| pipeline | `%s` (class `%s`) |", name, pipeline.getClass().getName());
    md.line("| layer | %s |", spec.output().layer().id());
    md.line("| domain | %s |", spec.output().domain());
    md.line("| owner | %s |", spec.owner());
    md.line(
        "| critical | %s |",
        spec.critical()
            ? "yes: a critical dataset (freshness, duplicate and schema checks are mandatory)"
            : "no");
    md.line("| table | `<warehouse>/%s` |", spec.output().relativePath());
    md.line("| write mode | %s |", writeMode(spec));
    md.line("| keys | %s |", spec.keys().isEmpty() ? "none" : code(spec.keys()));
    md.line(
        "| partition column | %s |", spec.partitionColumn().map(c -> "`" + c + "`").orElse("none"));
    md.line();
    md.line("## Inputs and outputs");
    md.line();
    spec.source().ifPresent(source -> md.line("- Source: %s", source.describe()));
    for (TableId input : spec.inputs()) {
      md.line(
          "- Input: `%s` (%s)%s", input.catalogName(), input.layer().id(), inputNote(spec, input));
    }
    md.line("- Output: `%s` at `<warehouse>/%s`", name, spec.output().relativePath());
    md.line("- Read by: %s", downstream.isEmpty() ? "no registered pipeline" : code(downstream));
    md.line();
    md.line("## Running");
    md.line();
    md.line("Re-run one logical date (%s):", rerunEffect(spec));
    md.line();
    md.line("```bash");
    md.line("bin/medalla run %s --date YYYY-MM-DD", name);
    md.line("spark-submit --class io.medalla.cli.MedallaCli tests/app/target/medalla-app.jar \\");
    md.line("  run %s --date YYYY-MM-DD --env prod --warehouse <warehouse>", name);
    md.line("```");
    md.line();
    if (spec.output().layer() == Layer.BRONZE) {
      md.line(
          "A bronze table is the record of what was ingested: it is never rebuilt"
              + " (`--full-refresh` is refused) and each run ingests one logical date.");
    } else {
      md.line(
          "Process what the inputs' commits changed since the last incremental run, or rebuild"
              + " the whole table from its inputs:");
      md.line();
      md.line("```bash");
      md.line("bin/medalla run %s --incremental", name);
      md.line("bin/medalla run %s --full-refresh", name);
      md.line("```");
    }
    md.line();
    md.line(
        "Backfill a date range, one run per date or per `--batch-days N` dates, recorded in the"
            + " ledger. `--dry-run` prints the plan; started again with the same arguments after a"
            + " failure, it resumes without redoing finished runs (`--force` starts over);"
            + " `--downstream` then refreshes the partitions of the pipelines reading this table:");
    md.line();
    md.line("```bash");
    md.line(
        "bin/medalla backfill %s --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run] [--force]"
            + " [--downstream] [--batch-days N]",
        name);
    md.line("```");
    md.line();
    md.line("## Service level objectives");
    md.line();
    if (spec.objectives().isEmpty()) {
      md.line("None declared.");
    } else {
      md.line("| objective | promise | target over the window |");
      md.line("|---|---|---|");
      for (Objective objective : spec.objectives()) {
        md.line(
            "| %s | %s | %s%% |",
            objective.kind(),
            objective.describe(),
            BigDecimal.valueOf(objective.target() * 100).stripTrailingZeros().toPlainString());
      }
      md.line();
      md.line(
          "Standing, error budget and burn rates: `bin/medalla slo %s` (exit 4 when breached)."
              + " `SLO_FAST_BURN` (ERROR) means the budget burns 14.4x the sustainable rate over"
              + " both the last hour and 5 minutes: look at `bin/medalla incidents --open` now;"
              + " `SLO_SLOW_BURN` (WARNING), 6x over 6 hours and 30 minutes: plan a fix.",
          name);
    }
    md.line();
    md.line("## Classification");
    md.line();
    Map<String, String> classification = spec.classifications().describe();
    if (classification.isEmpty()) {
      md.line("None declared.");
    } else {
      md.line("| column | classification |");
      md.line("|---|---|");
      classification.forEach((column, text) -> md.line("| `%s` | %s |", column, text));
      md.line();
      md.line(
          "Inherited columns take the classification of the input columns they are computed"
              + " from; `bin/medalla describe %s --lineage` shows both as stored with the table.",
          name);
    }
    md.line();
    md.line("## Quality expectations");
    md.line();
    if (spec.expectations().isEmpty()) {
      md.line("None declared: every run publishes what the transformation produces.");
    } else {
      md.line("| expectation | checks | severity | when it fails |");
      md.line("|---|---|---|---|");
      for (Expectation expectation : spec.expectations()) {
        md.line(
            "| `%s` | %s | %s | %s |",
            expectation.name(),
            escape(RuleChecks.describe(expectation.rule(), spec.output().layer())),
            expectation.severity(),
            onFailure(spec, expectation));
      }
      md.line();
      md.line(
          "Results of every check: `bin/medalla quality %s`. Thresholds can be overridden per"
              + " environment with `medalla.quality.thresholds.\"%s.<expectation>\"`.",
          name, name);
    }
    if (spec.output().layer() == Layer.BRONZE) {
      md.line();
      md.line(
          "Every bronze run also records `well_formed` (records that did not parse or fit the"
              + " declared types, kept in `_corrupt_record` with file and line) and `schema_drift`"
              + " (new, missing or retyped source fields); both only warn.");
    }
    md.line();
    md.line("## Failures and exit codes");
    md.line();
    md.line("| exit | meaning | what to do |");
    md.line("|---|---|---|");
    md.line(
        "| 0 | succeeded, or a bronze batch skipped because it was ingested before | nothing |");
    md.line(
        "| 1 | the run FAILED: an error while reading, transforming or publishing, or a missing"
            + " input; nothing was published | read the error in the ledger and the logs; retry the"
            + " same command once the cause (input not landed yet, cluster) is gone |");
    md.line(
        "| 2 | usage or configuration error, invalid pipeline, or the write policy refused the run"
            + " | fix the command, configuration or principal; retrying unchanged fails again |");
    md.line(
        "| 3 | BLOCKED by a FAIL expectation; nothing was published, the table version is unchanged"
            + " | find the failing expectation with `bin/medalla quality %s`, fix the data upstream"
            + " or the rule, then re-run the date |",
        name);
    md.line();
    md.line("Every failed or blocked run also raises an alert (`medalla.alert.sinks`).");
    md.line();
    md.line("## Where to look");
    md.line();
    md.line("- Latest runs: `bin/medalla status --pipeline %s`", name);
    md.line("- Quality results and trends: `bin/medalla quality %s`", name);
    md.line(
        "- Run ledger: `<warehouse>/_ops/run_ledger` (Delta), `pipeline = '%s'`; a run's logs carry"
            + " its `run_id`",
        name);
    md.line("- Table, schema and versions: `bin/medalla describe %s`", name);
    if (spec.expectations().stream().anyMatch(e -> e.severity() == Severity.QUARANTINE)) {
      md.line("- Quarantined rows: `<warehouse>/_quarantine/%s`", spec.output().relativePath());
    }
    md.line();
    md.line("## Notes");
    md.line();
    md.text(HAND_WRITTEN_START + handWritten + HAND_WRITTEN_END);
    md.line();
    return md.toString();
  }

  private static String writeMode(PipelineSpec spec) {
    String mode = "`" + spec.writeMode().name().toLowerCase(Locale.ROOT) + "`";
    return switch (spec.writeMode()) {
      case IDEMPOTENT_APPEND -> mode + ": each file or extracted batch is appended exactly once";
      case PARTITION_OVERWRITE -> mode + ": each run replaces the partitions of its dates";
      case MERGE -> mode + ": each run upserts its rows by key";
      case FULL_OVERWRITE -> mode + ": each run replaces the whole table";
      case SCD1_MERGE -> mode + ": change events keep the current row per key; deletes remove it";
      case SCD2_MERGE -> mode + ": change events add a version per key and close the previous one";
    };
  }

  private static String rerunEffect(PipelineSpec spec) {
    return switch (spec.writeMode()) {
      case IDEMPOTENT_APPEND ->
          "ingests only what was not ingested before; a repeated batch is `SKIPPED`";
      case PARTITION_OVERWRITE ->
          "replaces exactly the partition `" + spec.partitionColumn().orElseThrow() + " = date`";
      case MERGE -> "upserts that date's rows by key";
      case FULL_OVERWRITE -> "replaces the whole table";
      case SCD1_MERGE, SCD2_MERGE -> "applies the changes of that date's bronze batch by key";
    };
  }

  private static String inputNote(PipelineSpec spec, TableId input) {
    Optional<ChangeFeed> feed = spec.changeFeed().filter(f -> f.input().equals(input));
    if (feed.isPresent()) {
      return ", change feed applied as " + feed.get().history();
    }
    return spec.dateDependency(input).map(Runbooks::dateNote).orElse("");
  }

  private static String dateNote(DateDependency dependency) {
    String partitions =
        dependency.windowDays() == 1
            ? "the output partition of that date"
            : "the output partitions of that date and the next "
                + (dependency.windowDays() - 1)
                + " days";
    return ", each row feeding "
        + partitions
        + ", its date being `"
        + escape(dependency.dateExpression())
        + "`";
  }

  private static String onFailure(PipelineSpec spec, Expectation expectation) {
    return switch (expectation.severity()) {
      case FAIL -> "run `BLOCKED`, exit 3, nothing published";
      case QUARANTINE ->
          "failing rows moved to `<warehouse>/_quarantine/"
              + spec.output().relativePath()
              + "`, the rest published";
      case WARN -> "published; the result is recorded in `_ops/quality_results`";
    };
  }

  private static String code(List<String> values) {
    return values.stream().map(value -> "`" + value + "`").collect(Collectors.joining(", "));
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** A markdown document built line by line. */
  private static final class Markdown {
    private final StringBuilder text = new StringBuilder();

    void line() {
      text.append('\n');
    }

    void line(String format, Object... arguments) {
      text.append(arguments.length == 0 ? format : String.format(Locale.ROOT, format, arguments))
          .append('\n');
    }

    void text(String verbatim) {
      text.append(verbatim);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
