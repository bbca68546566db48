package io.medalla.internal.cli;

import io.medalla.internal.config.ConfigKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes; they override configuration files and environment variables. */
final class GlobalOptions {
  @Option(
      names = "--env",
      scope = ScopeType.INHERIT,
      paramLabel = "ENV",
      description = "Environment: local, dev or prod (default: local, or MEDALLA_ENV).")
  String environment;

  @Option(
      names = "--warehouse",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Warehouse root (default: ./warehouse, or MEDALLA_WAREHOUSE).")
  String warehouse;

  @Option(
      names = "--conf",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "An extra configuration file, above conf/env/<env>.conf.")
  Path overlay;

  @Option(
      names = "--conf-dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Folder of application.conf and env/ (default: ./conf, or MEDALLA_CONF_DIR).")
  Path configDirectory;

  @Option(
      names = "--role",
      scope = ScopeType.INHERIT,
      paramLabel = "ROLE",
      description = "Read as ROLE (default: owner, or MEDALLA_GOVERNANCE_ROLE).")
  String role;

  @Option(
      names = "--set",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY=VALUE",
      description = "Set any medalla.* key, e.g. --set medalla.log.format=json.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The option values by key path, highest precedence. */
  Map<String, String> asSettings() {
    Map<String, String> values = new LinkedHashMap<>(settings);
    if (environment != null) {
      values.put(ConfigKeys.ENV.path(), environment);
    }
    if (warehouse != null) {
      values.put(ConfigKeys.WAREHOUSE.path(), warehouse);
    }
    if (role != null) {
      values.put(ConfigKeys.GOVERNANCE_ROLE.path(), role);
    }
    return values;
  }

  /** How each value was given, for error messages. */
  Map<String, String> origins() {
    Map<String, String> origins = new LinkedHashMap<>();
    settings.keySet().forEach(key -> origins.put(key, "--set " + key));
    origins.put(ConfigKeys.ENV.path(), "--env");
    origins.put(ConfigKeys.WAREHOUSE.path(), "--warehouse");
    origins.put(ConfigKeys.GOVERNANCE_ROLE.path(), "--role");
    return origins;
  }
}
