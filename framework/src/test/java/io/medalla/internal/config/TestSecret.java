package io.medalla.internal.config;

import static io.medalla.internal.config.ConfigFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSecret {
  @TempDir Path directory;

  @Test
  void testLiteralValueRejectedWithoutEchoingIt() {
    for (String literal :
        new String[] {"https://hooks.example/T0KEN", "env:", "file:", "hunter22"}) {
      assertThatThrownBy(() -> Secret.reference(literal))
          .isInstanceOf(ConfigType.InvalidValueException.class)
          .hasMessage("<literal value hidden>");
    }
  }

  @Test
  void testEnvironmentReference() {
    Secret secret = Secret.reference("env:TEST_SECRET_ENVIRONMENT");

    assertThat(secret.reference()).isEqualTo("env:TEST_SECRET_ENVIRONMENT");
    assertThat(secret).hasToString("secret(env:TEST_SECRET_ENVIRONMENT)");
    assertThat(secret.reveal(Map.of("TEST_SECRET_ENVIRONMENT", "pa55-from-env")))
        .isEqualTo("pa55-from-env");
    assertThat(Redaction.redact("password=pa55-from-env;"))
        .isEqualTo("password=" + Redaction.MASK + ";");
  }

  @Test
  void testBlankEnvironmentVariableIsNotSet() {
    Secret secret = Secret.reference("env:TEST_SECRET_BLANK");

    assertThatThrownBy(() -> secret.reveal(Map.of("TEST_SECRET_BLANK", "  ")))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("Cannot read secret env:TEST_SECRET_BLANK")
        .hasMessageContaining("environment variable TEST_SECRET_BLANK is not set");
  }

  @Test
  void testFileReference() {
    Path file = write(directory.resolve("token"), "  pa55-from-file \n");
    Secret secret = Secret.reference("file:" + file);

    assertThat(secret.reveal(Map.of())).isEqualTo("pa55-from-file");
    assertThat(Redaction.redact("token pa55-from-file")).isEqualTo("token " + Redaction.MASK);
  }

  @Test
  void testMissingFile() {
    Path missing = directory.resolve("missing-token");
    Secret secret = Secret.reference("file:" + missing);

    assertThatThrownBy(() -> secret.reveal(Map.of()))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("Cannot read secret file:" + missing)
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void testCredentialsOfARegisteredJdbcUrlAreMaskedWhereverTheyAppear() {
    Secret secret = Secret.reference("env:TEST_SECRET_JDBC_URL");
    secret.reveal(
        Map.of(
            "TEST_SECRET_JDBC_URL",
            "jdbc:postgresql://db.example:5432/shop?user=reporting&password=pw4Shop"));

    assertThat(Redaction.redact("FATAL: password pw4Shop rejected for user reporting"))
        .as("a password is masked on its own, a user name only inside a URL")
        .isEqualTo("FATAL: password ****** rejected for user reporting");
    assertThat(
            Redaction.redact(
                "jdbc:postgresql://db.example:5432/shop?user=reporting&password=pw4Shop"))
        .isEqualTo(Redaction.MASK);
  }

  @Test
  void testCredentialsInsideAnyJdbcUrlAreMaskedEvenWhenNotRegistered() {
    assertThat(
            Redaction.redact(
                "Cannot connect to jdbc:postgresql://db:5432/shop?user=alice&password=Wonder1and"
                    + "&ssl=true"))
        .isEqualTo(
            "Cannot connect to jdbc:postgresql://db:5432/shop?user=******&password=******"
                + "&ssl=true");
    assertThat(Redaction.redact("url jdbc:mysql://alice:Wonder1and@db:3306/shop failed"))
        .isEqualTo("url jdbc:mysql://******@db:3306/shop failed");
    assertThat(
            Redaction.redact(
                "jdbc:sqlserver://db:1433;databaseName=shop;user=alice;password=W0nder;"))
        .isEqualTo("jdbc:sqlserver://db:1433;databaseName=shop;user=******;password=******;");
    assertThat(Redaction.redact("{\"url\":\"jdbc:postgresql://db/shop?password=Wonder1and\"}"))
        .isEqualTo("{\"url\":\"jdbc:postgresql://db/shop?password=******\"}");
    assertThat(Redaction.redact("abfss://container@account.dfs.core.windows.net/warehouse"))
        .as("a user part without a password is no credential")
        .isEqualTo("abfss://container@account.dfs.core.windows.net/warehouse");
  }

  @Test
  void testWordsOfARegisteredUrlAreNotTakenForTokens() {
    Secret.reference("env:TEST_SECRET_PLAIN_JDBC_URL")
        .reveal(Map.of("TEST_SECRET_PLAIN_JDBC_URL", "jdbc:postgresql://localhost:5432/postgres"));
    Secret.reference("env:TEST_SECRET_HOOK")
        .reveal(Map.of("TEST_SECRET_HOOK", "https://hooks.example/services/T0A1B2C3/XyZ9w8v7u6"));

    assertThat(Redaction.redact("driver org.postgresql.Driver, database postgres, services up"))
        .isEqualTo("driver org.postgresql.Driver, database postgres, services up");
    assertThat(Redaction.redact("posted to T0A1B2C3 with XyZ9w8v7u6"))
        .isEqualTo("posted to ****** with ******");
  }

  @Test
  void testShortValuesAreNotMasked() {
    Redaction.register("abc");

    assertThat(Redaction.redact("abc abcd")).isEqualTo("abc abcd");
    assertThat(Redaction.redact(null)).isNull();
  }
}
