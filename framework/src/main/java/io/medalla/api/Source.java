package io.medalla.api;

/**
 * Where a bronze pipeline's records come from: landing files ({@link FileSource}) or an operational
 * database ({@link JdbcSource}). Each source kind has its own exactly-once rule; see its
 * documentation.
 */
public sealed interface Source permits FileSource, JdbcSource {
  /** A short description for logs and the CLI, e.g. {@code json:product/events}. */
  String describe();
}
