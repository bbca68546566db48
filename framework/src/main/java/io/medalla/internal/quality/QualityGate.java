package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.RunContext;
import io.medalla.api.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluates a pipeline's expectations on its candidate output before publishing
 * (write-audit-publish, or write-audit-commit when the metrics are computed while the rows are
 * written). Every scan metric the rules need is computed in one pass over the candidate and each
 * distinct-count in one grouping, planned and judged by each rule's {@link RuleCheck}; row-level
 * rules are SQL predicates counted there and, for quarantine rules, used to split the candidate
 * into published and quarantined rows.
 */
public final class QualityGate {
  /** The metric history of one table, for anomaly rules. */
  @FunctionalInterface
  public interface History {
    /** Earlier values of a metric, oldest first, excluding the current run. */
    List<Double> values(MetricKey metric);
  }

  private final Thresholds thresholds;

  public QualityGate(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * Checks the candidate. Never throws for failed checks: the verdict says which block.
   *
   * @param builtIn checks the framework adds for the pipeline's source
   * @param candidate the conformed output, cached by the caller
   * @param candidateRows its row count
   */
  public QualityVerdict evaluate(
      PipelineSpec spec,
      List<Expectation> builtIn,
      Dataset<Row> candidate,
      long candidateRows,
      RunContext context,
      History history) {
    Planned planned = plan(spec, builtIn, candidate, context, history);
    planned.audit.run();
    return planned.verdict(candidateRows);
  }

  /**
   * Whether the checks of {@code spec} can be computed while rows of the {@code written} schema are
   * written: none reads another table, whose join would change the written rows' plan and what the
   * run reads, and every column a check counts in the written files is written (provenance, which
   * only bronze publishes, is not).
   */
  public static boolean checksOnWrite(PipelineSpec spec, StructType written) {
    List<String> writtenColumns = List.of(written.fieldNames());
    return spec.expectations().stream()
        .allMatch(
            expectation -> {
              RuleCheck<Rule> check = RuleChecks.of(expectation.rule());
              return !check.readsOtherTables()
                  && writtenColumns.containsAll(
                      check.columnsReadFromWrittenFiles(expectation.rule()));
            });
  }

  /**
   * Plans the checks of a candidate whose metrics are computed while it is written: the write
   * computes {@link Planned#aggregates} over {@link Planned#audited}, then {@link Planned#measured}
   * judges them.
   *
   * @param builtIn checks the framework adds for the pipeline's source
   * @param candidate the conformed output, not computed yet
   */
  public Planned plan(
      PipelineSpec spec,
      List<Expectation> builtIn,
      Dataset<Row> candidate,
      RunContext context,
      History history) {
    List<Expectation> expectations = new ArrayList<>(builtIn);
    expectations.addAll(thresholds.apply(spec));
    requireOutputColumns(spec, expectations, candidate);
    Audit audit = new Audit(spec, candidate, context, history);
    List<RuleCheck.Judgement> judgements = new ArrayList<>();
    for (Expectation expectation : expectations) {
      judgements.add(
          RuleChecks.of(expectation.rule()).plan(expectation, expectation.rule(), audit));
    }
    List<String> quarantinePasses =
        audit.passPredicates().entrySet().stream()
            .filter(entry -> entry.getKey().severity() == Severity.QUARANTINE)
            .map(Map.Entry::getValue)
            .toList();
    Optional<DeequAnalysis.Measure> quarantinedMeasure =
        quarantinePasses.isEmpty()
            ? Optional.empty()
            : Optional.of(
                audit
                    .analysis()
                    .size(Optional.of("NOT (" + String.join(" AND ", quarantinePasses) + ")")));
    return new Planned(spec, candidate, audit, judgements, quarantinedMeasure);
  }

  /** A candidate's planned checks: what to compute on it, and how to judge the values. */
  public static final class Planned {
    private final PipelineSpec spec;
    private final Dataset<Row> candidate;
    private final Audit audit;
    private final List<RuleCheck.Judgement> judgements;
    private final Optional<DeequAnalysis.Measure> quarantinedMeasure;

    private Planned(
        PipelineSpec spec,
        Dataset<Row> candidate,
        Audit audit,
        List<RuleCheck.Judgement> judgements,
        Optional<DeequAnalysis.Measure> quarantinedMeasure) {
      this.spec = spec;
      this.candidate = candidate;
      this.audit = audit;
      this.judgements = judgements;
      this.quarantinedMeasure = quarantinedMeasure;
    }

    /** The candidate with the columns the checks read; select the candidate's columns to write. */
    public Dataset<Row> audited() {
      return audit.data();
    }

    /** The aggregates to compute over {@link #audited}, in one pass. */
    public List<Column> aggregates() {
      return audit.aggregates();
    }

    /**
     * Judges the candidate from the values of {@link #aggregates} and the candidate's rows as
     * written, {@code written}; its quarantine, when a quarantine rule failed, is computed anew.
     */
    public QualityVerdict measured(Row aggregated, Dataset<Row> written) {
      audit.measured(aggregated, written);
      return verdict(audit.rows());
    }

    private QualityVerdict verdict(long candidateRows) {
      List<CheckResult> results =
          judgements.stream().map(judgement -> judgement.judge(audit)).toList();
      long quarantinedRows =
          quarantinedMeasure.map(measure -> (long) audit.value(measure).orElse(0)).orElse(0L);
      if (quarantinedRows == 0) {
        return new QualityVerdict(
            results, candidate, candidateRows, Optional.empty(), 0, audit.metrics());
      }
      RunContext context = audit.context();
      Dataset<Row> flagged =
          audit.data().withColumn("_failed_rules", expr(failedRules(audit.passPredicates())));
      Column[] candidateColumns =
          Arrays.stream(candidate.columns())
              .map(column -> col(quoted(column)))
              .toArray(Column[]::new);
      Column[] recordColumns =
          Arrays.stream(candidate.columns())
              .filter(column -> !column.startsWith("_"))
              .map(column -> col(quoted(column)))
              .toArray(Column[]::new);
      Dataset<Row> publishable =
          flagged.where(expr("size(_failed_rules) = 0")).select(candidateColumns);
      Column logicalDate = lit(java.sql.Date.valueOf(context.logicalDate()));
      List<Column> quarantineColumns =
          new ArrayList<>(
              List.of(
                  lit(context.runId()).as("run_id"),
                  // A partitioned table's record belongs to its partition's date.
                  spec.partitionColumn()
                      .map(column -> coalesce(col(quoted(column)), logicalDate))
                      .orElse(logicalDate)
                      .as("logical_date"),
                  col("_failed_rules").as("failed_rules"),
                  to_json(struct(recordColumns)).as("record"),
                  current_timestamp().as("quarantined_at")));
      quarantineColumns.addAll(Provenance.quarantineColumns(flagged));
      Dataset<Row> quarantined =
          Provenance.withRawRecords(
              flagged
                  .where(expr("size(_failed_rules) > 0"))
                  .select(quarantineColumns.toArray(Column[]::new)),
              spec.output().layer(),
              spec.inputs().stream()
                  .filter(input -> input.layer() == Layer.BRONZE)
                  .map(context::read)
                  .toList());
      return new QualityVerdict(
          results,
          publishable,
          candidateRows - quarantinedRows,
          Optional.of(quarantined),
          quarantinedRows,
          audit.metrics());
    }
  }

  /**
   * The names of the quarantine rules a row fails, as SQL. A record that did not parse fails only
   * {@link Provenance#WELL_FORMED}: its other values were never read.
   */
  private static String failedRules(Map<Expectation, String> passes) {
    List<Map.Entry<Expectation, String>> quarantining =
        passes.entrySet().stream()
            .filter(entry -> entry.getKey().severity() == Severity.QUARANTINE)
            .toList();
    String failing =
        quarantining.stream()
            .map(
                entry ->
                    String.format(
                        "CASE WHEN NOT (%s) THEN '%s' END",
                        entry.getValue(), entry.getKey().name()))
            .collect(Collectors.joining(", ", "filter(array(", "), rule -> rule IS NOT NULL)"));
    return quarantining.stream()
        .filter(entry -> entry.getKey().name().equals(Provenance.WELL_FORMED))
        .findFirst()
        .map(
            entry ->
                String.format(
                    "CASE WHEN NOT (%s) THEN array('%s') ELSE %s END",
                    entry.getValue(), Provenance.WELL_FORMED, failing))
        .orElse(failing);
  }

  private static void requireOutputColumns(
      PipelineSpec spec, List<Expectation> expectations, Dataset<Row> candidate) {
    List<String> outputColumns = Arrays.asList(candidate.columns());
    for (Expectation expectation : expectations) {
      for (String column : expectation.rule().columns()) {
        if (!outputColumns.contains(column)) {
          throw new MedallaException(
              ErrorCode.INVALID_PIPELINE,
              "Invalid expectation %s of pipeline %s: column %s is not in the output %s",
              expectation.name(),
              spec.pipelineName(),
              column,
              outputColumns);
        }
      }
    }
  }

  /**
   * The Spark SQL predicate that is true for a row passing a row-level rule.
   *
   * @throws IllegalArgumentException for a rule that judges the whole batch
   */
  static String passPredicate(Expectation expectation) {
    Rule rule = expectation.rule();
    return RuleChecks.rowLevel(rule)
        .orElseThrow(() -> new IllegalArgumentException("Not a row-level rule: " + rule))
        .passPredicate(expectation, rule);
  }

  /** A SQL string literal. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
