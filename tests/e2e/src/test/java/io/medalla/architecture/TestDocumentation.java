package io.medalla.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.internal.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's configuration reference equal to the key registry. */
class TestDocumentation {
  private static final String START = "<!-- config-reference:start -->\n";
  private static final String END = "<!-- config-reference:end -->";

  @Test
  void readmeConfigurationReferenceMatchesTheRegistry() throws Exception {
    String readme = Files.readString(Path.of("..", "..", "README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README.md has the %s marker", START.strip()).isNotNegative();
    assertThat(end).as("README.md has the %s marker", END).isGreaterThan(start);

    assertThat(readme.substring(start + START.length(), end))
        .as("README.md configuration reference; replace it with the expected table")
        .isEqualTo(ConfigReference.markdownTable());
  }
}
