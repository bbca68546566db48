package io.medalla.internal.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Builds settings for tests the way the CLI does: through {@link ConfigLoader}. */
public final class ConfigFixture {
  private ConfigFixture() {}

  /** Settings from {@code reference.conf} and the given options, with no configuration folder. */
  public static MedallaSettings settings(Path workDirectory, Map<String, String> options) {
    return settings(workDirectory, Map.of(), options);
  }

  /** Settings from {@code reference.conf}, the given environment variables and options. */
  public static MedallaSettings settings(
      Path workDirectory, Map<String, String> environment, Map<String, String> options) {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            workDirectory.resolve("no-such-conf"),
            Optional.empty(),
            environment,
            options,
            Map.of()));
  }

  /** Writes {@code text} to {@code file}, creating its folders. */
  public static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
