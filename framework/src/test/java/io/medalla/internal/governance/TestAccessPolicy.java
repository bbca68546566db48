package io.medalla.internal.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigLoader;
import io.medalla.internal.config.MedallaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policies' configuration: every wrong word or missing secret named before anything runs. */
class TestAccessPolicy {
  @TempDir Path directory;

  private MedallaSettings load(String governance, Map<String, String> environment)
      throws IOException {
    Path overlay =
        Files.writeString(
            directory.resolve("overlay.conf"), "medalla.governance {\n" + governance + "\n}");
    return ConfigLoader.load(
        new ConfigLoader.Request(
            directory.resolve("conf"), Optional.of(overlay), environment, Map.of(), Map.of()));
  }

  private static void assertRefused(Runnable build, ErrorCode code, String... fragments) {
    assertThatThrownBy(build::run)
        .isInstanceOfSatisfying(MedallaException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void rolesAndPoliciesAreReadFromConfiguration() throws IOException {
    MedallaSettings settings =
        load(
            "role = analyst\n"
                + "hash-salt = \"env:SALT\"\n"
                + "stored { pii = hash }\n"
                + "roles.analyst { read = [\"gold_*\"], clear = [public], show { internal = null } }",
            Map.of("SALT", "salty"));

    AccessPolicy policy = AccessPolicy.fromSettings(settings);

    assertThat(policy.role()).isEqualTo("analyst");
  }

  @Test
  void anUnknownPolicyWordIsNamedWithItsKey() throws IOException {
    MedallaSettings settings = load("stored { pii = scramble }", Map.of());

    assertRefused(
        () -> AccessPolicy.fromSettings(settings),
        ErrorCode.INVALID_CONFIGURATION,
        "medalla.governance.stored.pii",
        "scramble",
        "clear, mask, hash, token, null");
  }

  @Test
  void anUnknownClassificationOfARoleIsNamedWithItsKey() throws IOException {
    MedallaSettings settings = load("roles.analyst { read = [\"*\"], clear = [secret] }", Map.of());

    assertRefused(
        () -> AccessPolicy.fromSettings(settings),
        ErrorCode.INVALID_CONFIGURATION,
        "medalla.governance.roles.analyst.clear",
        "secret");
  }

  @Test
  void aTokenPolicyWithoutItsKeyIsRefused() throws IOException {
    MedallaSettings settings = load("stored { pii = token }", Map.of());

    assertRefused(
        () -> AccessPolicy.fromSettings(settings),
        ErrorCode.INVALID_CONFIGURATION,
        "medalla.governance.token-key is not set");
  }

  @Test
  void anUnknownRoleIsRefused() throws IOException {
    MedallaSettings settings = load("role = auditor", Map.of());

    assertRefused(
        () -> AccessPolicy.fromSettings(settings),
        ErrorCode.INVALID_CONFIGURATION,
        "Unknown role 'auditor'",
        "[owner]");
  }

  @Test
  void anUnknownMemberOfARoleIsRefusedWhenLoading() {
    assertRefused(
        () -> {
          try {
            load("roles.analyst { write = [\"*\"] }", Map.of());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        ErrorCode.INVALID_CONFIGURATION,
        "medalla.governance.roles.analyst.write is not one of ROLE.read, ROLE.clear,"
            + " ROLE.show.CLASS");
  }
}
