package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a pipeline declares about itself: its output table, owner, inputs, keys, partition column
 * and criticality. The framework derives the run lifecycle from it; the constructor enforces the
 * layer rules, so an invalid spec never reaches a run.
 *
 * @param output the table this pipeline writes; the pipeline is named after it
 * @param owner the accountable team or person, required (for example {@code product-data@acme.io})
 * @param description one sentence on what the table holds
 * @param inputs the Medalla tables this pipeline reads; empty for bronze
 * @param source what a bronze pipeline ingests; absent for silver and gold
 * @param keys the columns that identify a row; a silver or gold table with keys and no partition
 *     column is merged by them
 * @param partitionColumn a {@code DATE} column; each run replaces the partition of its logical date
 * @param critical whether the table is a critical dataset: it must declare freshness, uniqueness
 *     and schema expectations
 * @param expectations the quality rules checked on every run's output before it is published
 * @param changeFeed the change events a silver table applies as SCD1 or SCD2, keyed by {@code keys}
 * @param dateDependencies how the partitions depend on inputs, for incremental runs and downstream
 *     refreshes of a partitioned table
 * @param insertOnly whether each key keeps the first row published for it: an incremental run then
 *     reads only the inputs' new commits and inserts the keys the table does not hold yet
 * @param deduplicationOrder when not empty, rows of the transformation's output sharing a key are
 *     one record: the first in this order (ascending) is kept and the others are counted as
 *     deduplicated in the run ledger
 * @param objectives the service level objectives the table promises its readers, evaluated by
 *     {@code medalla slo} (since 0.3.0)
 * @param classifications how sensitive each column is, stored with the table (since 0.3.0)
 */
