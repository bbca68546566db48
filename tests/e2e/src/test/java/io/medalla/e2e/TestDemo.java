package io.medalla.e2e;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.medalla.internal.cli.CliRunner;
import io.medalla.servers.LineageServer;
import io.medalla.testkit.SharedSpark;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end through the CLI: three layers, a ledger row per run, idempotent re-runs. */
class TestDemo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TABLES =
      List.of(
          "bronze/product/events",
          "silver/product/events",
          "gold/product/daily_active_users",
          "gold/product/rolling_active_users",
          "gold/product/daily_funnel",
          "gold/product/weekly_retention",
          "gold/commerce/daily_revenue",
          "gold/commerce/customer_lifetime_value");

  @TempDir Path directory;

  private CliRunner.Outcome medalla(Map<String, String> variables, String... args) {
    return new CliRunner(directory, variables).run(args);
  }

  private Dataset<Row> table(String relativePath) {
    return table(directory.resolve("warehouse"), relativePath);
  }

  private static Dataset<Row> table(Path warehouse, String relativePath) {
    return SharedSpark.session()
        .read()
        .format("delta")
        .load(warehouse.resolve(relativePath).toString());
  }

  @Test
  void demoBuildsAllLayersAndARerunChangesNoContent() throws Exception {
    Path folder = DemoReference.folder().orElse(directory);
    Path warehousePath = folder.resolve("warehouse");
    String warehouse = warehousePath.toString();

    CliRunner.Outcome first;
    List<String> lineage;
    try (LineageServer lineageServer = LineageServer.start()) {
      first =
          medalla(
              Map.of(),
              "demo",
              "--days",
              "2",
              "--warehouse",
              warehouse,
              "--set",
              "medalla.lineage.transport=http",
              "--set",
              "medalla.lineage.http.url=" + lineageServer.url());
      lineage = lineageServer.bodies();
    }

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("bronze_product.events", "silver_product.events")
        .contains("gold_product.daily_active_users")
        .contains("24 runs, 0 failed")
        .contains("Data products (gold) on 2026-11-02:")
        .contains("gold_commerce.daily_revenue (order_date = 2026-11-02)")
        .contains("gold_product.daily_funnel (activity_date = 2026-11-02)")
        .contains("Every row produced was published, quarantined or dropped as a duplicate");
    Dataset<Row> quarantine = table(warehousePath, "_quarantine/silver/product/events");
    assertThat(quarantine.count())
        .as("per day: 2 unknown event types, 2 unknown platforms, 2 without user, 2 malformed")
        .isEqualTo(16);
    assertThat(quarantine.where(col("record").contains("page_veiw")).first().getList(2))
        .containsExactly("allowed_event_type");
    Map<String, List<Row>> before = new java.util.HashMap<>();
    for (String table : TABLES) {
      assertThat(table(warehousePath, table).count()).as(table).isPositive();
      before.put(table, sorted(table(warehousePath, table), !table.startsWith("bronze")));
    }
    assertThat(
            table(warehousePath, "silver/commerce/customers")
                .where(col("is_current").equalTo(false))
                .count())
        .as("customers who moved or were deleted on day two have closed versions")
        .isPositive();
    assertThat(
            table(warehousePath, "bronze/product/events")
                .where(col("_corrupt_record").isNotNull())
                .count())
        .isEqualTo(4);

    assertLineageMatchesTheLedger(lineage, table(warehousePath, "_ops/run_ledger"));

    CliRunner.Outcome second = medalla(Map.of(), "demo", "--days", "2", "--warehouse", warehouse);

    assertThat(second.status()).as(second.err()).isZero();
    for (String table : TABLES) {
      assertThat(sorted(table(warehousePath, table), !table.startsWith("bronze")))
          .as(table)
          .isEqualTo(before.get(table));
    }
    Dataset<Row> ledger = table(warehousePath, "_ops/run_ledger");
    assertThat(ledger.count()).as("12 pipelines, 2 days, 2 demos").isEqualTo(48);
    assertThat(ledger.where(col("status").equalTo("SKIPPED")).count())
        .as("the second demo finds no new bronze data and no silver change to merge")
        .isEqualTo(10);
    assertThat(ledger.where(col("status").equalTo("SUCCEEDED")).count()).isEqualTo(38);

    CliRunner.Outcome describe =
        medalla(
            Map.of(),
            "describe",
            "gold_product.daily_active_users",
            "--json",
            "--warehouse",
            warehouse);
    JsonNode description = JSON.readTree(describe.out());
    assertThat(description.get("stored_owner").asText()).isEqualTo("product-analytics@medalla.dev");
    assertThat(description.get("rows").asLong()).isEqualTo(6);
    assertThat(description.get("versions").get(0).get("run_id").asText())
        .isEqualTo(
            ledger
                .where(col("pipeline").equalTo("gold_product.daily_active_users"))
                .orderBy(col("ended_at").desc())
                .first()
                .getAs("run_id"));

    assertDemoIsClassified(warehouse);
    assertASubjectIsErasedFromEveryFile(warehousePath);

    CliRunner.Outcome quality =
        medalla(Map.of(), "quality", "silver_product.events", "--json", "--warehouse", warehouse);
    JsonNode qualityDocument = JSON.readTree(quality.out());
    assertThat(qualityDocument.get("results").findValuesAsText("expectation"))
        .contains("unique_event_id", "fresh_occurred_at", "schema", "allowed_event_type");
    assertThat(qualityDocument.get("trend").get("unique_event_id"))
        .as("two dates, each run twice")
        .hasSize(4);

    CliRunner.Outcome status =
        medalla(Map.of(), "status", "--json", "--limit", "3", "--warehouse", warehouse);
    assertThat(JSON.readTree(status.out()).get("runs")).hasSize(3);
    if (DemoReference.folder().isPresent()) {
      DemoReference.complete(folder);
    }
  }

  @Test
  void failedRunExitsOneIsRecordedAndAlerts() throws Exception {
    List<String> alerts = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/alerts",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            alerts.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      CliRunner.Outcome outcome =
          medalla(
              Map.of("ALERT_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts"),
              "run",
              "bronze_product.events",
              "--date",
              "2030-01-01",
              "--warehouse",
              directory.resolve("warehouse").toString(),
              "--set",
              "medalla.alert.sinks=log,webhook",
              "--set",
              "medalla.alert.webhook.url=env:ALERT_URL");

      assertThat(outcome.status()).isEqualTo(1);
      assertThat(outcome.err()).contains("Cannot read landing folder").contains("2030-01-01");
      Row ledgerRow = table("_ops/run_ledger").first();
      assertThat(ledgerRow.<String>getAs("status")).isEqualTo("FAILED");
      assertThat(ledgerRow.<String>getAs("error_code")).isEqualTo("INPUT_MISSING");
      assertThat(alerts).hasSize(1);
      JsonNode alert = JSON.readTree(alerts.get(0));
      assertThat(alert.get("pipeline").asText()).isEqualTo("bronze_product.events");
      assertThat(alert.get("run_id").asText()).isEqualTo(ledgerRow.<String>getAs("run_id"));
      assertThat(alert.get("error").asText()).contains("Cannot read landing folder");
    } finally {
      server.stop(0);
    }
  }

  /**
   * Each run of the ledger sent exactly one START and one COMPLETE event, which name the input
   * versions it read and the output version it committed; the change-data pipelines' (SCD1 orders,
   * SCD2 customers) name their change events' source.
   */
  /**
   * Classification flows from bronze to gold through the traced column lineage, is stored with
   * every table and is stable: re-running the demo made no metadata commit.
   */
  private void assertDemoIsClassified(String warehouse) throws Exception {
    JsonNode lifetimeValue =
        JSON.readTree(
            medalla(
                    Map.of(),
                    "describe",
                    "gold_commerce.customer_lifetime_value",
                    "--lineage",
                    "--json",
                    "--warehouse",
                    warehouse)
                .out());
    Map<String, JsonNode> columns = new java.util.HashMap<>();
    lifetimeValue
        .get("columns")
        .forEach(column -> columns.put(column.get("name").asText(), column));
    assertThat(columns.get("customer_id").get("classification").asText()).isEqualTo("pii");
    assertThat(columns.get("customer_id").get("tags").toString())
        .isEqualTo("[\"pii:customer_id\"]");
    assertThat(columns.get("country").get("classification").asText()).isEqualTo("public");
    assertThat(columns.get("country").get("lineage").toString())
        .isEqualTo("[\"silver_commerce.customers.country\"]");
    assertThat(columns.get("net_revenue").get("lineage").toString())
        .contains("silver_commerce.orders.amount");
    assertThat(lifetimeValue.get("classification").get(0).toString())
        .isEqualTo("{\"column\":\"country\",\"declared\":\"inherited\"}");
    JsonNode activeUsers =
        JSON.readTree(
            medalla(
                    Map.of(),
                    "describe",
                    "gold_product.daily_active_users",
                    "--lineage",
                    "--json",
                    "--warehouse",
                    warehouse)
                .out());
    JsonNode users = activeUsers.get("columns").get(2);
    assertThat(users.get("name").asText()).isEqualTo("active_users");
    assertThat(users.get("classification").asText()).isEqualTo("internal");
    assertThat(users.get("lineage").toString()).isEqualTo("[\"silver_product.events.user_id\"]");
    for (String table : TABLES) {
      assertThat(
              SharedSpark.session()
                  .sql("DESCRIBE HISTORY delta.`" + warehouse + "/" + table + "`")
                  .where(col("operation").equalTo("SET TBLPROPERTIES"))
                  .count())
          .as(table + " is classified when created and its classification does not churn")
          .isZero();
    }
  }

  /**
   * On a copy of the demo warehouse: a customer with a changed address (SCD2 history) and orders
   * (change events) is erased; no data file holds their email after the purge, the aggregates are
   * rebuilt, the erasure is audited and a second one finds nothing.
   */
  private void assertASubjectIsErasedFromEveryFile(Path demoWarehouse) throws Exception {
    Path copy = directory.resolve("erasure/warehouse");
    copyTree(demoWarehouse, copy);
    String warehouse = copy.toString();
    Dataset<Row> customers = table(copy, "silver/commerce/customers");
    long customerId =
        customers
            .groupBy("customer_id")
            .count()
            .where(col("count").gt(1))
            .join(
                table(copy, "silver/commerce/orders").select("customer_id").distinct(),
                "customer_id")
            .orderBy("customer_id")
            .first()
            .getLong(0);
    String email =
        customers
            .where(col("customer_id").equalTo(customerId))
            .select("email")
            .first()
            .getString(0);
    String subject = "pii:customer_id=" + customerId;
    long ordersBefore =
        table(copy, "silver/commerce/orders").where(col("customer_id").equalTo(customerId)).count();
    assertThat(ordersBefore).as("the customer has orders").isPositive();
    assertThat(dataFilesHolding(copy, email)).isNotEmpty();
    long customersVersion =
        SharedSpark.session()
            .sql("DESCRIBE HISTORY delta.`" + warehouse + "/silver/commerce/customers`")
            .agg(org.apache.spark.sql.functions.max("version"))
            .first()
            .getLong(0);

    JsonNode dryRun =
        JSON.readTree(
            medalla(
                    Map.of(),
                    "erase",
                    "--subject",
                    subject,
                    "--dry-run",
                    "--json",
                    "--warehouse",
                    warehouse)
                .out());
    Map<String, Long> found = new java.util.TreeMap<>();
    dryRun.get("tables").forEach(t -> found.put(t.get("table").asText(), t.get("rows").asLong()));
    assertThat(found.get("silver_commerce.customers"))
        .as("current and closed versions")
        .isGreaterThan(1);
    assertThat(found.get("silver_commerce.orders")).isEqualTo(ordersBefore);
    assertThat(found.get("bronze_commerce.orders")).as("change events").isPositive();
    assertThat(found.get("bronze_commerce.customers")).isPositive();
    assertThat(found.get("gold_commerce.customer_lifetime_value")).isEqualTo(1);
    assertThat(dataFilesHolding(copy, email)).as("a dry run changes nothing").isNotEmpty();

    CliRunner.Outcome erased =
        medalla(
            Map.of(),
            "erase",
            "--subject",
            subject,
            "--vacuum-retention",
            "0h",
            "--json",
            "--warehouse",
            warehouse);
    assertThat(erased.status()).as(erased.err()).isZero();
    JsonNode report = JSON.readTree(erased.out());
    assertThat(report.get("purged").asBoolean()).isTrue();
    assertThat(report.get("rebuilt").findValuesAsText("pipeline"))
        .contains("gold_commerce.daily_revenue");
    assertThat(report.get("rebuilt").findValuesAsText("status")).containsOnly("SUCCEEDED");
    assertThat(dataFilesHolding(copy, email)).as("data files holding the erased email").isEmpty();
    assertThat(
            table(copy, "silver/commerce/orders")
                .where(col("customer_id").equalTo(customerId))
                .count())
        .isZero();
    assertThat(
            table(copy, "bronze/commerce/orders")
                .where(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .get_json_object(col("after"), "$.customer_id")
                        .equalTo(String.valueOf(customerId)))
                .count())
        .isZero();
    boolean timeTravelReturnsTheSubject;
    try {
      timeTravelReturnsTheSubject =
          SharedSpark.session()
                  .read()
                  .format("delta")
                  .option("versionAsOf", customersVersion)
                  .load(warehouse + "/silver/commerce/customers")
                  .where(col("customer_id").equalTo(customerId))
                  .count()
              > 0;
    } catch (Exception e) { // the version's files were purged
      timeTravelReturnsTheSubject = false;
    }
    assertThat(timeTravelReturnsTheSubject).as("time travel to before the erasure").isFalse();

    JsonNode again =
        JSON.readTree(
            medalla(Map.of(), "erase", "--subject", subject, "--json", "--warehouse", warehouse)
                .out());
    assertThat(again.get("tables").findValuesAsText("rows")).containsOnly("0");
    assertThat(again.get("rebuilt")).isEmpty();

    CliRunner.Outcome audit =
        medalla(Map.of(), "audit", "--action", "erasure", "--json", "--warehouse", warehouse);
    String digest =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(subject.getBytes(StandardCharsets.UTF_8)));
    JsonNode entries = JSON.readTree(audit.out());
    assertThat(entries.findValuesAsText("table"))
        .contains("silver_commerce.customers", "silver_commerce.orders", "bronze_commerce.orders");
    assertThat(entries.findValuesAsText("subject_digest")).containsOnly(digest);
    assertThat(audit.out()).doesNotContain(email);
    assertThat(
            medalla(Map.of(), "maintain", "silver_commerce.customers", "--warehouse", warehouse)
                .status())
        .isZero();
    JsonNode maintained =
        JSON.readTree(
            medalla(
                    Map.of(),
                    "audit",
                    "--action",
                    "maintenance",
                    "--json",
                    "--warehouse",
                    warehouse)
                .out());
    assertThat(maintained.findValuesAsText("table")).contains("silver_commerce.customers");
    JsonNode commits =
        JSON.readTree(
            medalla(Map.of(), "audit", "--action", "commit", "--json", "--warehouse", warehouse)
                .out());
    assertThat(new java.util.TreeSet<>(commits.findValuesAsText("table")))
        .as("every table of the demo has its commits audited")
        .hasSize(12);
    CliRunner.Outcome verified = medalla(Map.of(), "audit", "verify", "--warehouse", warehouse);
    assertThat(verified.status()).as(verified.out()).isZero();
  }

  /** The data files (Parquet, outside the landing folder and the logs) whose values hold text. */
  private static List<Path> dataFilesHolding(Path warehouse, String text) throws Exception {
    List<Path> holding = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(warehouse)) {
      for (Path file :
          files
              .filter(path -> path.toString().endsWith(".parquet"))
              .filter(path -> !path.startsWith(warehouse.resolve("_landing")))
              .filter(path -> !path.toString().contains("_delta_log"))
              .toList()) {
        try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> reader =
            org.apache.parquet.hadoop.ParquetReader.builder(
                    new org.apache.parquet.hadoop.example.GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(file.toUri()))
                .build()) {
          for (var group = reader.read(); group != null; group = reader.read()) {
            if (group.toString().contains(text)) {
              holding.add(warehouse.relativize(file));
              break;
            }
          }
        }
      }
    }
    return holding;
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (java.nio.file.Files.isDirectory(path)) {
          java.nio.file.Files.createDirectories(target);
        } else {
          java.nio.file.Files.copy(path, target);
        }
      }
    }
  }

  private static void assertLineageMatchesTheLedger(List<String> bodies, Dataset<Row> ledger) {
    assertThat(bodies)
        .allSatisfy(body -> assertThat(LineageServer.missingRequiredFields(body)).isEmpty());
    Map<String, List<OpenLineage.RunEvent>> byRun =
        bodies.stream()
            .map(OpenLineageClientUtils::runEventFromJson)
            .collect(
                Collectors.groupingBy(
                    event ->
                        (String)
                            event
                                .getRun()
                                .getFacets()
                                .getAdditionalProperties()
                                .get("medalla_run")
                                .getAdditionalProperties()
                                .get("runId")));
    List<Row> runs = ledger.collectAsList();
    assertThat(byRun.keySet())
        .containsExactlyInAnyOrderElementsOf(
            runs.stream().map(run -> run.<String>getAs("run_id")).toList());
    for (Row run : runs) {
      List<OpenLineage.RunEvent> events = byRun.get(run.<String>getAs("run_id"));
      assertThat(events)
          .extracting(OpenLineage.RunEvent::getEventType)
          .containsExactly(
              OpenLineage.RunEvent.EventType.START, OpenLineage.RunEvent.EventType.COMPLETE);
      OpenLineage.RunEvent complete = events.get(1);
      assertThat(complete.getJob().getName()).isEqualTo(run.getAs("pipeline"));
      Map<String, String> inputVersions =
          complete.getInputs().stream()
              .filter(input -> input.getFacets() != null) // a bronze source has none
              .collect(
                  Collectors.toMap(
                      input -> input.getFacets().getSymlinks().getIdentifiers().get(0).getName(),
                      input -> input.getFacets().getVersion().getDatasetVersion()));
      Map<String, Long> recorded = run.getJavaMap(run.fieldIndex("input_versions"));
      assertThat(inputVersions)
          .as("input versions of %s", run.<String>getAs("pipeline"))
          .isEqualTo(
              recorded.entrySet().stream()
                  .collect(
                      Collectors.toMap(
                          Map.Entry::getKey, entry -> String.valueOf(entry.getValue()))));
      OpenLineage.OutputDataset output = complete.getOutputs().get(0);
      assertThat(output.getFacets().getVersion().getDatasetVersion())
          .isEqualTo(String.valueOf(run.<Long>getAs("output_version")));
      assertThat(output.getOutputFacets().getOutputStatistics().getRowCount())
          .isEqualTo(run.<Long>getAs("rows_written"));
      if (List.of("silver_commerce.orders", "silver_commerce.customers")
          .contains(run.<String>getAs("pipeline"))) {
        assertThat(
                complete
                    .getInputs()
                    .get(0)
                    .getInputFacets()
                    .getAdditionalProperties()
                    .get("medalla_read")
                    .getAdditionalProperties()
                    .get("kind"))
            .isEqualTo("CHANGE_EVENTS");
      }
    }
  }

  /** The rows sorted by every column, optionally without the framework's metadata columns. */
  private static List<Row> sorted(Dataset<Row> table, boolean businessColumnsOnly) {
    String[] columns =
        Arrays.stream(table.columns())
            .filter(column -> !businessColumnsOnly || !column.startsWith("_"))
            .toArray(String[]::new);
    List<Column> order = new ArrayList<>();
    for (String column : columns) {
      order.add(col(column));
    }
    return table.selectExpr(columns).orderBy(order.toArray(Column[]::new)).collectAsList();
  }
}
