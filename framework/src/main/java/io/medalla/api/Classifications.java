package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a spec declares about its columns' sensitivity: the columns classified explicitly, the
 * columns that inherit the classification of the input columns they are computed from (traced in
 * the transformation's analysed plan at every run), and the protections declared on columns
 * computed from pii.
 *
 * @param declared the explicitly classified columns
 * @param inherited the columns whose classification is their input columns' (the most sensitive
 *     level among them, with all their tags)
 * @param protections why a column computed from pii no longer identifies a person
 * @since 0.3.0
 */
public record Classifications(
    Map<String, ColumnClass> declared, Set<String> inherited, Map<String, Protection> protections) {
  /** Nothing declared. */
  public static final Classifications NONE = new Classifications(Map.of(), Set.of(), Map.of());

  public Classifications {
    declared = Map.copyOf(new TreeMap<>(declared));
    inherited = Set.copyOf(new TreeSet<>(inherited));
    protections = Map.copyOf(new TreeMap<>(protections));
    for (String column : declared.keySet()) {
      Names.requireIdentifier(column, "classified column");
    }
    for (String column : inherited) {
      Names.requireIdentifier(column, "inherited column");
    }
    Set<String> both = new HashSet<>(declared.keySet());
    both.retainAll(inherited);
    if (!both.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Columns %s are both classified and inherited; keep one of classify(...) and"
              + " inherit(...)",
          new TreeSet<>(both));
    }
    for (String column : protections.keySet()) {
      if (!declared.containsKey(column) && !inherited.contains(column)) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Column %s declares a protection but no classification; classify(...) it",
            column);
      }
    }
  }

  /** Whether {@code column} is classified or inherits its classification. */
  public boolean covers(String column) {
    return declared.containsKey(column) || inherited.contains(column);
  }

  /** The explicit classification of {@code column}, if declared. */
  public Optional<ColumnClass> declared(String column) {
    requireNonNull(column, "column is null");
    return Optional.ofNullable(declared.get(column));
  }

  /**
   * Each declared column with its classification as the spec states it, sorted: {@code pii
   * [pii:email]}, {@code inherited}, followed by {@code , aggregated} when protected.
   */
  public Map<String, String> describe() {
    Map<String, String> described = new TreeMap<>();
    declared.forEach((column, columnClass) -> described.put(column, columnClass.toString()));
    inherited.forEach(column -> described.put(column, "inherited"));
    protections.forEach(
        (column, how) ->
            described.computeIfPresent(
                column, (name, text) -> text + ", " + how.name().toLowerCase(Locale.ROOT)));
    return described;
  }

  /** The protection declared on {@code column}, if any. */
  public Optional<Protection> protection(String column) {
    return Optional.ofNullable(protections.get(column));
  }
}