public record PipelineSpec(
    TableId output,
    String owner,
    String description,
    List<TableId> inputs,
    Optional<Source> source,
    List<String> keys,
    Optional<String> partitionColumn,
    boolean critical,
    List<Expectation> expectations,
    Optional<ChangeFeed> changeFeed,
    List<DateDependency> dateDependencies,
    boolean insertOnly,
    List<String> deduplicationOrder,
    List<Objective> objectives,
    Classifications classifications) {

  public PipelineSpec {
    requireNonNull(output, "output is null");
    requireNonNull(description, "description is null");
    requireNonNull(source, "source is null");
    requireNonNull(partitionColumn, "partitionColumn is null");
    inputs = List.copyOf(inputs);
    keys = List.copyOf(keys);
    expectations = List.copyOf(expectations);
    dateDependencies = List.copyOf(dateDependencies);
    deduplicationOrder = List.copyOf(deduplicationOrder);
    objectives = List.copyOf(objectives);
    requireNonNull(classifications, "classifications is null");
    if (owner == null || owner.isBlank()) {
      throw invalid(output, "owner is required. Declare owner(\"team@example.com\") in the spec");
    }
    for (String key : keys) {
      Names.requireIdentifier(key, "key column of " + output);
    }
    partitionColumn.ifPresent(column -> Names.requireIdentifier(column, "partition column"));
    if (new LinkedHashSet<>(inputs).size() != inputs.size()) {
      throw invalid(output, "an input is declared twice: " + inputs);
    }
    if (output.layer() == Layer.BRONZE) {
      if (source.isEmpty()) {
        throw invalid(output, "a bronze pipeline needs a source(...) to ingest");
      }
      if (!inputs.isEmpty()) {
        throw invalid(output, "a bronze pipeline reads sources only, not tables " + inputs);
      }
      if (!classifications.inherited().isEmpty()) {
        throw invalid(
            output,
            "a bronze pipeline has no input columns to inherit a classification from; classify "
                + classifications.inherited()
                + " explicitly");
      }
    } else {
      if (source.isPresent()) {
        throw invalid(
            output, "only bronze pipelines read landing sources; read the bronze table instead");
      }
      if (inputs.isEmpty()) {
        throw invalid(output, "declare at least one input table");
      }
    }
    requireNonNull(changeFeed, "changeFeed is null");
    checkExpectations(output, inputs, critical, expectations);
    if (changeFeed.isPresent()) {
      if (output.layer() != Layer.SILVER) {
        throw invalid(output, "only silver tables apply change feeds");
      }
      if (keys.isEmpty()) {
        throw invalid(output, "a change feed is applied by key; declare keys(...)");
      }
      if (partitionColumn.isPresent()) {
        throw invalid(output, "a table fed by a change feed is merged by key, not partitioned");
      }
      if (!inputs.contains(changeFeed.get().input())) {
        throw invalid(
            output, "the change feed's table " + changeFeed.get().input() + " is not an input");
      }
    }
    if (insertOnly
        && (keys.isEmpty() || changeFeed.isPresent() || output.layer() == Layer.BRONZE)) {
      throw invalid(
          output,
          "insertOnly() needs keys, and applies to silver and gold tables without a change feed");
    }
    if (!deduplicationOrder.isEmpty()
        && (keys.isEmpty() || changeFeed.isPresent() || output.layer() == Layer.BRONZE)) {
      throw invalid(
          output,
          "deduplicate(...) needs keys, and applies to silver and gold tables without a change"
              + " feed (a change feed is deduplicated by its own ordering)");
    }
    if (objectives.stream().map(Objective::kind).distinct().count() != objectives.size()) {
      throw invalid(output, "declare at most one objective of each kind: " + objectives);
    }
    for (DateDependency dependency : dateDependencies) {
      if (partitionColumn.isEmpty()) {
        throw invalid(output, "only a partitioned table declares date dependencies");
      }
      if (!inputs.contains(dependency.input())) {
        throw invalid(
            output, "the date dependency's table " + dependency.input() + " is not an input");
      }
    }
    for (TableId input : inputs) {
      if (!output.layer().mayRead(input.layer())) {
        throw invalid(
            output,
            String.format(
                "%s may not read %s: a %s table reads only %s",
                output.layer().id(), input, output.layer().id(), output.layer().readableLayers()));
      }
      if (input.equals(output)) {
        throw invalid(output, "a pipeline cannot read its own output");
      }
    }
  }

  private static void checkExpectations(
      TableId output, List<TableId> inputs, boolean critical, List<Expectation> expectations) {
    Set<String> names = new HashSet<>();
    for (Expectation expectation : expectations) {
      if (!names.add(expectation.name())) {
        throw invalid(
            output,
            "expectation "
                + expectation.name()
                + " is declared twice; give one of them another name with named(...)");
      }
      if (expectation.rule() instanceof Rule.References references
          && !inputs.contains(references.table())) {
        throw invalid(
            output,
            String.format(
                "expectation %s references %s, which is not a declared input",
                expectation.name(), references.table()));
      }
    }
    if (critical) {
      List<String> missing = new ArrayList<>();
      if (expectations.stream().noneMatch(e -> e.rule() instanceof Rule.Fresh)) {
        missing.add("freshness (Expect.fresh)");
      }
      if (expectations.stream().noneMatch(e -> e.rule() instanceof Rule.Unique)) {
        missing.add("duplicates (Expect.unique)");
      }
      if (expectations.stream().noneMatch(e -> e.rule() instanceof Rule.Schema)) {
        missing.add("schema (Expect.schema)");
      }
      if (!missing.isEmpty()) {
        throw invalid(
            output,
            "a critical dataset must declare freshness, duplicate and schema checks; missing: "
                + String.join(", ", missing));
      }
    }
  }

  private static MedallaException invalid(TableId output, String reason) {
    return new MedallaException(
        ErrorCode.INVALID_PIPELINE, "Invalid pipeline spec for %s: %s", output, reason);
  }

  /** The pipeline's name, which is its output's catalog name. */
  public String pipelineName() {
    return output.catalogName();
  }

  /** How each run publishes, derived from the layer, partition column and keys. */
  public WriteMode writeMode() {
    if (output.layer() == Layer.BRONZE) {
      return WriteMode.IDEMPOTENT_APPEND;
    }
    if (changeFeed.isPresent()) {
      return changeFeed.get().history() == ChangeHistory.SCD1
          ? WriteMode.SCD1_MERGE
          : WriteMode.SCD2_MERGE;
    }
    if (partitionColumn.isPresent()) {
      return WriteMode.PARTITION_OVERWRITE;
    }
    return keys.isEmpty() ? WriteMode.FULL_OVERWRITE : WriteMode.MERGE;
  }

  /** The date dependency on {@code input}, if declared. */
  public Optional<DateDependency> dateDependency(TableId input) {
    return dateDependencies.stream().filter(d -> d.input().equals(input)).findFirst();
  }

  /** Starts a spec for the table with catalog name {@code output}. */
  public static Builder builder(String output) {
    return new Builder(TableId.parse(output));
  }

  /** Builds a {@link PipelineSpec}; everything but the owner is optional. */
  public static final class Builder {
    private final TableId output;
    private String owner;
    private String description = "";
    private final List<TableId> inputs = new ArrayList<>();
    private Source source;
    private final List<String> keys = new ArrayList<>();
    private String partitionColumn;
    private boolean critical;
    private final List<Expectation> expectations = new ArrayList<>();
    private ChangeFeed changeFeed;
    private final List<DateDependency> dateDependencies = new ArrayList<>();
    private boolean insertOnly;
    private final List<String> deduplicationOrder = new ArrayList<>();
    private final List<Objective> objectives = new ArrayList<>();
    private final Map<String, ColumnClass> classified = new LinkedHashMap<>();
    private final Set<String> inherited = new LinkedHashSet<>();
    private final Map<String, Protection> protections = new LinkedHashMap<>();

    private Builder(TableId output) {
      this.output = output;
    }

    /** The accountable team or person. */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /** One sentence on what the table holds. */
    public Builder description(String description) {
      this.description = requireNonNull(description, "description is null");
      return this;
    }

    /** Adds input tables by catalog name. */
    public Builder inputs(String... catalogNames) {
      for (String name : catalogNames) {
        inputs.add(TableId.parse(name));
      }
      return this;
    }

    /** What a bronze pipeline ingests: landing files or a database table. */
    public Builder source(Source source) {
      this.source = requireNonNull(source, "source is null");
      return this;
    }

    /** The columns identifying a row. */
    public Builder keys(String... columns) {
      keys.addAll(List.of(columns));
      return this;
    }

    /** The {@code DATE} column whose logical-date partition each run replaces. */
    public Builder partitionedBy(String column) {
      this.partitionColumn = requireNonNull(column, "column is null");
      return this;
    }

    /** Marks the table as a critical dataset. */
    public Builder critical() {
      this.critical = true;
      return this;
    }

    /** Adds quality expectations, checked on every run's output before it is published. */
    public Builder expect(Expectation... expectations) {
      this.expectations.addAll(List.of(expectations));
      return this;
    }

    /**
     * Applies a change feed to this silver table by its keys; the feed's bronze table becomes an
     * input.
     */
    public Builder changes(ChangeFeed feed) {
      this.changeFeed = requireNonNull(feed, "feed is null");
      if (!inputs.contains(feed.input())) {
        inputs.add(feed.input());
      }
      return this;
    }

    /**
     * Declares that an {@code input} row feeds the output partition of the date {@code
     * dateExpression} gives (Spark SQL over the input's columns); {@code input} becomes an input.
     */
    public Builder dependsOn(String input, String dateExpression) {
      return dependsOn(input, dateExpression, 1);
    }

    /**
     * Declares that an {@code input} row of day {@code t} (the date {@code dateExpression} gives)
     * feeds the output partitions {@code t} to {@code t + windowDays - 1}, as a rolling window
     * does; {@code input} becomes an input.
     */
    public Builder dependsOn(String input, String dateExpression, int windowDays) {
      TableId table = TableId.parse(input);
      dateDependencies.add(new DateDependency(table, dateExpression, windowDays));
      if (!inputs.contains(table)) {
        inputs.add(table);
      }
      return this;
    }

    /**
     * Declares that rows are only ever added: each key keeps the first row published for it, as a
     * deduplication by "first copy wins" does. An incremental run then reads only the rows its
     * inputs gained since the last processed version ({@link RunContext#read(TableId)} returns just
     * those) and inserts the keys the table does not hold yet; a date run or full refresh still
     * recomputes its partitions from everything.
     */
    public Builder insertOnly() {
      this.insertOnly = true;
      return this;
    }

    /**
     * Declares that rows sharing a key are copies of one record: the framework keeps the first by
     * {@code first}, then {@code more} (ascending; any column of the transformation's output,
     * metadata columns inherited from the input such as bronze's {@code _ingested_at} included) and
     * counts the others in the run ledger's {@code rows_deduplicated}. Rows with a null key are
     * kept, for the quality gate to judge.
     *
     * @since 0.2.0
     */
    public Builder deduplicate(String first, String... more) {
      deduplicationOrder.add(requireNonNull(first, "first is null"));
      deduplicationOrder.addAll(List.of(more));
      return this;
    }

    /**
     * Adds a service level objective, such as {@code Objective.freshness(Duration.ofHours(6),
     * 0.95)}: at most one of each kind.
     *
     * @since 0.3.0
     */
    public Builder objective(Objective objective) {
      objectives.add(requireNonNull(objective, "objective is null"));
      return this;
    }

    /**
     * Classifies {@code columns} as {@code level}, without tags.
     *
     * @since 0.3.0
     */
    public Builder classify(Classification level, String... columns) {
      for (String column : columns) {
        classify(column, level);
      }
      return this;
    }

    /**
     * Classifies {@code column} as {@code level} with {@code tags} such as {@code pii:email}: the
     * tags let {@code medalla erase} find a person's rows.
     *
     * @since 0.3.0
     */
    public Builder classify(String column, Classification level, String... tags) {
      classified.put(requireNonNull(column, "column is null"), ColumnClass.of(level, tags));
      return this;
    }

    /**
     * Gives each of {@code columns} the classification of the input columns it is computed from, as
     * the transformation's plan shows at each run: the most sensitive level among them, with all
     * their tags. A column computed from no input column cannot inherit.
     *
     * @since 0.3.0
     */
    public Builder inherit(String... columns) {
      inherited.addAll(List.of(columns));
      return this;
    }

    /**
     * Declares why {@code columns}, computed from a pii column, no longer identify a person; a
     * column derived from pii is either classified pii or declares a protection.
     *
     * @since 0.3.0
     */
    public Builder protect(Protection how, String... columns) {
      requireNonNull(how, "how is null");
      for (String column : columns) {
        protections.put(column, how);
      }
      return this;
    }

    /** Validates and builds the spec. */
    public PipelineSpec build() {
      return new PipelineSpec(
          output,
          owner,
          description,
          inputs,
          Optional.ofNullable(source),
          keys,
          Optional.ofNullable(partitionColumn),
          critical,
          expectations,
          Optional.ofNullable(changeFeed),
          dateDependencies,
          insertOnly,
          deduplicationOrder,
          objectives,
          new Classifications(classified, inherited, protections));
    }
  }
}
