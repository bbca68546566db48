package io.medalla.internal.quality;

import static io.medalla.api.Columns.quoted;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_timestamp;

import io.medalla.api.Columns;
import io.medalla.api.DriftPolicy;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.RunContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluates a pipeline's expectations on its candidate output before publishing
 * (write-audit-publish). Every metric the rules need is computed in one Deequ analysis of the
 * candidate; row-level rules are SQL predicates counted there and, for quarantine rules, used to
 * split the candidate into published and quarantined rows.
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
    List<Expectation> expectations = new ArrayList<>(builtIn);
    expectations.addAll(thresholds.apply(spec));
    String table = spec.pipelineName();
    List<String> outputColumns = Arrays.asList(candidate.columns());
    for (Expectation expectation : expectations) {
      for (String column : expectation.rule().columns()) {
        if (!outputColumns.contains(column)) {
          throw new MedallaException(
              ErrorCode.INVALID_PIPELINE,
              "Invalid expectation %s of pipeline %s: column %s is not in the output %s",
              expectation.name(),
              table,
              column,
              outputColumns);
        }
      }
    }
    Dataset<Row> data = candidate;
    Map<Expectation, String> passes = new LinkedHashMap<>();
    for (Expectation expectation : expectations) {
      Rule rule = expectation.rule();
      if (rule instanceof Rule.References references) {
        data = withReferenceFlag(data, expectation.name(), references, context);
      }
      if (rule instanceof Rule.Fresh fresh) {
        data =
            data.withColumn(
                freshColumn(fresh), unix_timestamp(col(fresh.column()).cast("timestamp")));
      }
      if (rule instanceof Rule.Unique unique && unique.columns().size() > 1) {
        data = data.withColumn(uniqueKeyColumn(expectation), expr(compositeKey(unique)));
      }
      if (rule.rowLevel()) {
        passes.put(expectation, passPredicate(expectation));
      }
    }

    DeequAnalysis analysis = new DeequAnalysis();
    DeequAnalysis.Measure size = analysis.size(Optional.empty());
    Map<Expectation, DeequAnalysis.Measure> failing = new HashMap<>();
    passes.forEach(
        (expectation, pass) ->
            failing.put(expectation, analysis.size(Optional.of("NOT (" + pass + ")"))));
    List<String> quarantinePasses =
        passes.entrySet().stream()
            .filter(entry -> entry.getKey().severity() == io.medalla.api.Severity.QUARANTINE)
            .map(Map.Entry::getValue)
            .toList();
    Optional<DeequAnalysis.Measure> quarantinedMeasure =
        quarantinePasses.isEmpty()
            ? Optional.empty()
            : Optional.of(
                analysis.size(Optional.of("NOT (" + String.join(" AND ", quarantinePasses) + ")")));
    Map<Expectation, DeequAnalysis.Measure> measures = new HashMap<>();
    Map<Expectation, DeequAnalysis.Measure> keyedRows = new HashMap<>();
    Map<Expectation, List<DeequAnalysis.Measure>> schemaNulls = new HashMap<>();
    Map<MetricKey, DeequAnalysis.Measure> historyMeasures = new LinkedHashMap<>();
    historyMeasures.put(MetricKey.size(), size);
    for (Expectation expectation : expectations) {
      Rule rule = expectation.rule();
      if (rule instanceof Rule.Unique) {
        String key = uniqueKeyColumn(expectation);
        measures.put(expectation, analysis.distinctCount(List.of(key)));
        keyedRows.put(expectation, analysis.size(Optional.of(quoted(key) + " IS NOT NULL")));
      } else if (rule instanceof Rule.Fresh fresh) {
        measures.put(expectation, analysis.maximum(freshColumn(fresh)));
      } else if (rule instanceof Rule.NullRateDrift drift) {
        DeequAnalysis.Measure completeness = analysis.completeness(drift.column());
        measures.put(expectation, completeness);
        historyMeasures.put(MetricKey.completeness(drift.column()), completeness);
      } else if (rule instanceof Rule.MeanShift shift) {
        DeequAnalysis.Measure mean = analysis.mean(shift.column());
        measures.put(expectation, mean);
        historyMeasures.put(MetricKey.mean(shift.column()), mean);
      } else if (rule instanceof Rule.Schema schema) {
        List<DeequAnalysis.Measure> nulls = new ArrayList<>();
        for (StructField field : StructType.fromDDL(schema.ddl()).fields()) {
          if (!field.nullable() && Arrays.asList(candidate.columns()).contains(field.name())) {
            nulls.add(analysis.size(Optional.of(quoted(field.name()) + " IS NULL")));
          }
        }
        schemaNulls.put(expectation, nulls);
      }
    }

    DeequAnalysis.Results values = analysis.run(data, table);
    long rows = (long) values.value(size).orElse(0);
    List<CheckResult> results = new ArrayList<>();
    for (Expectation expectation : expectations) {
      results.add(
          judge(
              expectation,
              spec,
              candidate.schema(),
              rows,
              context.logicalDate(),
              values,
              failing.get(expectation),
              measures.get(expectation),
              keyedRows.get(expectation),
              schemaNulls.getOrDefault(expectation, List.of()),
              history));
    }
    Map<MetricKey, Double> metrics = new LinkedHashMap<>();
    historyMeasures.forEach(
        (key, measure) -> values.value(measure).ifPresent(value -> metrics.put(key, value)));

    long quarantinedRows =
        quarantinedMeasure.map(measure -> (long) values.value(measure).orElse(0)).orElse(0L);
    if (quarantinedRows == 0) {
      return new QualityVerdict(results, candidate, candidateRows, Optional.empty(), 0, metrics);
    }
    Dataset<Row> flagged = data.withColumn("_failed_rules", expr(failedRules(passes)));
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
    Layer layer = spec.output().layer();
    Dataset<Row> quarantined =
        Provenance.withRawRecords(
            flagged
                .where(expr("size(_failed_rules) > 0"))
                .select(quarantineColumns.toArray(Column[]::new)),
            layer,
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
        metrics);
  }

  /**
   * The names of the quarantine rules a row fails, as SQL. A record that did not parse fails only
   * {@link Provenance#WELL_FORMED}: its other values were never read.
   */
  private static String failedRules(Map<Expectation, String> passes) {
    List<Map.Entry<Expectation, String>> quarantining =
        passes.entrySet().stream()
            .filter(entry -> entry.getKey().severity() == io.medalla.api.Severity.QUARANTINE)
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

  private static CheckResult judge(
      Expectation expectation,
      PipelineSpec spec,
      StructType schema,
      long rows,
      LocalDate logicalDate,
      DeequAnalysis.Results values,
      DeequAnalysis.Measure failingMeasure,
      DeequAnalysis.Measure measure,
      DeequAnalysis.Measure keyedRowsMeasure,
      List<DeequAnalysis.Measure> schemaNulls,
      History history) {
    Rule rule = expectation.rule();
    if (rule.rowLevel()) {
      long failing = (long) values.value(failingMeasure).orElse(0);
      double minFraction = rule instanceof Rule.Complete complete ? complete.minFraction() : 1.0;
      double passing = rows == 0 ? 1.0 : 1.0 - (double) failing / rows;
      boolean passed = passing >= minFraction;
      return CheckResult.of(
          expectation,
          passed,
          failing + " of " + rows + " rows fail",
          minFraction == 1.0 ? "no failing row" : "at least " + minFraction + " passing",
          failing,
          passed
              ? "all rows pass"
              : String.format("%d of %d rows fail %s", failing, rows, describe(rule)));
    }
    if (rule instanceof Rule.Unique unique) {
      long keyed = (long) values.value(keyedRowsMeasure).orElse(0);
      long duplicates = keyed - (long) values.value(measure).orElse(0);
      return CheckResult.of(
          expectation,
          duplicates == 0,
          duplicates + " duplicate rows",
          "no duplicate " + unique.columns() + ", rows with a null key not compared",
          0,
          duplicates == 0
              ? "keys are unique"
              : String.format(
                  "%d rows repeat a key %s already present", duplicates, unique.columns()));
    }
    if (rule instanceof Rule.Fresh fresh) {
      Instant logicalTime = logicalDate.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      OptionalDouble latest = values.value(measure);
      if (latest.isEmpty()) {
        return CheckResult.of(
            expectation,
            false,
            "no value",
            "within " + fresh.maxAge(),
            0,
            "column " + fresh.column() + " has no non-null value");
      }
      Instant newest = Instant.ofEpochSecond((long) latest.getAsDouble());
      Duration age = Duration.between(newest, logicalTime);
      boolean passed = age.compareTo(fresh.maxAge()) <= 0;
      return CheckResult.of(
          expectation,
          passed,
          "latest " + newest + ", " + age + " before " + logicalTime,
          "at most " + fresh.maxAge(),
          0,
          passed
              ? "fresh"
              : String.format(
                  "the newest %s is %s, %s older than the logical time %s allows (%s)",
                  fresh.column(), newest, age, logicalTime, fresh.maxAge()));
    }
    if (rule instanceof Rule.Schema contract) {
      List<String> problems = schemaProblems(contract, spec.output().layer(), schema);
      for (int index = 0; index < schemaNulls.size(); index++) {
        long nulls = (long) values.value(schemaNulls.get(index)).orElse(0);
        if (nulls > 0) {
          problems.add(nulls + " nulls in a NOT NULL column");
        }
      }
      return CheckResult.of(
          expectation,
          problems.isEmpty(),
          problems.isEmpty() ? "matches" : String.join("; ", problems),
          contract.ddl() + " (" + effectiveDrift(contract, spec.output().layer()) + ")",
          0,
          problems.isEmpty()
              ? "schema matches the contract"
              : "schema drift: " + String.join("; ", problems));
    }
    if (rule instanceof Rule.RowCount count) {
      boolean passed = rows >= count.min() && rows <= count.max();
      return CheckResult.of(
          expectation,
          passed,
          rows + " rows",
          count.min() + ".." + count.max(),
          0,
          passed
              ? "row count within bounds"
              : rows + " rows, outside " + count.min() + ".." + count.max());
    }
    MetricKey key;
    double current;
    if (rule instanceof Rule.RowCountChange) {
      key = MetricKey.size();
      current = rows;
    } else if (rule instanceof Rule.NullRateDrift drift) {
      key = MetricKey.completeness(drift.column());
      current = values.value(measure).orElse(0);
    } else {
      key = MetricKey.mean(((Rule.MeanShift) rule).column());
      OptionalDouble mean = values.value(measure);
      if (mean.isEmpty()) {
        return CheckResult.of(
            expectation, true, "no value", describe(rule), 0, "no non-null value to compare");
      }
      current = mean.getAsDouble();
    }
    List<Double> past = history.values(key);
    Optional<String> anomaly = AnomalyDetection.anomaly(rule, past, current);
    return CheckResult.of(
        expectation,
        anomaly.isEmpty(),
        key.name() + " " + current + (past.isEmpty() ? "" : " after " + past.get(past.size() - 1)),
        describe(rule),
        0,
        anomaly
            .map(detail -> "anomaly in " + key.name() + ": " + detail)
            .orElse(past.isEmpty() ? "no history yet" : "within the expected change"));
  }

  private static List<String> schemaProblems(Rule.Schema contract, Layer layer, StructType actual) {
    List<String> problems = new ArrayList<>();
    Map<String, StructField> actualFields = new LinkedHashMap<>();
    for (StructField field : actual.fields()) {
      if (!field.name().startsWith("_")) {
        actualFields.put(field.name(), field);
      }
    }
    StructType expected = StructType.fromDDL(contract.ddl());
    for (StructField field : expected.fields()) {
      StructField found = actualFields.remove(field.name());
      if (found == null) {
        problems.add("column " + field.name() + " is missing");
      } else if (!found.dataType().equals(field.dataType())) {
        problems.add(
            String.format(
                "column %s is %s, the contract says %s",
                field.name(), found.dataType().simpleString(), field.dataType().simpleString()));
      }
    }
    if (effectiveDrift(contract, layer) == DriftPolicy.EXACT && !actualFields.isEmpty()) {
      problems.add("unexpected columns " + actualFields.keySet());
    }
    return problems;
  }

  private static DriftPolicy effectiveDrift(Rule.Schema contract, Layer layer) {
    if (contract.drift() != DriftPolicy.LAYER_DEFAULT) {
      return contract.drift();
    }
    return layer == Layer.BRONZE ? DriftPolicy.ADDITIVE : DriftPolicy.EXACT;
  }

  private static Dataset<Row> withReferenceFlag(
      Dataset<Row> data, String name, Rule.References references, RunContext context) {
    String key = "__reference_key_" + name;
    Dataset<Row> keys =
        context
            .read(references.table())
            .select(col(quoted(references.referencedColumn())).as(key))
            .distinct();
    return data.join(keys, data.col(quoted(references.column())).equalTo(keys.col(key)), "left")
        .withColumn(
            referenceFlag(name), col(quoted(references.column())).isNull().or(col(key).isNotNull()))
        .drop(key);
  }

  /** The Spark SQL predicate that is true for a row passing a row-level rule. */
  static String passPredicate(Expectation expectation) {
    Rule rule = expectation.rule();
    if (rule instanceof Rule.Complete complete) {
      return complete.columns().stream()
          .map(column -> quoted(column) + " IS NOT NULL")
          .collect(Collectors.joining(" AND ", "(", ")"));
    }
    if (rule instanceof Rule.AllowedValues allowed) {
      return String.format(
          "(%s IS NULL OR %s IN (%s))",
          quoted(allowed.column()),
          quoted(allowed.column()),
          allowed.values().stream().map(QualityGate::literal).collect(Collectors.joining(", ")));
    }
    if (rule instanceof Rule.Range range) {
      return String.format(
          "(%1$s IS NULL OR (%1$s >= %2$s AND %1$s <= %3$s))",
          quoted(range.column()), number(range.min()), number(range.max()));
    }
    if (rule instanceof Rule.Pattern pattern) {
      return String.format(
          "(%1$s IS NULL OR %1$s RLIKE %2$s)", quoted(pattern.column()), literal(pattern.regex()));
    }
    if (rule instanceof Rule.Predicate predicate) {
      // the line break ends a trailing -- comment in the author's SQL
      return "coalesce((" + predicate.sql() + "\n), false)";
    }
    if (rule instanceof Rule.References) {
      return quoted(referenceFlag(expectation.name()));
    }
    throw new IllegalArgumentException("Not a row-level rule: " + rule);
  }

  private static String describe(Rule rule) {
    if (rule instanceof Rule.Complete complete) {
      return "completeness of " + complete.columns();
    }
    if (rule instanceof Rule.AllowedValues allowed) {
      return allowed.column() + " in " + allowed.values();
    }
    if (rule instanceof Rule.Range range) {
      return range.column() + " between " + range.min() + " and " + range.max();
    }
    if (rule instanceof Rule.Pattern pattern) {
      return pattern.column() + " matching " + pattern.regex();
    }
    if (rule instanceof Rule.Predicate predicate) {
      return predicate.sql();
    }
    if (rule instanceof Rule.References references) {
      return references.column()
          + " found in "
          + references.table()
          + "."
          + references.referencedColumn();
    }
    if (rule instanceof Rule.RowCountChange change) {
      return "row count change within -" + change.maxDecrease() + "/+" + change.maxIncrease();
    }
    if (rule instanceof Rule.NullRateDrift drift) {
      return "null rate of " + drift.column() + " moving at most " + drift.maxChange();
    }
    if (rule instanceof Rule.MeanShift shift) {
      return "mean of " + shift.column() + " within " + shift.maxDeviations() + " deviations";
    }
    return rule.toString();
  }

  /** The key a uniqueness rule counts: its one column, or the parts as JSON, null if any is. */
  private static String uniqueKeyColumn(Expectation expectation) {
    List<String> columns = expectation.rule().columns();
    return columns.size() == 1 ? columns.get(0) : "__unique_" + expectation.name();
  }

  private static String compositeKey(Rule.Unique unique) {
    String allPresent =
        unique.columns().stream()
            .map(column -> quoted(column) + " IS NOT NULL")
            .collect(Collectors.joining(" AND "));
    String parts = unique.columns().stream().map(Columns::quoted).collect(Collectors.joining(", "));
    return "CASE WHEN " + allPresent + " THEN to_json(struct(" + parts + ")) END";
  }

  private static String freshColumn(Rule.Fresh fresh) {
    return "__fresh_" + fresh.column();
  }

  private static String referenceFlag(String expectationName) {
    return "__reference_" + expectationName;
  }

  /** A SQL number; Infinity is no SQL literal, so infinite bounds are cast from strings. */
  private static String number(double value) {
    return Double.isFinite(value) ? Double.toString(value) : "CAST('" + value + "' AS DOUBLE)";
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
