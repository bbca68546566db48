package io.medalla.extensions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.medalla.api.IngestContext;
import io.medalla.api.SourceBatch;
import io.medalla.api.SourceKind;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reads the messages above the highest offset bronze holds, so each message is ingested once: a
 * repeated run finds nothing new, and a run that died before its commit left the offset where it
 * was.
 */
public final class MessageLogKind implements SourceKind<MessageLog> {
  @Override
  public Class<MessageLog> sourceType() {
    return MessageLog.class;
  }

  @Override
  public SourceBatch read(MessageLog log, IngestContext context) {
    long committed =
        context
            .table()
            .map(table -> table.agg(max("offset")).first())
            .filter(highest -> !highest.isNullAt(0))
            .map(highest -> highest.getLong(0))
            .orElse(0L);
    Dataset<Row> messages =
        context
            .spark()
            .read()
            .schema("offset BIGINT, payload STRING")
            .option("recursiveFileLookup", "true")
            .json(context.landing() + "/" + log.folder());
    return SourceBatch.of(
        messages.where(col("offset").gt(committed)).withColumn("_source", lit(log.describe())));
  }
}
