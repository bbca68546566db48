package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.medalla.api.Classification;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expect;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.cli.MedallaCli;
import io.medalla.internal.cli.CliRunner;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.table.CommitRetry;
import io.medalla.testkit.TestWarehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Protection at rest, masking on read and read permissions, on real Delta tables: pii stored as
 * tokens, each role seeing what its policy says, and no clear value anywhere in the warehouse's
 * files or the runs' logs.
 */
class TestProtection {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final String PLANTED = "planted.person@example.com";
  private static final String SALT = "test-salt-value";

  @TempDir static Path directory;
  private static TestWarehouse warehouse;
  private static final List<String> LOGGED = new ArrayList<>();

  /** Visits with a known country; the others quarantined. */
  static final class SilverVisits extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_safe.visits")
          .owner("test-team@medalla.dev")
          .inputs("bronze_test.visits")
          .keys("visit_id")
          .inherit("visit_id", "user_id", "email", "country")
          .expect(Expect.satisfies("known_country", "country IS NOT NULL").quarantine())
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_test.visits")
          .select(
              col("visit_id"),
              col("user_id"),
              col("email"),
              col("country"),
              col("_source"),
              col("_line"),
              col("_corrupt_record"));
    }
  }

  private static final TestPipelines.GoldProbe VISITORS =
      new TestPipelines.GoldProbe(
          PipelineSpec.builder("gold_safe.visitors")
              .owner("test-team@medalla.dev")
              .inputs("silver_safe.visits")
              .inherit("country")
              .classify(Classification.INTERNAL, "visitors")
              .protect(Protection.AGGREGATED, "visitors")
              .build(),
          context ->
              context
                  .read("silver_safe.visits")
                  .groupBy("country")
                  .agg(countDistinct("user_id").as("visitors")));

  @BeforeAll
  static void runTheDomainWithPiiStoredAsTokens() throws IOException {
    Path secrets = Files.createDirectories(directory.resolve("secrets"));
    Files.writeString(secrets.resolve("salt"), SALT);
    Files.writeString(secrets.resolve("key"), "test-token-key");
    Files.createDirectories(directory.resolve("conf"));
    Files.writeString(
        directory.resolve("conf/application.conf"),
        String.join(
            "\n",
            "medalla.governance {",
            "  stored { pii = token }",
            "  hash-salt = \"file:" + secrets.resolve("salt") + "\"",
            "  token-key = \"file:" + secrets.resolve("key") + "\"",
            "  roles {",
            "    analyst { read = [\"silver_safe.*\", \"gold_*\"], clear = [public, internal],"
                + " show { pii = hash } }",
            "    masker { read = [\"*\"], clear = [public, internal], show { pii = mask } }",
            "    nuller { read = [\"*\"], clear = [public, internal], show { pii = null } }",
            "    joiner { read = [\"*\"], clear = [public, internal], show { pii = token } }",
            "    outsider { read = [\"gold_*\"], clear = [public] }",
            "  }",
            "}"));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    try {
      warehouse = TestWarehouse.create(directory);
      warehouse.land(
          "test/visits",
          DAY,
          "visits.jsonl",
          List.of(
              "{\"visit_id\":\"v1\",\"user_id\":1,\"email\":\"ann@example.com\",\"country\":\"ES\"}",
              "{\"visit_id\":\"v2\",\"user_id\":2,\"email\":\"" + PLANTED + "\",\"country\":null}",
              "{\"visit_id\":\"v3\",\"user_id\":1,\"email\":\"ann@example.com\",\"country\":\"FR\"}",
              "{\"visit_id\":\"v4\",\"user_id\":3,\"email\":\"" + PLANTED + "\",\"country\":"));
      assertThat(warehouse.run(new TestGovernance.BronzeVisits(), DAY).record().status())
          .isEqualTo(RunStatus.SUCCEEDED);
      assertThat(warehouse.run(new SilverVisits(), DAY).record().status())
          .isEqualTo(RunStatus.SUCCEEDED);
      assertThat(warehouse.run(VISITORS, DAY).record().status()).isEqualTo(RunStatus.SUCCEEDED);
    } finally {
      root.detachAppender(appender);
      appender.list.forEach(
          event -> {
            LOGGED.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
              LOGGED.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
          });
    }
  }

  private static Dataset<Row> readAs(String role, String table) {
    return MedallaCli.read(
        warehouse.spark(),
        table,
        "--conf-dir",
        directory.resolve("conf").toString(),
        "--warehouse",
        directory.resolve("warehouse").toString(),
        "--role",
        role);
  }

  private static List<String> emails(String role) {
    return readAs(role, "silver_safe.visits")
        .orderBy("visit_id")
        .select("email")
        .collectAsList()
        .stream()
        .map(row -> row.getString(0))
        .toList();
  }

  @Test
  void noClearValueIsInAnyFileOfTheWarehouseNorInTheLogs() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory.resolve("warehouse"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.startsWith(directory.resolve("warehouse/_landing"))) {
          continue; // the source files, as landed
        }
        String content =
            file.toString().endsWith(".parquet")
                ? parquetValues(file)
                : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        if (content.contains(PLANTED)) {
          found.add(directory.relativize(file).toString());
        }
      }
    }
    assertThat(found).as("files holding the planted email").isEmpty();
    assertThat(LOGGED).isNotEmpty().noneMatch(line -> line.contains(PLANTED));
    assertThat(warehouse.quarantine("silver_safe.visits").count())
        .as("the quarantined records are there, protected")
        .isEqualTo(2);
  }

  /** Every value of a Parquet file, decoded, as text. */
  private static String parquetValues(Path file) throws IOException {
    StringBuilder values = new StringBuilder();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
            .build()) {
      for (Group group = reader.read(); group != null; group = reader.read()) {
        values.append(group).append('\n');
      }
    }
    return values.toString();
  }

  @Test
  void eachRoleSeesExactlyWhatItsPolicySays() throws Exception {
    assertThat(emails("owner")).containsExactly("ann@example.com", "ann@example.com");
    assertThat(emails("analyst")).containsExactly(hash("ann@example.com"), hash("ann@example.com"));
    assertThat(emails("masker")).containsExactly("xxx@xxxxxxx.xxx", "xxx@xxxxxxx.xxx");
    assertThat(emails("nuller")).containsExactly(null, null);
    List<String> tokens = emails("joiner");
    assertThat(tokens.get(0)).startsWith("tok:").isEqualTo(tokens.get(1)).doesNotContain("ann");
    assertThat(
            readAs("analyst", "silver_safe.visits")
                .orderBy("visit_id")
                .select("user_id")
                .first()
                .getString(0))
        .isEqualTo(hash("1"));
    assertThat(
            readAs("owner", "silver_safe.visits")
                .orderBy("visit_id")
                .select("user_id")
                .first()
                .getLong(0))
        .as("a token read back in clear into its type")
        .isEqualTo(1L);
    assertThat(readAs("analyst", "gold_safe.visitors").count())
        .as("the pipeline read its inputs in clear: two visits of one user in Spain and France")
        .isEqualTo(0 + 2);
  }

  @Test
  void aRefusedReadNamesTableClassificationAndRoleAndIsAudited() {
    assertThatThrownBy(() -> readAs("outsider", "silver_safe.visits"))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
        .hasMessageContaining("Role outsider may not read silver_safe.visits");
    CliRunner cli = new CliRunner(directory, Map.of());
    CliRunner.Outcome outcome =
        cli.run(
            "export",
            "gold_safe.visitors",
            "--role",
            "outsider",
            "--warehouse",
            directory.resolve("warehouse").toString());
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("Role outsider may not read column visitors (internal) of gold_safe.visitors");
    CliRunner.Outcome audit =
        cli.run(
            "audit",
            "--action",
            "refused",
            "--json",
            "--warehouse",
            directory.resolve("warehouse").toString());
    assertThat(audit.out())
        .contains("\"role\" : \"outsider\"")
        .contains("gold_safe.visitors")
        .contains("silver_safe.visits");
  }

  @Test
  void aPipelineReadsItsInputsAsItsRoleSeesThemAndARefusedInputFailsTheRunWithExitTwo()
      throws Exception {
    TestWarehouse asOutsider =
        TestWarehouse.create(directory, Map.of("medalla.governance.role", "outsider"));

    RunResult refused = asOutsider.run(new SilverVisits(), DAY);

    assertThat(refused.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(refused.errorCode()).contains(ErrorCode.PERMISSION_DENIED);
    assertThat(refused.exitStatus()).isEqualTo(2);
    assertThat(refused.record().errorMessage().orElseThrow())
        .contains("Role outsider may not read bronze_test.visits");
    assertThat(warehouse.runs("silver_safe.visits"))
        .as("the refused run is in the ledger")
        .anySatisfy(run -> assertThat(run.runId()).isEqualTo(refused.record().runId()));
    assertThat(warehouse.runner().audit().orElseThrow().entries(Optional.empty(), Optional.empty()))
        .anySatisfy(
            entry -> {
              assertThat(entry.entry().action()).isEqualTo(AuditLog.Action.REFUSED);
              assertThat(entry.entry().runId()).isEqualTo(refused.record().runId());
              assertThat(entry.entry().role()).isEqualTo("outsider");
            });

    TestWarehouse asAnalyst =
        TestWarehouse.create(directory, Map.of("medalla.governance.role", "analyst"));
    TestPipelines.GoldProbe emails =
        new TestPipelines.GoldProbe(
            PipelineSpec.builder("gold_safe.emails")
                .owner("test-team@medalla.dev")
                .inputs("silver_safe.visits")
                .inherit("email")
                .build(),
            context -> context.read("silver_safe.visits").select("email").distinct());
    assertThat(asAnalyst.run(emails, DAY).record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(
            readAs("owner", "gold_safe.emails").collectAsList().stream()
                .map(row -> row.getString(0))
                .toList())
        .as("the analyst's pipeline saw hashes: its output holds them, not the emails")
        .containsExactly(hash("ann@example.com"));
  }

  @Test
  void commitsClearReadsAndRunsAreAuditedInAnIntactChain() {
    AuditLog log = warehouse.runner().audit().orElseThrow();
    List<AuditLog.Logged> entries = log.entries(Optional.empty(), Optional.empty());
    assertThat(
            entries.stream()
                .filter(e -> e.entry().action() == AuditLog.Action.COMMIT)
                .map(e -> e.entry().table().orElseThrow()))
        .contains("bronze_test.visits", "silver_safe.visits", "gold_safe.visitors");
    assertThat(entries.stream().filter(e -> e.entry().action() == AuditLog.Action.CLEAR_READ))
        .anySatisfy(
            e -> {
              assertThat(e.entry().table()).contains("bronze_test.visits");
              assertThat(e.entry().detail().get("columns")).contains("email").contains("user_id");
            });
    assertThat(entries.stream().filter(e -> e.entry().action() == AuditLog.Action.RUN))
        .allSatisfy(e -> assertThat(e.entry().detail().get("config_fingerprint")).hasSize(64));
    assertThat(log.verify().problem()).isEmpty();
  }

  private static AuditLog.Entry entry(String runId) {
    return new AuditLog.Entry(
        AuditLog.Action.RUN,
        Optional.of("silver_safe.visits"),
        Optional.of(1L),
        runId,
        "tester",
        "owner",
        Map.of("status", "SUCCEEDED"));
  }

  private static AuditLog auditLog(String name) {
    return new AuditLog(
        warehouse.spark(),
        directory.resolve(name).resolve("warehouse/_ops/audit").toString(),
        new CommitRetry(
            20,
            Duration.ofMillis(5),
            Duration.ofMillis(50),
            Duration.ofMinutes(1),
            CommitRetry.Timer.SYSTEM));
  }

  private static CliRunner.Outcome verify(String name) {
    return new CliRunner(directory, Map.of())
        .run(
            "audit",
            "verify",
            "--warehouse",
            directory.resolve(name).resolve("warehouse").toString());
  }

  private static void tamper(String name, String statement) {
    String table = "delta.`" + directory.resolve(name).resolve("warehouse/_ops/audit") + "`";
    warehouse
        .spark()
        .sql("ALTER TABLE " + table + " SET TBLPROPERTIES ('delta.appendOnly' = 'false')");
    warehouse.spark().sql(statement.replace("AUDIT", table));
  }

  @Test
  void anEditedInsertedOrRemovedEntryBreaksTheChain() {
    for (String name : List.of("edited", "removed", "truncated")) {
      AuditLog log = auditLog(name);
      log.append(List.of(entry("r1"), entry("r2")));
      log.append(List.of(entry("r3")));
      assertThat(verify(name).status()).isZero();
    }
    tamper("edited", "UPDATE AUDIT SET principal = 'someone-else' WHERE seq = 2");
    tamper("removed", "DELETE FROM AUDIT WHERE seq = 2");
    tamper("truncated", "DELETE FROM AUDIT WHERE seq = 3");

    assertThat(verify("edited"))
        .satisfies(
            outcome -> {
              assertThat(outcome.status()).isEqualTo(3);
              assertThat(outcome.out()).contains("entry 2 was changed after it was logged");
            });
    assertThat(verify("removed").out()).contains("entry 2 is missing");
    assertThat(verify("truncated").out())
        .contains("the log ends at entry 2 but its head is entry 3");
  }

  @Test
  void concurrentAppendsChainOneAfterTheOther() throws Exception {
    AuditLog log = auditLog("concurrent");
    log.append(List.of(entry("first")));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> appends = new ArrayList<>();
      for (int writer = 0; writer < 2; writer++) {
        String id = "writer-" + writer;
        appends.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 3; i++) {
                    log.append(List.of(entry(id + "-" + i)));
                  }
                }));
      }
      for (java.util.concurrent.Future<?> append : appends) {
        append.get();
      }
    } finally {
      pool.shutdown();
    }
    AuditLog.Verification verification = log.verify();
    assertThat(verification.problem()).isEmpty();
    assertThat(verification.entries()).isEqualTo(7);
  }

  private static String hash(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest((SALT + value).getBytes(StandardCharsets.UTF_8)));
  }
}
