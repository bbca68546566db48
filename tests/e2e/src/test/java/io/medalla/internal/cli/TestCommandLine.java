package io.medalla.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI contract that needs no data: help, validation, exit codes and JSON listings. */
class TestCommandLine {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;
  private CliRunner cli;

  @BeforeEach
  void createCli() {
    cli = new CliRunner(directory, Map.of());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demo",
        "run",
        "backfill",
        "list",
        "describe",
        "validate",
        "status",
        "slo",
        "incidents",
        "report",
        "quality",
        "runbooks",
        "maintain",
        "export",
        "audit",
        "erase"
      })
  void everyCommandHasHelp(String command) {
    CliRunner.Outcome outcome = cli.run(command, "--help");

    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).contains("Usage: medalla " + command).contains("--env");
  }

  @Test
  void rootHelpListsCommandsAndExitCodes() {
    CliRunner.Outcome outcome = cli.run("--help");

    assertThat(outcome.status()).isZero();
    assertThat(outcome.out())
        .contains("demo", "run", "list", "describe", "validate", "status", "quality")
        .contains("3   a quality gate blocked publishing");
  }

  @Test
  void validatePassesForTheShippedPipelines() {
    CliRunner.Outcome outcome = cli.run("validate");

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("OK: configuration for local is valid; 12 pipelines");
  }

  @Test
  void unknownKeyInAFileExitsTwoNamingKeyAndFile() throws Exception {
    Path conf = Files.createDirectories(directory.resolve("conf"));
    Files.writeString(conf.resolve("application.conf"), "medalla {\n  lgo.format = json\n}\n");

    CliRunner.Outcome outcome = cli.run("validate");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("unknown key medalla.lgo.format")
        .contains(conf.resolve("application.conf").toString() + ": 2")
        .contains("did you mean medalla.log.format?");
  }

  @Test
  void mistypedOptionExitsTwoNamingKeyOriginAndAllowedValues() {
    CliRunner.Outcome outcome = cli.run("validate", "--set", "medalla.commit.max-retries=many");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("invalid value for medalla.commit.max-retries")
        .contains("--set medalla.commit.max-retries")
        .contains("allowed: an integer of at least 0");
  }

  @Test
  void environmentVariablesAreCheckedToo() {
    CliRunner.Outcome outcome =
        new CliRunner(directory, Map.of("MEDALLA_LOG_FORMAT", "xml")).run("validate");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("invalid value for medalla.log.format (environment variable MEDALLA_LOG_FORMAT)")
        .contains("allowed: one of text, json");
  }

  @Test
  void productionNeedsItsWritePrincipal() {
    CliRunner.Outcome outcome = cli.run("validate", "--env", "prod");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("missing required key medalla.security.write-principal");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(cli.run("run", "silver_product.nope").err())
        .contains("Cannot find pipeline 'silver_product.nope'")
        .contains("gold_product.daily_active_users");
    assertThat(cli.run("run", "silver_product.nope").status()).isEqualTo(2);
    CliRunner.Outcome badDate = cli.run("run", "--all", "--date", "2026-13-01");
    assertThat(badDate.status()).isEqualTo(2);
    assertThat(badDate.err()).contains("Invalid date '2026-13-01': write YYYY-MM-DD");
    CliRunner.Outcome nothing = cli.run("run");
    assertThat(nothing.status()).isEqualTo(2);
    assertThat(nothing.err()).contains("name one or more pipelines or give --all");
    assertThat(cli.run("frobnicate").status()).isEqualTo(2);
    CliRunner.Outcome badName = cli.run("describe", "Gold_product.x");
    assertThat(badName.status()).isEqualTo(2);
    assertThat(badName.err()).contains("Invalid layer 'Gold'");
  }

  @Test
  void maintenanceFollowsTheWritePolicy() {
    CliRunner.Outcome outcome =
        cli.run(
            "maintain",
            "--ops",
            "--env",
            "dev",
            "--set",
            "medalla.security.write-principal=svc-medalla");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("Cannot write _ops/run_ledger in dev")
        .contains("dev writes only as 'svc-medalla'");
  }

  @Test
  void refusedRunsAndBackfillsExitTwoSayingWhatToDo() {
    CliRunner.Outcome bronzeRefresh = cli.run("run", "bronze_product.events", "--full-refresh");
    assertThat(bronzeRefresh.status()).isEqualTo(2);
    assertThat(bronzeRefresh.err())
        .contains("Cannot fully refresh bronze_product.events")
        .contains("Re-run or backfill its dates instead");

    CliRunner.Outcome inverted =
        cli.run("backfill", "silver_product.events", "--from", "2026-11-05", "--to", "2026-11-01");
    assertThat(inverted.status()).isEqualTo(2);
    assertThat(inverted.err())
        .contains("Invalid backfill range 2026-11-05 to 2026-11-01")
        .contains("give --from on or before --to");
  }

  @Test
  void listAlignsEveryColumnWhateverTheLengthOfItsValues() {
    CliRunner.Outcome outcome = cli.run("list");

    assertThat(outcome.status()).isZero();
    List<String> lines = outcome.out().lines().toList();
    String header = lines.get(0);
    assertThat(lines).hasSize(13).anyMatch(line -> line.contains("product-analytics@medalla.dev"));
    for (String column : List.of("layer", "write mode", "owner", "inputs")) {
      int start = header.indexOf(column);
      assertThat(lines)
          .as("column %s starts at %d on every line", column, start)
          .allSatisfy(
              line -> {
                assertThat(line.charAt(start - 1)).as(line).isEqualTo(' ');
                assertThat(line.charAt(start)).as(line).isNotEqualTo(' ');
              });
    }
  }

  @Test
  void aWarehouseThatIsARegularFileExitsTwoNamingThePathAndWhatIsAllowed() throws Exception {
    Path file = Files.writeString(directory.resolve("warehouse.txt"), "not a directory");

    for (String[] command :
        List.of(
            new String[] {"run", "bronze_product.events", "--date", "2026-11-01"},
            new String[] {"status"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--warehouse", file.toString()));
      CliRunner.Outcome outcome = cli.run(args.toArray(String[]::new));

      assertThat(outcome.status()).as(outcome.err()).isEqualTo(2);
      assertThat(outcome.err())
          .contains("invalid value for medalla.warehouse (command-line option --warehouse)")
          .contains(file.toString())
          .contains("a regular file")
          .contains("allowed: a local directory (created when missing) or a Hadoop URI")
          .doesNotContain("Delta")
          .doesNotContain("Exception");
    }
  }

  @Test
  void aLiteralJdbcUrlIsRefusedWithoutEchoingItsCredentials() {
    for (String url :
        List.of(
            "jdbc:postgresql://db.internal:5432/shop?user=admin&password=Sup3rSecret",
            "jdbc:postgresql://admin:Sup3rSecret@db.internal:5432/shop")) {
      for (String key : List.of("medalla.connections", "medalla.connections.shop_db.url")) {
        CliRunner.Outcome outcome = cli.run("validate", "--set", key + "=" + url);

        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.err())
            .contains("invalid value for medalla.connections")
            .contains("secret reference")
            .doesNotContain("Sup3rSecret")
            .doesNotContain("admin")
            .doesNotContain("db.internal");
      }
    }
  }

  @Test
  void aLiteralWebhookUrlMustBeASecretReferenceAndIsNotReportedMissing() {
    CliRunner.Outcome outcome =
        cli.run(
            "validate",
            "--set",
            "medalla.alert.sinks=log,webhook",
            "--set",
            "medalla.alert.webhook.url=https://hooks.example.com/services/T0KEN");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("invalid value for medalla.alert.webhook.url")
        .contains("must be a secret reference: env:VARIABLE_NAME or file:/path/to/file")
        .doesNotContain("missing required key")
        .doesNotContain("T0KEN");
  }

  @Test
  void listJsonGivesPipelinesInDependencyOrder() throws Exception {
    CliRunner.Outcome outcome = cli.run("list", "--json");

    assertThat(outcome.status()).isZero();
    JsonNode pipelines = JSON.readTree(outcome.out()).get("pipelines");
    assertThat(pipelines).hasSize(12);
    List<String> names = pipelines.findValuesAsText("name");
    assertThat(names.indexOf("bronze_product.events"))
        .isLessThan(names.indexOf("silver_product.events"));
    assertThat(names.indexOf("silver_product.events"))
        .isLessThan(names.indexOf("gold_product.daily_active_users"));
    assertThat(names.indexOf("bronze_commerce.customers"))
        .isLessThan(names.indexOf("silver_commerce.customers"));
    assertThat(pipelines.findValuesAsText("owner"))
        .containsOnly("product-analytics@medalla.dev", "commerce-data@medalla.dev");
    assertThat(pipelines.get(names.indexOf("silver_product.events")).get("write_mode").asText())
        .isEqualTo("partition_overwrite");
    assertThat(pipelines.get(names.indexOf("silver_commerce.customers")).get("write_mode").asText())
        .isEqualTo("scd2_merge");
  }
}
