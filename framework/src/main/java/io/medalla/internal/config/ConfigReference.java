package io.medalla.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;

/**
 * Renders the configuration reference of README.md from the key registry and the defaults in {@code
 * reference.conf}; a test keeps the README equal to it.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** The reference as a Markdown table, one row per registered key. */
  public static String markdownTable() {
    Config defaults =
        ConfigFactory.parseResourcesAnySyntax(ConfigReference.class.getClassLoader(), "reference");
    StringBuilder table = new StringBuilder();
    table.append("| key | allowed values | default | environment variable | meaning |\n");
    table.append("|---|---|---|---|---|\n");
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      String defaultValue =
          defaults.hasPath(key.path())
              ? "`"
                  + defaults
                      .getValue(key.path())
                      .render(ConfigRenderOptions.concise())
                      .replace("|", "\\|")
                  + "`"
              : "(none)";
      table
          .append("| `")
          .append(key.path())
          .append("` | ")
          .append(key.type().allowed())
          .append(" | ")
          .append(defaultValue)
          .append(" | ")
          .append(key.environmentVariable().map(variable -> "`" + variable + "`").orElse("-"))
          .append(" | ")
          .append(key.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return table.toString();
  }
}
