package io.medalla.internal.ingest;

import static java.util.Objects.requireNonNull;

import io.medalla.api.IngestContext;
import io.medalla.api.JdbcSource;
import io.medalla.api.SourceBatch;
import io.medalla.api.SourceKind;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.table.Warehouse;

/**
 * A database table over JDBC ({@link JdbcReader}): in full every run, or incrementally above the
 * highest watermark bronze holds, so no row is read twice; the connection's secrets come from the
 * settings.
 */
public final class JdbcSourceKind implements SourceKind<JdbcSource> {
  private final MedallaSettings settings;
  private final Warehouse warehouse;

  public JdbcSourceKind(MedallaSettings settings) {
    this.settings = requireNonNull(settings, "settings is null");
    this.warehouse = new Warehouse(settings.warehouse());
  }

  @Override
  public Class<JdbcSource> sourceType() {
    return JdbcSource.class;
  }

  @Override
  public SourceBatch read(JdbcSource source, IngestContext context) {
    return SourceBatch.of(
        JdbcReader.read(context.spark(), settings, warehouse, context.spec(), source));
  }
}
