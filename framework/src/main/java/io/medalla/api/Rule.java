package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What an {@link Expectation} checks. Create rules with {@link Expect}, then give them a severity:
 * {@code Expect.unique("event_id").fail()}. Row-level rules judge each row and may quarantine; the
 * others judge the whole batch.
 */
public sealed interface Rule {
  /** The expectation name used when none is given, e.g. {@code unique_event_id}. */
  String defaultName();

  /** Whether the rule judges rows one by one (and so may quarantine them). */
  boolean rowLevel();

  /** The output columns the rule reads. */
  List<String> columns();

  /** The rule as an expectation that only records its result. */
  default Expectation warn() {
    return new Expectation(defaultName(), this, Severity.WARN);
  }

  /** The rule as an expectation that moves failing rows to quarantine (row-level rules only). */
  default Expectation quarantine() {
    return new Expectation(defaultName(), this, Severity.QUARANTINE);
  }

  /** The rule as an expectation that blocks publishing when it fails. */
  default Expectation fail() {
    return new Expectation(defaultName(), this, Severity.FAIL);
  }

  /**
   * The columns are never null; {@code minFraction} of non-null rows is required at batch level.
   */
  record Complete(List<String> columns, double minFraction) implements Rule {
    public Complete {
      columns = List.copyOf(columns);
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("complete", columns);
    }

    @Override
    public boolean rowLevel() {
      return true;
    }
  }

  /** No two rows share the key columns' values (no duplicates). */
  record Unique(List<String> columns) implements Rule {
    public Unique {
      columns = List.copyOf(columns);
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("unique", columns);
    }

    @Override
    public boolean rowLevel() {
      return false;
    }
  }

  /**
   * The latest value of a timestamp column is at most {@code maxAge} older than the end of the
   * run's logical date (UTC).
   */
  record Fresh(String column, Duration maxAge) implements Rule {
    public Fresh {
      requireNonNull(column, "column is null");
      requireNonNull(maxAge, "maxAge is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("fresh", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** The output's columns, types and nullability match a Spark DDL contract. */
  record Schema(String ddl, DriftPolicy drift) implements Rule {
    public Schema {
      requireNonNull(ddl, "ddl is null");
      requireNonNull(drift, "drift is null");
    }

    @Override
    public String defaultName() {
      return "schema";
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }

    /** The same contract accepting new columns. */
    public Schema allowingNewColumns() {
      return new Schema(ddl, DriftPolicy.ADDITIVE);
    }

    /** The same contract accepting no change at all. */
    public Schema exact() {
      return new Schema(ddl, DriftPolicy.EXACT);
    }
  }

  /** A column holds only the listed values (nulls pass; add a completeness rule for them). */
  record AllowedValues(String column, List<String> values) implements Rule {
    public AllowedValues {
      requireNonNull(column, "column is null");
      values = List.copyOf(values);
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("allowed", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return true;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** A numeric column lies within [min, max] (nulls pass). */
  record Range(String column, double min, double max) implements Rule {
    public Range {
      requireNonNull(column, "column is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("range", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return true;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** A string column matches a regular expression (nulls pass). */
  record Pattern(String column, String regex) implements Rule {
    public Pattern {
      requireNonNull(column, "column is null");
      requireNonNull(regex, "regex is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("pattern", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return true;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** Each row satisfies a Spark SQL predicate; a row where it is null fails. */
  record Predicate(String name, String sql) implements Rule {
    public Predicate {
      requireNonNull(name, "name is null");
      requireNonNull(sql, "sql is null");
    }

    @Override
    public String defaultName() {
      return name;
    }

    @Override
    public boolean rowLevel() {
      return true;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }

  /** The batch has between {@code min} and {@code max} rows. */
  record RowCount(long min, long max) implements Rule {
    @Override
    public String defaultName() {
      return "row_count";
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }

  /** Every non-null value of a column exists in a column of another Medalla table (an input). */
  record References(String column, TableId table, String referencedColumn) implements Rule {
    public References {
      requireNonNull(column, "column is null");
      requireNonNull(table, "table is null");
      requireNonNull(referencedColumn, "referencedColumn is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("references", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return true;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * Anomaly: the batch's row count changes against the previous run's by more than the given
   * relative rates (0.5 = 50 %). Evaluated on the table's metrics history.
   */
  record RowCountChange(double maxDecrease, double maxIncrease) implements Rule {
    @Override
    public String defaultName() {
      return "row_count_change";
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }

  /** Anomaly: a column's null rate moves by more than {@code maxChange} (absolute) between runs. */
  record NullRateDrift(String column, double maxChange) implements Rule {
    public NullRateDrift {
      requireNonNull(column, "column is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("null_rate", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * Anomaly: a numeric column's mean lies more than {@code maxDeviations} standard deviations from
   * the mean of its history (at least three earlier runs).
   */
  record MeanShift(String column, double maxDeviations) implements Rule {
    public MeanShift {
      requireNonNull(column, "column is null");
    }

    @Override
    public String defaultName() {
      return Names.identifierOf("mean_shift", List.of(column));
    }

    @Override
    public boolean rowLevel() {
      return false;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }
}
