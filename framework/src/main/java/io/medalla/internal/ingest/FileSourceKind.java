package io.medalla.internal.ingest;

import io.medalla.api.Expect;
import io.medalla.api.FileSource;
import io.medalla.api.Finding;
import io.medalla.api.IngestContext;
import io.medalla.api.SourceBatch;
import io.medalla.api.SourceKind;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.medalla.internal.quality.Provenance;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Landing files ({@link FileReader}): each file of a date's folder is ingested once, the bronze
 * table being the record of the files it holds. Every record is checked to have parsed ({@link
 * Provenance#WELL_FORMED}, a warning) and the files' schema is compared with the declared one.
 */
public final class FileSourceKind implements SourceKind<FileSource> {
  private static final Logger LOG = LoggerFactory.getLogger(FileSourceKind.class);

  @Override
  public Class<FileSource> sourceType() {
    return FileSource.class;
  }

  @Override
  public SourceBatch read(FileSource source, IngestContext context) {
    FileReader.FileBatch batch =
        FileReader.read(
            context.spark(), context.landing(), context.tablePath(), source, context.logicalDate());
    LOG.info("Ingesting {} new files of {}", batch.files().size(), source.describe());
    return new SourceBatch(
        batch.records(),
        List.of(
            Expect.satisfies(Provenance.WELL_FORMED, FileReader.CORRUPT_RECORD + " IS NULL")
                .warn()),
        List.of(finding(batch.schemaDrift())));
  }

  private static Finding finding(CheckResult result) {
    return new Finding(
        result.expectation(),
        result.rule(),
        result.severity(),
        result.status() == CheckStatus.PASSED,
        result.observed(),
        result.threshold(),
        result.message());
  }
}
