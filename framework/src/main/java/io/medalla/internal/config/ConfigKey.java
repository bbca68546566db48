package io.medalla.internal.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * One configuration key: its path, type and meaning. Defaults live in the framework's {@code
 * reference.conf}; a key absent there is optional.
 *
 * @param path the full path, for example {@code medalla.log.format}
 * @param type how the value is read and validated
 * @param description what the key controls, shown in the configuration reference
 */
public record ConfigKey<T>(String path, ConfigType<T> type, String description) {
  public ConfigKey {
    requireNonNull(path, "path is null");
    requireNonNull(type, "type is null");
    requireNonNull(description, "description is null");
  }

  /**
   * The environment variable that sets this key, for example {@code MEDALLA_LOG_FORMAT}; empty for
   * objects, which an environment variable cannot hold.
   */
  public Optional<String> environmentVariable() {
    if (type.isOpenObject()) {
      return Optional.empty();
    }
    return Optional.of(path.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
  }
}
