package io.medalla.internal.lineage;

import static java.util.Objects.requireNonNull;

import io.medalla.api.TableId;
import io.medalla.internal.quality.CheckResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.StructType;

/**
 * What a run's lineage events say beyond its ledger row, as its steps learn it: how it read each
 * input, the schema it published, its quality results and where each output column came from.
 * Written by the run's thread only.
 */
public final class LineageFacts {
  /** How a run read one input table. */
  public enum ReadKind {
    /** The table at its pinned version. */
    SNAPSHOT,
    /** The rows its change data feed inserted after the version the pipeline last processed. */
    CHANGE_FEED,
    /** The change events a change-data pipeline applies (MERGE, SCD1 or SCD2). */
    CHANGE_EVENTS
  }

  /**
   * One input as read.
   *
   * @param schema the input's columns at the version read
   * @param kind how it was read
   * @param fromVersion the first version a change feed was read from
   */
  public record InputRead(StructType schema, ReadKind kind, Optional<Long> fromVersion) {
    public InputRead {
      requireNonNull(schema, "schema is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(fromVersion, "fromVersion is null");
    }
  }

  private final Map<TableId, InputRead> reads = new LinkedHashMap<>();
  private StructType outputSchema;
  private List<CheckResult> checks = List.of();
  private Map<String, Set<ColumnLineage.Origin>> columns = Map.of();

  /** Notes that the run read {@code input}; a later, more specific read of it replaces the note. */
  public void read(TableId input, InputRead read) {
    InputRead before = reads.get(input);
    if (before == null || read.kind() != ReadKind.SNAPSHOT) {
      reads.put(input, read);
    }
  }

  public void published(StructType schema) {
    this.outputSchema = requireNonNull(schema, "schema is null");
  }

  public void checked(List<CheckResult> results) {
    this.checks = List.copyOf(results);
  }

  public void columns(Map<String, Set<ColumnLineage.Origin>> origins) {
    this.columns = Map.copyOf(origins);
  }

  public Map<TableId, InputRead> reads() {
    return Map.copyOf(reads);
  }

  public Optional<StructType> outputSchema() {
    return Optional.ofNullable(outputSchema);
  }

  public List<CheckResult> checks() {
    return checks;
  }

  /** Each output column's input columns, for the columns the plan traced. */
  public Map<String, Set<ColumnLineage.Origin>> columns() {
    return columns;
  }
}
