package io.medalla.internal.config;

import static io.medalla.internal.config.ConfigFixture.write;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestConfigLoader {
  private static final String FORK_FREE_FILES = "io.medalla.internal.spark.ForkFreeLocalFileSystem";
  private static final String FORK_FREE_FILE_CONTEXT = "io.medalla.internal.spark.ForkFreeLocalFs";
  @TempDir Path confDirectory;

  @Test
  void testDefaults() {
    Map<ConfigKey<?>, Optional<Object>> expected = new HashMap<>();
    expected.put(ConfigKeys.ENV, Optional.of("local"));
    expected.put(ConfigKeys.WAREHOUSE, Optional.of("warehouse"));
    expected.put(ConfigKeys.LANDING, Optional.empty());
    expected.put(ConfigKeys.SPARK_MASTER, Optional.empty());
    expected.put(ConfigKeys.SPARK_APP_NAME, Optional.of("medalla"));
    expected.put(
        ConfigKeys.SPARK_CONF,
        Optional.of(
            Map.ofEntries(
                Map.entry("spark.sql.session.timeZone", "UTC"),
                Map.entry("spark.sql.shuffle.partitions", "8"),
                Map.entry("spark.databricks.delta.snapshotPartitions", "8"),
                Map.entry("spark.databricks.delta.merge.materializeSource", "none"),
                Map.entry("spark.databricks.delta.incremental.commit.enabled", "true"),
                Map.entry("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "true"),
                Map.entry("spark.sql.sources.parallelPartitionDiscovery.parallelism", "8"),
                Map.entry("spark.hadoop.fs.file.impl", FORK_FREE_FILES),
                Map.entry("spark.hadoop.fs.AbstractFileSystem.file.impl", FORK_FREE_FILE_CONTEXT),
                Map.entry("spark.ui.enabled", "false"),
                Map.entry("spark.ui.showConsoleProgress", "false"),
                Map.entry("spark.databricks.delta.schema.autoMerge.enabled", "false"))));
    expected.put(ConfigKeys.LOG_FORMAT, Optional.of("text"));
    expected.put(ConfigKeys.LOG_LEVEL, Optional.of("info"));
    expected.put(ConfigKeys.ALERT_SINKS, Optional.of(List.of("log")));
    expected.put(ConfigKeys.ALERT_WEBHOOK_URL, Optional.empty());
    expected.put(ConfigKeys.ALERT_WEBHOOK_TIMEOUT, Optional.of(Duration.ofSeconds(10)));
    expected.put(ConfigKeys.RUN_LISTENERS, Optional.of(List.of()));
    expected.put(ConfigKeys.METRICS_HISTORY_RUNS, Optional.of(10));
    expected.put(ConfigKeys.METRICS_MIN_HISTORY, Optional.of(3));
    expected.put(ConfigKeys.METRICS_MAX_SLOWDOWN, Optional.of(5.0));
    expected.put(ConfigKeys.METRICS_MAX_READ_GROWTH, Optional.of(10.0));
    expected.put(ConfigKeys.METRICS_PUSHGATEWAY_URL, Optional.empty());
    expected.put(ConfigKeys.METRICS_PUSHGATEWAY_TIMEOUT, Optional.of(Duration.ofSeconds(10)));
    expected.put(ConfigKeys.SLO_WINDOW, Optional.of(Duration.ofDays(28)));
    expected.put(ConfigKeys.LINEAGE_TRANSPORT, Optional.of("none"));
    expected.put(ConfigKeys.GOVERNANCE_REQUIRE_CLASSIFICATION, Optional.of(false));
    expected.put(ConfigKeys.GOVERNANCE_ROLE, Optional.of("owner"));
    expected.put(
        ConfigKeys.GOVERNANCE_ROLES,
        Optional.of(
            Map.of(
                "owner",
                new RoleGrant(
                    List.of("*"),
                    List.of("public", "internal", "confidential", "pii"),
                    Map.of()))));
    expected.put(ConfigKeys.GOVERNANCE_STORED, Optional.of(Map.of()));
    expected.put(ConfigKeys.GOVERNANCE_HASH_SALT, Optional.empty());
    expected.put(ConfigKeys.GOVERNANCE_TOKEN_KEY, Optional.empty());
    expected.put(ConfigKeys.GOVERNANCE_AUDIT, Optional.of(true));
    expected.put(ConfigKeys.LINEAGE_NAMESPACE, Optional.of("medalla"));
    expected.put(ConfigKeys.LINEAGE_FILE, Optional.empty());
    expected.put(ConfigKeys.LINEAGE_HTTP_URL, Optional.empty());
    expected.put(ConfigKeys.LINEAGE_HTTP_ENDPOINT, Optional.of("/api/v1/lineage"));
    expected.put(ConfigKeys.LINEAGE_HTTP_API_KEY, Optional.empty());
    expected.put(ConfigKeys.LINEAGE_HTTP_TIMEOUT, Optional.of(Duration.ofSeconds(5)));
    expected.put(ConfigKeys.WRITE_PRINCIPAL, Optional.empty());
    expected.put(ConfigKeys.COMMIT_MAX_RETRIES, Optional.of(3));
    expected.put(ConfigKeys.COMMIT_INITIAL_BACKOFF, Optional.of(Duration.ofSeconds(1)));
    expected.put(ConfigKeys.COMMIT_MAX_BACKOFF, Optional.of(Duration.ofSeconds(10)));
    expected.put(ConfigKeys.COMMIT_TOTAL_TIMEOUT, Optional.of(Duration.ofMinutes(5)));
    expected.put(ConfigKeys.VACUUM_RETENTION, Optional.of(Duration.ofHours(168)));
    expected.put(ConfigKeys.CONNECTIONS, Optional.of(Map.of()));
    expected.put(ConfigKeys.QUALITY_THRESHOLDS, Optional.of(Map.of()));
    expected.put(ConfigKeys.DEMO_SCALE, Optional.of(1));
    expected.put(ConfigKeys.DEMO_DAYS, Optional.of(7));
    expected.put(ConfigKeys.DEMO_START_DATE, Optional.of(LocalDate.of(2026, 11, 1)));
    expected.put(ConfigKeys.DEMO_SEED, Optional.of(42L));

    // A key added to the registry must get its default checked here.
    assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(ConfigKeys.ALL);

    MedallaSettings settings = load(Map.of(), Map.of());
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      assertThat(settings.find(key)).as(key.path()).isEqualTo(expected.get(key));
    }
    assertThat(settings.environment()).isEqualTo("local");
    assertThat(settings.warehouse()).isEqualTo("warehouse");
    assertThat(settings.landing()).isEqualTo("warehouse/_landing");
    assertThat(settings.origin(ConfigKeys.LOG_FORMAT).orElseThrow()).contains("reference");
    assertThat(settings.origin(ConfigKeys.WRITE_PRINCIPAL)).isEmpty();
  }

  @Test
  void testEnvironmentVariableNames() {
    assertThat(ConfigKeys.COMMIT_MAX_RETRIES.environmentVariable())
        .contains("MEDALLA_COMMIT_MAX_RETRIES");
    assertThat(ConfigKeys.ALERT_WEBHOOK_URL.environmentVariable())
        .contains("MEDALLA_ALERT_WEBHOOK_URL");
    assertThat(ConfigKeys.ENV.environmentVariable()).contains("MEDALLA_ENV");
    assertThat(ConfigKeys.WAREHOUSE.environmentVariable()).contains("MEDALLA_WAREHOUSE");
    assertThat(ConfigKeys.SPARK_CONF.environmentVariable())
        .as("an object cannot come from one variable")
        .isEmpty();
    assertThat(
            ConfigKeys.ALL.stream()
                .map(ConfigKey::environmentVariable)
                .flatMap(java.util.Optional::stream)
                .collect(toSet()))
        .hasSize((int) ConfigKeys.ALL.stream().filter(key -> !key.type().isOpenObject()).count());
  }

  @Test
  void testRegistryLookup() {
    assertThat(ConfigKeys.find("medalla.log.format")).contains(ConfigKeys.LOG_FORMAT);
    assertThat(ConfigKeys.find("medalla.lgo.format")).isEmpty();
    assertThat(ConfigKeys.ALL.stream().map(ConfigKey::path))
        .doesNotHaveDuplicates()
        .allMatch(path -> path.startsWith(ConfigKeys.NAMESPACE + "."));
  }

  @Test
  void testPrecedence() {
    write(
        confDirectory.resolve("application.conf"),
        """
        medalla {
          demo { scale = 2, days = 2, seed = 2 }
          commit.max-retries = 2
          spark.app-name = from-application
        }
        """);
    write(
        confDirectory.resolve("env/local.conf"),
        """
        medalla {
          demo { days = 3, seed = 3 }
          commit.max-retries = 3
          spark.app-name = from-env-file
        }
        """);
    Path overlay =
        write(
            confDirectory.resolve("overlay.conf"),
            """
            medalla.demo.seed = 4
            medalla.commit.max-retries = 4
            medalla.spark.app-name = from-overlay
            """);
    Map<String, String> environment =
        Map.of(
            "MEDALLA_COMMIT_MAX_RETRIES", "5",
            "MEDALLA_SPARK_APP_NAME", "from-environment",
            "MEDALLA_NOT_A_KEY", "ignored");
    Map<String, String> options = Map.of("medalla.spark.app-name", "from-option");

    MedallaSettings settings =
        ConfigLoader.load(
            new ConfigLoader.Request(
                confDirectory,
                Optional.of(overlay),
                environment,
                options,
                Map.of("medalla.spark.app-name", "--app-name")));

    assertThat(settings.get(ConfigKeys.DEMO_START_DATE)).isEqualTo(LocalDate.of(2026, 11, 1));
    assertThat(settings.get(ConfigKeys.DEMO_SCALE)).isEqualTo(2);
    assertThat(settings.get(ConfigKeys.DEMO_DAYS)).isEqualTo(3);
    assertThat(settings.get(ConfigKeys.DEMO_SEED)).isEqualTo(4L);
    assertThat(settings.get(ConfigKeys.COMMIT_MAX_RETRIES)).isEqualTo(5);
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("from-option");

    assertThat(settings.origin(ConfigKeys.DEMO_SCALE).orElseThrow()).contains("application.conf");
    assertThat(settings.origin(ConfigKeys.DEMO_DAYS).orElseThrow()).contains("local.conf");
    assertThat(settings.origin(ConfigKeys.DEMO_SEED).orElseThrow()).contains("overlay.conf");
    assertThat(settings.origin(ConfigKeys.COMMIT_MAX_RETRIES).orElseThrow())
        .contains("environment variable MEDALLA_COMMIT_MAX_RETRIES");
    assertThat(settings.origin(ConfigKeys.SPARK_APP_NAME).orElseThrow())
        .contains("command-line option --app-name");
  }

  @Test
  void testEnvironmentFileChosenByOption() {
    writeEnvironmentFiles();

    MedallaSettings settings = load(Map.of(), Map.of("medalla.env", "dev"));

    assertThat(settings.environment()).isEqualTo("dev");
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("dev-app");
    assertThat(settings.get(ConfigKeys.WRITE_PRINCIPAL)).isEqualTo("svc-dev");
  }

  @Test
  void testEnvironmentFileChosenByEnvironmentVariable() {
    writeEnvironmentFiles();

    MedallaSettings settings = load(Map.of("MEDALLA_ENV", "prod"), Map.of());

    assertThat(settings.environment()).isEqualTo("prod");
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("prod-app");
    assertThat(settings.origin(ConfigKeys.ENV).orElseThrow()).contains("MEDALLA_ENV");
  }

  @Test
  void testEnvironmentOptionBeatsEnvironmentVariable() {
    writeEnvironmentFiles();

    MedallaSettings settings = load(Map.of("MEDALLA_ENV", "prod"), Map.of("medalla.env", "dev"));

    assertThat(settings.environment()).isEqualTo("dev");
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("dev-app");
  }

  @Test
  void testEnvironmentFileChosenByApplicationConf() {
    writeEnvironmentFiles();
    write(confDirectory.resolve("application.conf"), "medalla.env = prod\n");

    MedallaSettings settings = load(Map.of(), Map.of());

    assertThat(settings.environment()).isEqualTo("prod");
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("prod-app");
  }

  @Test
  void testEnvironmentFileChosenByOverlay() {
    writeEnvironmentFiles();
    Path overlay = write(confDirectory.resolve("overlay.conf"), "medalla.env = prod\n");

    MedallaSettings settings =
        ConfigLoader.load(
            new ConfigLoader.Request(
                confDirectory, Optional.of(overlay), Map.of(), Map.of(), Map.of()));

    assertThat(settings.environment()).isEqualTo("prod");
    assertThat(settings.get(ConfigKeys.SPARK_APP_NAME)).isEqualTo("prod-app");
    assertThat(settings.get(ConfigKeys.WRITE_PRINCIPAL)).isEqualTo("svc-prod");
  }

  @Test
  void testUnknownKeyInFile() {
    write(confDirectory.resolve("application.conf"), "medalla {\n  lgo.format = json\n}\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("unknown key medalla.lgo.format")
        .hasMessageContaining("application.conf")
        .hasMessageContaining("did you mean medalla.log.format");
  }

  @Test
  void testUnknownKeyWithoutNearMatch() {
    assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.completely.unrelated", "1")))
        .hasMessageContaining("unknown key medalla.completely.unrelated")
        .hasMessageContaining("no such key is registered");
  }

  @Test
  void testWrongType() {
    write(confDirectory.resolve("application.conf"), "medalla.commit.max-retries = \"many\"\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("invalid value for medalla.commit.max-retries")
        .hasMessageContaining("application.conf")
        .hasMessageContaining("many")
        .hasMessageContaining("allowed: an integer of at least 0");
  }

  @Test
  void testWrongTypeFromEnvironmentVariable() {
    assertInvalidConfiguration(() -> load(Map.of("MEDALLA_DEMO_SCALE", "0"), Map.of()))
        .hasMessageContaining("invalid value for medalla.demo.scale")
        .hasMessageContaining("environment variable MEDALLA_DEMO_SCALE")
        .hasMessageContaining("got '0'")
        .hasMessageContaining("allowed: an integer of at least 1");
  }

  @Test
  void testInvalidDate() {
    assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.demo.start-date", "01/11/26")))
        .hasMessageContaining("invalid value for medalla.demo.start-date")
        .hasMessageContaining("01/11/26")
        .hasMessageContaining("a date YYYY-MM-DD");
  }

  @Test
  void testNegativeDuration() {
    assertInvalidConfiguration(
            () -> load(Map.of(), Map.of("medalla.commit.initial-backoff", "-1s")))
        .hasMessageContaining("invalid value for medalla.commit.initial-backoff")
        .hasMessageContaining("a positive duration");
  }

  @Test
  void testInvalidLogFormat() {
    write(confDirectory.resolve("application.conf"), "medalla.log.format = xml\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("invalid value for medalla.log.format")
        .hasMessageContaining("application.conf")
        .hasMessageContaining("'xml'")
        .hasMessageContaining("allowed: one of text, json");
  }

  @Test
  void testUnknownEnvironmentRejected() {
    assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.env", "staging")))
        .hasMessageContaining("invalid value for medalla.env")
        .hasMessageContaining("'staging'")
        .hasMessageContaining("allowed: one of local, dev, prod");
  }

  @Test
  void testEveryProblemReportedAtOnce() {
    write(
        confDirectory.resolve("application.conf"),
        "medalla { lgo.format = json, commit.max-retries = many, log.level = loud }\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("medalla.lgo.format")
        .hasMessageContaining("medalla.commit.max-retries")
        .hasMessageContaining("medalla.log.level");
  }

  @Test
  void testWritePrincipalRequiredInDevAndProd() {
    for (String environment : List.of("dev", "prod")) {
      assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.env", environment)))
          .hasMessageContaining("missing required key medalla.security.write-principal")
          .hasMessageContaining("environment " + environment)
          .hasMessageContaining("conf/env/" + environment + ".conf");
    }
    MedallaSettings settings =
        load(
            Map.of(),
            Map.of("medalla.env", "prod", "medalla.security.write-principal", "svc-medalla"));
    assertThat(settings.get(ConfigKeys.WRITE_PRINCIPAL)).isEqualTo("svc-medalla");
  }

  @Test
  void testHttpLineageNeedsUrl() {
    assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.lineage.transport", "http")))
        .hasMessageContaining("missing required key medalla.lineage.http.url");
    assertInvalidConfiguration(() -> load(Map.of(), Map.of("medalla.lineage.transport", "kafka")))
        .hasMessageContaining("invalid value for medalla.lineage.transport");
  }

  @Test
  void testWebhookSinkNeedsUrl() {
    write(confDirectory.resolve("application.conf"), "medalla.alert.sinks = [log, webhook]\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("missing required key medalla.alert.webhook.url")
        .hasMessageContaining("env:VARIABLE_NAME or file:/path");
  }

  @Test
  void testLiteralSecretRejectedWithoutPrintingIt() {
    write(
        confDirectory.resolve("application.conf"),
        "medalla.alert.webhook.url = \"https://hooks.example/T0KEN\"\n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("invalid value for medalla.alert.webhook.url")
        .hasMessageContaining("application.conf")
        .hasMessageContaining("env:VARIABLE_NAME or file:")
        .hasMessageNotContaining("T0KEN")
        .hasMessageNotContaining("hooks.example");
  }

  @Test
  void testLiteralSecretFromEnvironmentVariableRejectedWithoutPrintingIt() {
    assertInvalidConfiguration(
            () ->
                load(Map.of("MEDALLA_ALERT_WEBHOOK_URL", "https://hooks.example/T0KEN"), Map.of()))
        .hasMessageContaining("invalid value for medalla.alert.webhook.url")
        .hasMessageContaining("MEDALLA_ALERT_WEBHOOK_URL")
        .hasMessageNotContaining("T0KEN");
  }

  @Test
  void testEnvironmentSecretRevealedAndRedacted() {
    String value = "https://hooks.example/env-secret-3f9a";
    MedallaSettings settings =
        load(
            Map.of("TEST_HOOK_ENV", value),
            Map.of("medalla.alert.webhook.url", "env:TEST_HOOK_ENV"));

    assertThat(settings.get(ConfigKeys.ALERT_WEBHOOK_URL).reference())
        .isEqualTo("env:TEST_HOOK_ENV");
    assertThat(settings.get(ConfigKeys.ALERT_WEBHOOK_URL).toString())
        .doesNotContain("env-secret-3f9a");
    assertThat(settings.secret(ConfigKeys.ALERT_WEBHOOK_URL)).contains(value);
    assertThat(Redaction.redact("posting to " + value + " failed"))
        .isEqualTo("posting to " + Redaction.MASK + " failed");
  }

  @Test
  void testFileSecretRevealedAndRedacted() {
    Path secretFile = write(confDirectory.resolve("secrets/hook"), "https://hooks.example/f1le\n");
    write(
        confDirectory.resolve("application.conf"),
        "medalla.alert.webhook.url = \"file:" + secretFile + "\"\n");

    MedallaSettings settings = load(Map.of(), Map.of());

    assertThat(settings.secret(ConfigKeys.ALERT_WEBHOOK_URL))
        .contains("https://hooks.example/f1le");
    assertThat(Redaction.redact("error at https://hooks.example/f1le"))
        .isEqualTo("error at " + Redaction.MASK);
  }

  @Test
  void testSecretNotSet() {
    MedallaSettings settings =
        load(Map.of(), Map.of("medalla.alert.webhook.url", "env:TEST_HOOK_NOT_SET"));

    assertThatThrownBy(() -> settings.secret(ConfigKeys.ALERT_WEBHOOK_URL))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("Cannot read secret env:TEST_HOOK_NOT_SET")
        .hasMessageContaining("environment variable TEST_HOOK_NOT_SET is not set");
  }

  @Test
  void testListFromEnvironmentVariable() {
    MedallaSettings settings =
        load(
            Map.of(
                "MEDALLA_ALERT_SINKS", "log,webhook",
                "MEDALLA_ALERT_WEBHOOK_URL", "env:TEST_HOOK_LIST"),
            Map.of());

    assertThat(settings.get(ConfigKeys.ALERT_SINKS)).containsExactly("log", "webhook");
    assertThat(
            load(Map.of("MEDALLA_ALERT_SINKS", "log , custom"), Map.of())
                .get(ConfigKeys.ALERT_SINKS))
        .containsExactly("log", "custom");
  }

  @Test
  void testListFromOption() {
    MedallaSettings settings = load(Map.of(), Map.of("medalla.alert.sinks", "log"));

    assertThat(settings.get(ConfigKeys.ALERT_SINKS)).containsExactly("log");
  }

  @Test
  void testSparkConfAcceptsFreeFormMembers() {
    write(
        confDirectory.resolve("application.conf"),
        """
        medalla.spark.conf {
          "spark.executor.memory" = 2g
          "spark.sql.shuffle.partitions" = 4
          spark.sql.adaptive.enabled = true
          "spark.local.dir" = ${medalla.warehouse}"/spark-tmp"
        }
        """);

    MedallaSettings settings = load(Map.of(), Map.of("medalla.warehouse", "/data"));

    assertThat(settings.get(ConfigKeys.SPARK_CONF))
        .containsEntry("spark.executor.memory", "2g")
        .containsEntry("spark.sql.shuffle.partitions", "4")
        .containsEntry("spark.sql.adaptive.enabled", "true")
        .containsEntry("spark.local.dir", "/data/spark-tmp")
        .containsEntry("spark.sql.session.timeZone", "UTC");
  }

  @Test
  void testSparkConfUnquotedOverrideOfDefault() {
    write(
        confDirectory.resolve("application.conf"),
        """
        medalla.spark.conf.spark.sql.shuffle.partitions = 2
        medalla.spark.conf.spark.sql.session.timeZone = Europe/Paris
        medalla.spark.conf.spark.ui.enabled = true
        medalla.spark.conf.spark.ui.showConsoleProgress = true
        medalla.spark.conf.spark.databricks.delta.schema.autoMerge.enabled = true
        medalla.spark.conf.spark.databricks.delta.snapshotPartitions = 50
        """);

    MedallaSettings settings = load(Map.of(), Map.of());

    assertThat(settings.get(ConfigKeys.SPARK_CONF))
        .containsOnly(
            Map.entry("spark.sql.shuffle.partitions", "2"),
            Map.entry("spark.sql.session.timeZone", "Europe/Paris"),
            Map.entry("spark.ui.enabled", "true"),
            Map.entry("spark.ui.showConsoleProgress", "true"),
            Map.entry("spark.databricks.delta.schema.autoMerge.enabled", "true"),
            Map.entry("spark.databricks.delta.snapshotPartitions", "50"),
            Map.entry("spark.databricks.delta.merge.materializeSource", "none"),
            Map.entry("spark.databricks.delta.incremental.commit.enabled", "true"),
            Map.entry("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "true"),
            Map.entry("spark.sql.sources.parallelPartitionDiscovery.parallelism", "8"),
            Map.entry("spark.hadoop.fs.file.impl", FORK_FREE_FILES),
            Map.entry("spark.hadoop.fs.AbstractFileSystem.file.impl", FORK_FREE_FILE_CONTEXT));
    assertThat(
            load(Map.of(), Map.of("medalla.spark.conf.spark.ui.enabled", "false"))
                .get(ConfigKeys.SPARK_CONF))
        .containsEntry("spark.ui.enabled", "false")
        .containsEntry("spark.sql.shuffle.partitions", "2");
  }

  @Test
  void testMissingOverlayFile() {
    Path missing = confDirectory.resolve("does-not-exist.conf");

    assertInvalidConfiguration(
            () ->
                ConfigLoader.load(
                    new ConfigLoader.Request(
                        confDirectory, Optional.of(missing), Map.of(), Map.of(), Map.of())))
        .hasMessageContaining("Cannot read configuration file " + missing)
        .hasMessageContaining("does not exist");
  }

  @Test
  void testUnparseableFile() {
    write(confDirectory.resolve("application.conf"), "medalla { log.format = \n");

    assertInvalidConfiguration(() -> load(Map.of(), Map.of()))
        .hasMessageContaining("Cannot parse configuration file")
        .hasMessageContaining("application.conf");
  }

  @Test
  void testWithOverridesKeepsOtherValues() {
    MedallaSettings settings = load(Map.of(), Map.of());

    MedallaSettings changed = settings.with(Map.of(ConfigKeys.WAREHOUSE, "/data/warehouse"));

    assertThat(changed.warehouse()).isEqualTo("/data/warehouse");
    assertThat(changed.landing()).isEqualTo("/data/warehouse/_landing");
    assertThat(changed.get(ConfigKeys.DEMO_SEED)).isEqualTo(42L);
    assertThat(settings.warehouse()).isEqualTo("warehouse");
  }

  @Test
  void testLandingSetExplicitly() {
    MedallaSettings settings = load(Map.of("MEDALLA_LANDING", "/landing"), Map.of());

    assertThat(settings.landing()).isEqualTo("/landing");
  }

  private void writeEnvironmentFiles() {
    write(confDirectory.resolve("env/local.conf"), "medalla.spark.app-name = local-app\n");
    write(
        confDirectory.resolve("env/dev.conf"),
        "medalla { spark.app-name = dev-app, security.write-principal = svc-dev }\n");
    write(
        confDirectory.resolve("env/prod.conf"),
        "medalla { spark.app-name = prod-app, security.write-principal = svc-prod }\n");
  }

  private MedallaSettings load(Map<String, String> environment, Map<String, String> options) {
    return ConfigLoader.load(
        new ConfigLoader.Request(confDirectory, Optional.empty(), environment, options, Map.of()));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidConfiguration(
      ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION));
  }
}
