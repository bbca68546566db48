package io.medalla.testkit;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;

/**
 * A record the quality gate moved to a table's quarantine instead of publishing it.
 *
 * @param logicalDate the date the record belongs to: its partition's, or the run's
 * @param failedRules the names of the quarantine rules it failed, in the spec's order
 * @param record the record's business columns as JSON
 */
public record QuarantinedRecord(LocalDate logicalDate, List<String> failedRules, String record) {
  public QuarantinedRecord {
    requireNonNull(logicalDate, "logicalDate is null");
    failedRules = List.copyOf(failedRules);
    requireNonNull(record, "record is null");
  }
}
