package io.medalla.internal.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads and validates configuration. Precedence, highest first: command-line options, environment
 * variables ({@code MEDALLA_*}, one per registered key), the {@code --conf} overlay, {@code
 * conf/env/<env>.conf}, {@code conf/application.conf}, the framework's {@code reference.conf}.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * What to load.
   *
   * @param configDirectory the folder holding {@code application.conf} and {@code env/}; it may be
   *     missing
   * @param overlay an extra file given with {@code --conf}; it must exist
   * @param environmentVariables the process environment
   * @param options values from command-line options, by key path
   * @param optionOrigins how each option was given, for messages (e.g. {@code --warehouse})
   */
  public record Request(
      Path configDirectory,
      Optional<Path> overlay,
      Map<String, String> environmentVariables,
      Map<String, String> options,
      Map<String, String> optionOrigins) {
    public Request {
      requireNonNull(configDirectory, "configDirectory is null");
      requireNonNull(overlay, "overlay is null");
      environmentVariables = Map.copyOf(environmentVariables);
      options = Map.copyOf(options);
      optionOrigins = Map.copyOf(optionOrigins);
    }
  }

  /**
   * Loads, merges and validates the configuration.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} listing every unknown
   *     key, wrong type and missing required key, each with its origin and what is allowed
   */
  public static MedallaSettings load(Request request) {
    Config reference =
        ConfigFactory.parseResourcesAnySyntax(ConfigLoader.class.getClassLoader(), "reference");
    Config application = parseOptionalFile(request.configDirectory().resolve("application.conf"));
    Config options = fromStrings(request.options(), request.optionOrigins(), "command-line option");
    Config environmentVariables = fromEnvironment(request.environmentVariables());
    Config overlay =
        request.overlay().map(ConfigLoader::parseRequiredFile).orElse(ConfigFactory.empty());

    ConfigValue environment =
        options
            .withFallback(environmentVariables)
            .withFallback(overlay)
            .withFallback(application)
            .withFallback(reference)
            .getValue(ConfigKeys.ENV.path());
    Config environmentFile =
        ConfigKeys.ENVIRONMENTS.contains(environment.unwrapped())
            ? parseOptionalFile(
                request.configDirectory().resolve("env/" + environment.unwrapped() + ".conf"))
            : ConfigFactory.empty();

    Config merged;
    try {
      merged =
          Stream.of(options, environmentVariables, overlay, environmentFile, application, reference)
              .map(ConfigLoader::flattenOpenObjects)
              .reduce(ConfigFactory.empty(), Config::withFallback)
              .resolve();
    } catch (ConfigException e) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION, "Invalid configuration: %s", e.getMessage());
    }
    return validate(merged, request.environmentVariables());
  }

  private static MedallaSettings validate(Config merged, Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    if (!merged.hasPath(ConfigKeys.NAMESPACE)) {
      problems.add("the medalla namespace is missing");
    }
    for (Map.Entry<String, ConfigValue> entry : merged.getConfig(ConfigKeys.NAMESPACE).entrySet()) {
      String path = ConfigKeys.NAMESPACE + "." + entry.getKey();
      if (ConfigKeys.find(path).isEmpty() && !isInsideOpenObject(path)) {
        problems.add(
            String.format(
                "unknown key %s (%s)%s",
                path, entry.getValue().origin().description(), suggestion(path)));
      }
    }
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    Map<String, String> origins = new HashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      if (!merged.hasPath(key.path())) {
        continue;
      }
      String origin = merged.getValue(key.path()).origin().description();
      origins.put(key.path(), origin);
      try {
        values.put(key, key.type().read(merged, key.path()));
      } catch (ConfigException | ConfigType.InvalidValueException e) {
        problems.add(
            key.type() == ConfigType.SECRET
                ? String.format(
                    "invalid value for %s (%s): a literal value (hidden); it must be %s",
                    key.path(), origin, key.type().allowed())
                : String.format(
                    "invalid value for %s (%s): got %s; allowed: %s",
                    key.path(), origin, shownValue(merged, key, e), key.type().allowed()));
      }
    }
    Object environmentName = values.get(ConfigKeys.ENV);
    boolean needsPrincipal = "dev".equals(environmentName) || "prod".equals(environmentName);
    if (needsPrincipal && !values.containsKey(ConfigKeys.WRITE_PRINCIPAL)) {
      problems.add(
          String.format(
              "missing required key %s: environment %s writes only as its configured principal;"
                  + " set it in conf/env/%s.conf",
              ConfigKeys.WRITE_PRINCIPAL.path(), environmentName, environmentName));
    }
    Object sinks = values.get(ConfigKeys.ALERT_SINKS);
    if (sinks instanceof List<?> list
        && list.contains("webhook")
        && !merged.hasPath(ConfigKeys.ALERT_WEBHOOK_URL.path())) {
      problems.add(
          String.format(
              "missing required key %s: medalla.alert.sinks includes webhook; set it to"
                  + " env:VARIABLE_NAME or file:/path",
              ConfigKeys.ALERT_WEBHOOK_URL.path()));
    }
    if ("http".equals(values.get(ConfigKeys.LINEAGE_TRANSPORT))
        && !merged.hasPath(ConfigKeys.LINEAGE_HTTP_URL.path())) {
      problems.add(
          String.format(
              "missing required key %s: medalla.lineage.transport is http; set it to the"
                  + " endpoint's base URL, e.g. http://marquez:5000",
              ConfigKeys.LINEAGE_HTTP_URL.path()));
    }
    if (!problems.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Invalid configuration:%n  - %s%nSee the configuration reference in README.md.",
          String.join(String.format("%n  - "), problems));
    }
    return new MedallaSettings(values, origins, environment);
  }

  private static String shownValue(Config merged, ConfigKey<?> key, Exception e) {
    if (e instanceof ConfigType.InvalidValueException invalid) {
      // A secret type's own message names members, never values.
      return "'"
          + e.getMessage()
          + "'"
          + invalid.reason().map(reason -> " (" + reason + ")").orElse("");
    }
    if (key.type().holdsSecrets()) {
      return "a value of another kind (hidden)";
    }
    return merged.getValue(key.path()).render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  private static boolean isInsideOpenObject(String path) {
    return ConfigKeys.ALL.stream()
        .anyMatch(key -> key.type().isOpenObject() && path.startsWith(key.path() + "."));
  }

  private static String suggestion(String path) {
    return ConfigKeys.ALL.stream()
        .map(ConfigKey::path)
        .min(Comparator.comparingInt(known -> editDistance(known, path)))
        .filter(known -> editDistance(known, path) <= Math.max(3, path.length() / 4))
        .map(known -> "; did you mean " + known + "?")
        .orElse("; no such key is registered");
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * Rewrites each free-form object (such as {@code medalla.spark.conf}) of one layer so that every
   * member is a single key: {@code spark.ui.enabled = true} and {@code "spark.ui.enabled" = true}
   * then name the same setting, and the layer with the higher precedence wins whichever way each
   * layer spells it.
   */
  private static Config flattenOpenObjects(Config layer) {
    Config result = layer;
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      if (!key.type().isOpenObject()) {
        continue;
      }
      try {
        ConfigValue value = layer.root();
        for (String element : ConfigUtil.splitPath(key.path())) {
          value = value instanceof ConfigObject object ? object.get(element) : null;
        }
        if (value instanceof ConfigObject object) {
          Map<String, ConfigValue> members = new LinkedHashMap<>();
          flatten("", object, members);
          result =
              result.withValue(
                  key.path(), ConfigValueFactory.fromMap(members, object.origin().description()));
        }
      } catch (ConfigException.NotResolved e) {
        // A substitution merged into the object: keep the layer as written.
      }
    }
    return result;
  }

  private static void flatten(String prefix, ConfigObject object, Map<String, ConfigValue> into) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String name = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      if (entry.getValue() instanceof ConfigObject child) {
        flatten(name, child, into);
      } else {
        into.put(name, entry.getValue());
      }
    }
  }

  private static Config fromEnvironment(Map<String, String> environmentVariables) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new HashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      key.environmentVariable()
          .filter(environmentVariables::containsKey)
          .ifPresent(
              variable -> {
                values.put(key.path(), environmentVariables.get(variable));
                origins.put(key.path(), variable);
              });
    }
    return fromStrings(values, origins, "environment variable");
  }

  private static Config fromStrings(
      Map<String, String> values, Map<String, String> origins, String originKind) {
    Config config = ConfigFactory.empty();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String path = entry.getKey();
      Object value = entry.getValue();
      boolean isList =
          ConfigKeys.find(path).map(key -> key.type() == ConfigType.STRING_LIST).orElse(false);
      if (isList) {
        value = List.of(entry.getValue().split("\\s*,\\s*"));
      }
      String origin = originKind + " " + origins.getOrDefault(path, path);
      config = ConfigFactory.parseMap(Map.of(path, value), origin).withFallback(config);
    }
    return config;
  }

  private static Config parseOptionalFile(Path file) {
    return Files.isRegularFile(file) ? parseRequiredFile(file) : ConfigFactory.empty();
  }

  private static Config parseRequiredFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Cannot read configuration file %s: it does not exist. Check the --conf path",
          file);
    }
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Cannot parse configuration file %s: %s",
          file,
          e.getMessage());
    }
  }
}
