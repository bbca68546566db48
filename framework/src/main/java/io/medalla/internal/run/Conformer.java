package io.medalla.internal.run;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.Columns;
import io.medalla.api.ErrorCode;
import io.medalla.api.Layer;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.internal.cdc.ChangeResolver;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Gives a transformation's output its layer's shape: drops metadata columns inherited from other
 * layers (but keeps bronze's provenance columns, {@link Columns#PROVENANCE}, for the quarantine),
 * rejects other {@code _}-prefixed columns, checks keys and partition column, and appends the
 * layer's metadata columns.
 */
final class Conformer {
  private static final Set<String> ALL_METADATA_COLUMNS =
      Set.copyOf(
          Arrays.stream(Layer.values())
              .flatMap(layer -> layer.metadataColumns().stream())
              .toList());

  /** Bronze columns the source reader adds and the transformation must keep. */
  private static final Set<String> SOURCE_COLUMNS =
      Set.of("_source", "_line", "_corrupt_record", "_change_op");

  /** Silver columns a change feed's resolution adds. */
  private static final Set<String> CHANGE_COLUMNS =
      Set.of(ChangeResolver.OPERATION, ChangeResolver.LSN, ChangeResolver.TIMESTAMP);

  private Conformer() {}

  static Dataset<Row> conform(
      PipelineSpec spec, Dataset<Row> output, String runId, LocalDate logicalDate) {
    Layer layer = spec.output().layer();
    List<String> columns = Arrays.asList(output.columns());
    List<Column> kept = new ArrayList<>();
    for (String column : columns) {
      if (!column.startsWith("_")) {
        kept.add(output.col(column));
      } else if (layer == Layer.BRONZE && SOURCE_COLUMNS.contains(column)) {
        kept.add(output.col(column));
      } else if (Columns.PROVENANCE.contains(column)) {
        // Kept for the quarantine; stripped before publishing.
        kept.add(output.col(column));
      } else if (column.equals(Deduplication.DUPLICATE)) {
        kept.add(output.col(column));
      } else if (spec.changeFeed().isPresent() && CHANGE_COLUMNS.contains(column)) {
        kept.add(output.col(column));
      } else if (!ALL_METADATA_COLUMNS.contains(column)) {
        throw invalid(
            spec,
            "column %s starts with '_', which is reserved for the framework's metadata columns %s;"
                + " rename it",
            column,
            ALL_METADATA_COLUMNS);
      }
    }
    if (layer == Layer.BRONZE && !columns.contains("_source")) {
      throw invalid(spec, "the transformation dropped the _source column; keep it in bronze");
    }
    for (String key : spec.keys()) {
      if (!columns.contains(key)) {
        throw invalid(spec, "key column %s is not in the output columns %s", key, columns);
      }
    }
    spec.partitionColumn()
        .ifPresent(
            partition -> {
              StructField field =
                  Arrays.stream(output.schema().fields())
                      .filter(candidate -> candidate.name().equals(partition))
                      .findFirst()
                      .orElseThrow(
                          () ->
                              invalid(
                                  spec,
                                  "partition column %s is not in the output columns %s",
                                  partition,
                                  columns));
              if (!field.dataType().equals(DataTypes.DateType)) {
                throw invalid(
                    spec,
                    "partition column %s is %s; it must be DATE",
                    partition,
                    field.dataType().simpleString());
              }
            });
    Dataset<Row> shaped = output.select(kept.toArray(Column[]::new));
    return switch (layer) {
      case BRONZE ->
          shaped
              .withColumn("_ingested_at", current_timestamp())
              .withColumn("_run_id", lit(runId))
              .withColumn("_batch_id", lit(logicalDate.toString()));
      case SILVER ->
          shaped.withColumn("_run_id", lit(runId)).withColumn("_updated_at", current_timestamp());
      case GOLD -> shaped.withColumn("_run_id", lit(runId));
    };
  }

  private static MedallaException invalid(PipelineSpec spec, String format, Object... args) {
    return new MedallaException(
        ErrorCode.INVALID_PIPELINE,
        "Cannot conform the output of %s: %s",
        spec.pipelineName(),
        String.format(format, args));
  }
}
