package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a {@link SourceKind} read for one run.
 *
 * @param records the new records, with {@code _source}; an empty frame (with the columns) when
 *     there is nothing new
 * @param checks expectations the kind adds to the pipeline's own, checked on the batch before it is
 *     published; for example that every record parsed
 * @param findings what reading found, recorded with the run's quality results; for example schema
 *     drift of the landed files
 * @since 0.2.0
 */
public record SourceBatch(Dataset<Row> records, List<Expectation> checks, List<Finding> findings) {
  public SourceBatch {
    requireNonNull(records, "records is null");
    checks = List.copyOf(checks);
    findings = List.copyOf(findings);
  }

  /** A batch of records with no checks or findings of the kind's own. */
  public static SourceBatch of(Dataset<Row> records) {
    return new SourceBatch(records, List.of(), List.of());
  }
}
