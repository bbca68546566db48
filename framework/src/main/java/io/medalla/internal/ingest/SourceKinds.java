package io.medalla.internal.ingest;

import io.medalla.api.ErrorCode;
import io.medalla.api.IngestContext;
import io.medalla.api.MedallaException;
import io.medalla.api.Source;
import io.medalla.api.SourceBatch;
import io.medalla.api.SourceKind;
import io.medalla.internal.config.MedallaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The source kinds a run can ingest: the framework's (files, JDBC) and those modules list in {@code
 * META-INF/services/io.medalla.api.SourceKind}. Each source type has exactly one kind.
 */
public final class SourceKinds {
  private static final String SERVICE_FILE = "META-INF/services/" + SourceKind.class.getName();

  private final List<SourceKind<?>> kinds;

  private SourceKinds(List<SourceKind<?>> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  /**
   * The framework's kinds and the registered ones.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} when two kinds read the
   *     same source type
   */
  public static SourceKinds load(MedallaSettings settings) {
    List<SourceKind<?>> kinds = new ArrayList<>();
    kinds.add(new FileSourceKind());
    kinds.add(new JdbcSourceKind(settings));
    for (SourceKind<?> kind : ServiceLoader.load(SourceKind.class)) {
      for (SourceKind<?> known : kinds) {
        if (known.sourceType().equals(kind.sourceType())) {
          throw new MedallaException(
              ErrorCode.INVALID_CONFIGURATION,
              "Cannot register source kind %s: %s reads %s sources already. Remove one of them from"
                  + " %s",
              kind.getClass().getName(),
              known.getClass().getName(),
              kind.sourceType().getName(),
              SERVICE_FILE);
        }
      }
      kinds.add(kind);
    }
    return new SourceKinds(kinds);
  }

  /**
   * Reads {@code source} with its kind.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_PIPELINE} when no kind reads it
   */
  public SourceBatch read(Source source, IngestContext context) {
    return read(kind(source, context), source, context);
  }

  private static <S extends Source> SourceBatch read(
      SourceKind<S> kind, Source source, IngestContext context) {
    return kind.read(kind.sourceType().cast(source), context);
  }

  private SourceKind<?> kind(Source source, IngestContext context) {
    for (SourceKind<?> kind : kinds) {
      if (kind.sourceType().isInstance(source)) {
        return kind;
      }
    }
    throw new MedallaException(
        ErrorCode.INVALID_PIPELINE,
        "Cannot ingest %s into %s: no source kind reads %s sources (known: %s). List a SourceKind"
            + " for it in %s",
        source.describe(),
        context.spec().output(),
        source.getClass().getName(),
        kinds.stream().map(kind -> kind.sourceType().getSimpleName()).toList(),
        SERVICE_FILE);
  }
}
