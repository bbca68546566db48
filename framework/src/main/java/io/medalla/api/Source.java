package io.medalla.api;

/**
 * Where a bronze pipeline's records come from: landing files ({@link FileSource}), an operational
 * database ({@link JdbcSource}), or any kind a module adds. Each source type is read by one {@link
 * SourceKind}, which holds the kind's exactly-once rule; see its documentation.
 */
public interface Source {
  /** A short description for logs and the CLI, e.g. {@code json:product/events}. */
  String describe();
}
