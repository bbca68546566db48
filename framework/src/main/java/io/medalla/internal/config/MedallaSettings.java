package io.medalla.internal.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration of one process. Every registered key was read and type-checked at
 * load time, so the accessors here cannot fail.
 */
public final class MedallaSettings {
  private final Map<ConfigKey<?>, Object> values;
  private final Map<String, String> origins;
  private final Map<String, String> environment;

  MedallaSettings(
      Map<ConfigKey<?>, Object> values,
      Map<String, String> origins,
      Map<String, String> environment) {
    this.values = Map.copyOf(values);
    this.origins = Map.copyOf(origins);
    this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
  }

  /** The value of a key that has a default or was set. */
  public <T> T get(ConfigKey<T> key) {
    return find(key)
        .orElseThrow(() -> new IllegalStateException("No value and no default for " + key.path()));
  }

  /** The value of an optional key, if set. */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(ConfigKey<T> key) {
    return Optional.ofNullable((T) values.get(key));
  }

  /** Where the key's value came from (a file and line, an environment variable, an option). */
  public Optional<String> origin(ConfigKey<?> key) {
    return Optional.ofNullable(origins.get(key.path()));
  }

  /** The environment name: local, dev or prod. */
  public String environment() {
    return get(ConfigKeys.ENV);
  }

  /** The warehouse root. */
  public String warehouse() {
    return get(ConfigKeys.WAREHOUSE);
  }

  /** The landing root: {@code medalla.landing}, or {@code <warehouse>/_landing}. */
  public String landing() {
    return find(ConfigKeys.LANDING).orElse(warehouse() + "/_landing");
  }

  /** Reads a secret setting's value; the value is registered for redaction. */
  public Optional<String> secret(ConfigKey<Secret> key) {
    return find(key).map(secret -> secret.reveal(environment));
  }

  /**
   * Reads the value of a secret referenced inside an object setting, such as a member of {@code
   * medalla.connections}; the value is registered for redaction.
   *
   * @throws io.medalla.api.MedallaException with {@code INVALID_CONFIGURATION} when the variable is
   *     not set or the file cannot be read
   */
  public String reveal(Secret secret) {
    return requireNonNull(secret, "secret is null").reveal(environment);
  }

  /**
   * The SHA-256 of every key's value (secrets by their reference, never their value), as hex: equal
   * for two processes configured alike, whatever the files and variables that set them.
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      text.append(key.path()).append('=').append(values.get(key)).append('\n');
    }
    return Sha256.hex(text.toString());
  }

  /** A copy with other values for some keys, for tests and programmatic runs. */
  public MedallaSettings with(Map<ConfigKey<?>, Object> overrides) {
    Map<ConfigKey<?>, Object> merged = new java.util.HashMap<>(values);
    merged.putAll(overrides);
    return new MedallaSettings(merged, origins, environment);
  }
}
