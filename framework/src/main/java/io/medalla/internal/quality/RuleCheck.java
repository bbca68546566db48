package io.medalla.internal.quality;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the framework does with one kind of {@link Rule}: how the quality gate measures and judges
 * it, what a threshold override changes, what {@code validate} checks and how runbooks describe it.
 * One class per kind, listed in {@link RuleChecks}: a new kind of rule is one class here.
 *
 * @param <R> the kind of rule
 */
abstract class RuleCheck<R extends Rule> {
  /** Judges a planned rule once the gate's analysis has run. */
  @FunctionalInterface
  interface Judgement {
    CheckResult judge(Audit audit);
  }

  private final Class<R> type;

  RuleCheck(Class<R> type) {
    this.type = type;
  }

  /** The kind of rule this check handles. */
  final Class<R> type() {
    return type;
  }

  /** What the rule checks, in words an operator reads (runbooks). */
  abstract String describe(R rule, Layer layer);

  /**
   * Adds what the rule needs to the gate's one analysis of the candidate (columns, measures) and
   * says how to judge the values.
   */
  abstract Judgement plan(Expectation expectation, R rule, Audit audit);

  /** Whether the check reads a table besides the candidate (joins it to the candidate's rows). */
  boolean readsOtherTables() {
    return false;
  }

  /**
   * The columns whose values the check counts in the written files rather than in the candidate
   * (when the gate's metrics are computed while writing): they must be among the written columns.
   */
  List<String> columnsReadFromWrittenFiles(R rule) {
    return List.of();
  }

  /** How an override of the rule's threshold is written; empty when the kind has none. */
  Optional<String> thresholdFormat() {
    return Optional.empty();
  }

  /**
   * The rule with the threshold {@code value} of an override; only called when {@link
   * #thresholdFormat()} is present.
   *
   * @throws IllegalArgumentException when {@code value} does not parse
   */
  R withThreshold(R rule, String value) {
    throw new IllegalArgumentException(value);
  }

  /** What {@code validate} reports about the rule, each message starting with {@code where}. */
  List<String> problems(R rule, String where) {
    return List.of();
  }

  /** The output columns the rule reads, checked against the schema contract by {@code validate}. */
  List<String> columns(R rule) {
    return rule.columns();
  }

  static String code(List<String> values) {
    return values.stream().map(value -> "`" + value + "`").collect(Collectors.joining(", "));
  }

  static String percent(double fraction) {
    return points(fraction) + " %";
  }

  static String points(double fraction) {
    return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString();
  }
}
