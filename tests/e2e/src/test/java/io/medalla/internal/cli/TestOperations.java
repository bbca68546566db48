package io.medalla.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.api.Alert;
import io.medalla.extensions.RecordingAlertSink;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.run.RunLedger;
import io.medalla.internal.table.Warehouse;
import io.medalla.servers.HeadlessChromium;
import io.medalla.testkit.SharedSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objectives, incidents, the report and the status page over a simulated November of runs written
 * to a real Delta ledger: the expected figures are worked out by hand in the comments.
 *
 * <p>{@code gold_product.daily_active_users} (freshness by D+1 06:00 at 95%, success 99%, latency
 * 15 minutes at 95%) runs each day D at D+1 05:00 for 10 minutes, except: D = Nov 5 runs late
 * (07:20-07:30); Nov 12 fails (05:00-05:10) and a retry publishes in time (05:40-05:50); Nov 20 is
 * blocked twice (05:00-05:10, 06:00-06:10) and publishes late (09:00-09:10); Nov 25 takes 20
 * minutes; Nov 30 fails at 05:00-05:10 and 06:10-06:20 and is still missing when evaluated at Dec 1
 * 06:30. {@code gold_product.daily_funnel} runs D = Nov 17-30 at D+1 04:00, 5 minutes until Nov 23,
 * 12 minutes from Nov 24. {@code silver_product.events} fails once on Nov 15 05:00-05:02 and is
 * fixed at 05:30-05:32. The quality gate failed {@code events_cover_users} on Nov 27-29.
 */
class TestOperations {
  private static final String DAU = "gold_product.daily_active_users";
  private static final String FUNNEL = "gold_product.daily_funnel";
  private static final String EVENTS = "silver_product.events";
  private static final Instant AT = Instant.parse("2026-12-01T06:30:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path directory;
  private static Path warehouse;
  private static CliRunner cli;

  @BeforeAll
  static void plantNovember() {
    warehouse = directory.resolve("warehouse");
    cli = new CliRunner(directory, Map.of());
    List<Row> runs = new ArrayList<>();
    for (LocalDate day = LocalDate.of(2026, 11, 1);
        !day.isAfter(LocalDate.of(2026, 11, 30));
        day = day.plusDays(1)) {
      int date = day.getDayOfMonth();
      switch (date) {
        case 5 -> runs.add(run(DAU, day, "SUCCEEDED", "07:20", "07:30", null, null));
        case 12 -> {
          runs.add(run(DAU, day, "FAILED", "05:00", "05:10", "RUN_FAILED", "java.io.IOException"));
          runs.add(run(DAU, day, "SUCCEEDED", "05:40", "05:50", null, null));
        }
        case 20 -> {
          String blocked = "io.medalla.api.MedallaException";
          runs.add(run(DAU, day, "BLOCKED", "05:00", "05:10", "QUALITY_GATE_BLOCKED", blocked));
          runs.add(run(DAU, day, "BLOCKED", "06:00", "06:10", "QUALITY_GATE_BLOCKED", blocked));
          runs.add(run(DAU, day, "SUCCEEDED", "09:00", "09:10", null, null));
        }
        case 25 -> runs.add(run(DAU, day, "SUCCEEDED", "05:00", "05:20", null, null));
        case 30 -> {
          runs.add(run(DAU, day, "FAILED", "05:00", "05:10", "RUN_FAILED", "java.io.IOException"));
          runs.add(run(DAU, day, "FAILED", "06:10", "06:20", "RUN_FAILED", "java.io.IOException"));
        }
        default -> runs.add(run(DAU, day, "SUCCEEDED", "05:00", "05:10", null, null));
      }
      if (date >= 17) {
        runs.add(
            run(FUNNEL, day, "SUCCEEDED", "04:00", date <= 23 ? "04:05" : "04:12", null, null));
      }
    }
    LocalDate nov14 = LocalDate.of(2026, 11, 14);
    String sparkError = "org.apache.spark.SparkException";
    runs.add(run(EVENTS, nov14, "FAILED", "05:00", "05:02", "RUN_FAILED", sparkError));
    runs.add(run(EVENTS, nov14, "SUCCEEDED", "05:30", "05:32", null, null));
    Warehouse tables = new Warehouse(warehouse.toString());
    append(runs, RunLedger.SCHEMA, tables.opsPath(RunLedger.TABLE_NAME));
    List<Row> checks = new ArrayList<>();
    for (int date = 24; date <= 29; date++) {
      LocalDate day = LocalDate.of(2026, 11, date);
      String status = date >= 27 ? "FAILED" : "PASSED";
      checks.add(check(day, "events_cover_users", status));
      checks.add(check(day, "unique_activity_date_platform", "PASSED"));
    }
    append(checks, QualityStore.RESULTS_SCHEMA, tables.opsPath(QualityStore.RESULTS_TABLE));
  }

  @Test
  void objectivesGiveAttainmentBudgetAndBurnRateAlerts() throws Exception {
    CliRunner.Outcome outcome =
        cli.run(
            "slo",
            DAU,
            FUNNEL,
            "--at",
            AT.toString(),
            "--json",
            "--alert",
            "--set",
            "medalla.alert.sinks=recording",
            "--warehouse",
            warehouse.toString());

    // Freshness of DAU: days Nov 1-30 count (Nov 1's deadline, Nov 2 06:00, follows the first run
    // at 05:00); the 28-day window starts Nov 3 06:30, so Nov 3-30 (published from Nov 4 05:10,
    // Nov 30 missing and counted now) are 28 events; Nov 5, 20 (late) and 30 (missing) are bad.
    // The budget allows 0.05 * 28 = 1.4 bad days: 1 - 3 / 1.4 = -1.142857 left. The last hour and
    // the last 5 minutes hold only the missing Nov 30: burn 1 / 0.05 = 20 >= 14.4, a fast burn.
    assertThat(outcome.status()).as(outcome.err()).isEqualTo(4);
    JsonNode objectives = JSON.readTree(outcome.out()).get("objectives");
    JsonNode freshness = objective(objectives, DAU, "freshness");
    assertThat(freshness.get("events").asLong()).isEqualTo(28);
    assertThat(freshness.get("good").asLong()).isEqualTo(25);
    assertThat(freshness.get("attainment").asDouble()).isCloseTo(25 / 28.0, within(1e-9));
    assertThat(freshness.get("error_budget_remaining").asDouble())
        .isCloseTo(1 - 3 / 1.4, within(1e-9));
    assertThat(freshness.get("burn_rates").get("1h").asDouble()).isCloseTo(20, within(1e-9));
    assertThat(freshness.get("burn_rates").get("5m").asDouble()).isCloseTo(20, within(1e-9));
    assertThat(freshness.get("alert").asText()).isEqualTo("SLO_FAST_BURN");
    assertThat(freshness.get("breached").asBoolean()).isTrue();

    // Success of DAU: runs ending after Nov 3 06:30 are those of Nov 3-29 (27, plus Nov 12's
    // failure and Nov 20's two blocked runs) and Nov 30's two failures: 32, 5 of them bad. Budget:
    // 1 - 5 / 0.32 = -14.625. The last hour holds the 06:20 failure (burn 1 / 0.01 = 100) but the
    // last 5 minutes nothing: no fast burn; 6 hours (05:10, 06:20) and 30 minutes (06:20) burn 100:
    // a slow burn.
    JsonNode success = objective(objectives, DAU, "success");
    assertThat(success.get("events").asLong()).isEqualTo(32);
    assertThat(success.get("bad").asLong()).isEqualTo(5);
    assertThat(success.get("attainment").asDouble()).isCloseTo(27 / 32.0, within(1e-9));
    assertThat(success.get("error_budget_remaining").asDouble())
        .isCloseTo(1 - 5 / 0.32, within(1e-9));
    assertThat(success.get("burn_rates").get("1h").asDouble()).isCloseTo(100, within(1e-9));
    assertThat(success.get("burn_rates").get("5m").asDouble()).isZero();
    assertThat(success.get("burn_rates").get("6h").asDouble()).isCloseTo(100, within(1e-9));
    assertThat(success.get("alert").asText()).isEqualTo("SLO_SLOW_BURN");

    // Latency of DAU: the 27 succeeded runs of Nov 3-29; Nov 25's 20 minutes exceed 15: 26/27
    // meets 95%, and 1 - 1 / (0.05 * 27) = 0.259259 of the budget is left.
    JsonNode latency = objective(objectives, DAU, "latency");
    assertThat(latency.get("events").asLong()).isEqualTo(27);
    assertThat(latency.get("good").asLong()).isEqualTo(26);
    assertThat(latency.get("error_budget_remaining").asDouble())
        .isCloseTo(1 - 1 / 1.35, within(1e-9));
    assertThat(latency.get("breached").asBoolean()).isFalse();
    assertThat(latency.get("alert").isNull()).isTrue();

    // The funnel publishes every day Nov 17-30 before 04:15: all 14 days and runs are good.
    JsonNode funnel = objective(objectives, FUNNEL, "freshness");
    assertThat(funnel.get("events").asLong()).isEqualTo(14);
    assertThat(funnel.get("attainment").asDouble()).isEqualTo(1.0);
    assertThat(funnel.get("breached").asBoolean()).isFalse();

    // Both alerts name Nov 30's latest failed run: the bad event with a run of either objective.
    String latestFailure = runId(DAU, day(30), "06:10");
    List<Alert> alerts = RecordingAlertSink.received(DAU);
    assertThat(alerts)
        .extracting(Alert::errorCode, Alert::level, Alert::runId)
        .containsExactlyInAnyOrder(
            tuple("SLO_FAST_BURN", Alert.Level.ERROR, latestFailure),
            tuple("SLO_SLOW_BURN", Alert.Level.WARNING, latestFailure));
    assertThat(alerts)
        .filteredOn(alert -> alert.errorCode().equals("SLO_FAST_BURN"))
        .singleElement()
        .satisfies(
            alert ->
                assertThat(alert.message())
                    .contains("burns its error budget 20.0x over 1h and 20.0x over 5m")
                    .contains("-114.3% of the 28d budget left"));
    assertThat(RecordingAlertSink.received(FUNNEL)).isEmpty();
  }

  @Test
  void aWindowWithoutBadEventsMeetsEveryObjective() throws Exception {
    // Nov 14 00:00 - Nov 21 00:00 holds days Nov 13-19 and their runs, all on time and good.
    CliRunner.Outcome outcome =
        cli.run(
            "slo",
            DAU,
            "--at",
            "2026-11-21T00:00:00Z",
            "--window",
            "7d",
            "--warehouse",
            warehouse.toString());

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out())
        .contains("Objectives over 7d as of 2026-11-21T00:00:00Z")
        .containsPattern("freshness: each day published by D\\+1 06:00 UTC +95.0% +100.0% +7/7 ")
        .containsPattern("success: runs publish +99.0% +100.0% +7/7 ")
        .doesNotContain("BREACHED");
  }

  @Test
  void failuresOpenJoinAndResolveIncidents() throws Exception {
    CliRunner.Outcome outcome = cli.run("incidents", "--json", "--warehouse", warehouse.toString());

    assertThat(outcome.status()).as(outcome.err()).isZero();
    JsonNode incidents = JSON.readTree(outcome.out()).get("incidents");
    assertThat(incidents).hasSize(4);
    // Newest first: Nov 30's open incident joined the 06:20 failure, same code and class.
    JsonNode open = incidents.get(0);
    assertThat(open.get("id").asText()).isEqualTo(DAU + "/" + runId(DAU, day(30), "05:00"));
    assertThat(open.get("state").asText()).isEqualTo("OPEN");
    assertThat(open.get("runs_affected").asInt()).isEqualTo(2);
    assertThat(open.get("last_failure_at").asText()).isEqualTo("2026-12-01T06:20:00Z");
    assertThat(open.get("time_to_resolve_s").isNull()).isTrue();
    // Nov 20: blocked at 05:10, joined at 06:10, resolved by the run ending 09:10: 4 hours.
    JsonNode blocked = incidents.get(1);
    assertThat(blocked.get("error_code").asText()).isEqualTo("QUALITY_GATE_BLOCKED");
    assertThat(blocked.get("runs_affected").asInt()).isEqualTo(2);
    assertThat(blocked.get("opened_at").asText()).isEqualTo("2026-11-21T05:10:00Z");
    assertThat(blocked.get("resolved_by").asText()).isEqualTo(runId(DAU, day(20), "09:00"));
    assertThat(blocked.get("time_to_resolve_s").asLong()).isEqualTo(4 * 3600);
    // Nov 14's silver failure, fixed 30 minutes later, affected every product reading it.
    JsonNode silver = incidents.get(2);
    assertThat(silver.get("pipeline").asText()).isEqualTo(EVENTS);
    assertThat(silver.get("time_to_resolve_s").asLong()).isEqualTo(30 * 60);
    assertThat(silver.get("downstream"))
        .extracting(JsonNode::asText)
        .contains(
            DAU, FUNNEL, "gold_product.rolling_active_users", "gold_product.weekly_retention");
    // Nov 12: failed at 05:10, the retry ending 05:50 resolved it: 40 minutes.
    assertThat(incidents.get(3).get("time_to_resolve_s").asLong()).isEqualTo(40 * 60);

    CliRunner.Outcome onlyOpen =
        cli.run("incidents", "--open", "--warehouse", warehouse.toString());
    assertThat(onlyOpen.out()).contains(open.get("id").asText()).doesNotContain(EVENTS + "/");
  }

  @Test
  void reportGivesMttrErrorsFlakinessAndSuggestions() throws Exception {
    CliRunner.Outcome outcome =
        cli.run("report", "--at", AT.toString(), "--json", "--warehouse", warehouse.toString());

    assertThat(outcome.status()).as(outcome.err()).isZero();
    JsonNode report = JSON.readTree(outcome.out());
    // Resolved in the window: 40 minutes, 30 minutes and 4 hours; (2400 + 1800 + 14400) / 3.
    assertThat(report.get("mttr_s").asLong()).isEqualTo(6200);
    assertThat(report.get("incidents")).hasSize(4);
    JsonNode errors = report.get("top_errors");
    assertThat(errors.get(0).get("error_code").asText()).isEqualTo("RUN_FAILED");
    assertThat(errors.get(0).get("error_class").asText()).isEqualTo("java.io.IOException");
    assertThat(errors.get(0).get("runs").asLong()).isEqualTo(3);
    assertThat(errors.get(1).get("error_code").asText()).isEqualTo("QUALITY_GATE_BLOCKED");
    assertThat(errors.get(1).get("runs").asLong()).isEqualTo(2);
    // Nov 12's failure and Nov 20's two blocks were published later; Nov 30 is not (yet).
    JsonNode flakiest = report.get("flakiest").get(0);
    assertThat(flakiest.get("pipeline").asText()).isEqualTo(DAU);
    assertThat(flakiest.get("flaky_runs").asLong()).isEqualTo(3);
    JsonNode dau = pipeline(report, DAU);
    assertThat(dau.get("incidents").asInt()).isEqualTo(3);
    assertThat(dau.get("open_incidents").asInt()).isEqualTo(1);
    assertThat(dau.get("mttr_s").asLong()).isEqualTo((2400 + 14400) / 2);
    assertThat(report.get("suggestions"))
        .extracting(JsonNode::asText)
        .anySatisfy(s -> assertThat(s).startsWith(DAU + " misses its freshness objective"))
        .anySatisfy(s -> assertThat(s).startsWith(DAU + " misses its success objective"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith(
                        "Rule events_cover_users of "
                            + DAU
                            + " failed on 3 consecutive days"
                            + " up to 2026-11-29"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith(
                        FUNNEL
                            + "'s median run took 2.4x as long this week (720.0 s) as the week"
                            + " before (300.0 s)"))
        .anySatisfy(s -> assertThat(s).startsWith(DAU + " failed 3 times on dates a later run"))
        .noneSatisfy(s -> assertThat(s).contains("unique_activity_date_platform"));
  }

  @Test
  void statusPageRendersInChromiumWithTheLedgerFigures() throws Exception {
    Path site = directory.resolve("site");
    CliRunner.Outcome outcome =
        cli.run(
            "report",
            "--at",
            AT.toString(),
            "--html",
            site.toString(),
            "--warehouse",
            warehouse.toString());
    assertThat(outcome.status()).as(outcome.err()).isZero();

    try (HeadlessChromium chromium = HeadlessChromium.start(directory.resolve("chromium"))) {
      HeadlessChromium.Page page = chromium.open(site.resolve("index.html"));

      assertThat(page.errors()).isEmpty();
      JsonNode shown =
          JSON.readTree(
              page.evaluate(
                  """
                  JSON.stringify({
                    resources: performance.getEntriesByType('resource').length,
                    emptyCharts: [...document.querySelectorAll('svg')]
                        .filter(s => s.childElementCount === 0
                            || s.getBoundingClientRect().width === 0).length,
                    charts: document.querySelectorAll('svg[data-chart]').length,
                    summary: Object.fromEntries([...document.querySelectorAll('[data-summary]')]
                        .map(e => [e.dataset.summary, e.dataset.value])),
                    objectives: [...document.querySelectorAll('tr[data-pipeline] [data-objective]')]
                        .map(e => ({pipeline: e.closest('tr').dataset.pipeline,
                            kind: e.dataset.objective, good: +e.dataset.good,
                            events: +e.dataset.events, text: e.textContent})),
                    budget: Object.fromEntries([...document.querySelectorAll(
                        'tr[data-pipeline="%s"] [data-budget]')]
                        .map(e => [e.dataset.budget, +e.dataset.value])),
                    lastRun: document.querySelector(
                        'tr[data-pipeline="%s"] [data-field="last-run"]').dataset.value,
                    openIncidents: +document.querySelector(
                        'tr[data-pipeline="%s"] [data-field="open-incidents"]').dataset.value,
                    incidents: [...document.querySelectorAll('tr[data-incident]')]
                        .map(e => e.dataset.resolveS),
                    durationBars: document.querySelectorAll(
                        '[data-card="%s"] svg[data-chart="durations"] rect').length
                  })"""
                      .formatted(DAU, DAU, DAU, DAU)));

      assertThat(shown.get("resources").asInt()).isZero();
      assertThat(shown.get("emptyCharts").asInt()).isZero();
      assertThat(shown.get("charts").asInt()).isGreaterThanOrEqualTo(6);
      assertThat(shown.get("summary").get("open-incidents").asText()).isEqualTo("1");
      assertThat(shown.get("summary").get("mttr").asText()).isEqualTo("6200");
      assertThat(shown.get("summary").get("breached").asText()).isEqualTo("2");
      assertThat(shown.get("objectives"))
          .extracting(
              o ->
                  o.get("pipeline").asText()
                      + " "
                      + o.get("kind").asText()
                      + " "
                      + o.get("good").asInt()
                      + "/"
                      + o.get("events").asInt())
          .contains(
              DAU + " freshness 25/28",
              DAU + " success 27/32",
              DAU + " latency 26/27",
              FUNNEL + " freshness 14/14");
      assertThat(shown.get("budget").get("freshness").asDouble())
          .isCloseTo(1 - 3 / 1.4, within(1e-9));
      assertThat(shown.get("lastRun").asText()).isEqualTo(runId(DAU, day(30), "06:10"));
      assertThat(shown.get("openIncidents").asInt()).isEqualTo(1);
      assertThat(shown.get("incidents"))
          .extracting(JsonNode::asText)
          .containsExactly("2400", "1800", "14400", "");
      // Runs ending in the window: the 32 the success objective counts.
      assertThat(shown.get("durationBars").asInt()).isEqualTo(32);
    }
  }

  @Test
  void theBrowserReportsWhatBreaksAPage() throws Exception {
    Path broken =
        java.nio.file.Files.writeString(
            directory.resolve("broken.html"),
            "<!DOCTYPE html><html><body><img src=\"missing.png\">"
                + "<script>console.error('planted'); notAFunction();</script></body></html>");

    try (HeadlessChromium chromium = HeadlessChromium.start(directory.resolve("chromium-broken"))) {
      List<String> errors = chromium.open(broken).errors();

      assertThat(errors)
          .anySatisfy(error -> assertThat(error).startsWith("console:").contains("planted"))
          .anySatisfy(error -> assertThat(error).startsWith("exception:").contains("notAFunction"))
          .anySatisfy(error -> assertThat(error).startsWith("log:").contains("missing.png"));
    }
  }

  private static JsonNode objective(JsonNode objectives, String pipeline, String kind) {
    for (JsonNode objective : objectives) {
      if (objective.get("pipeline").asText().equals(pipeline)
          && objective.get("objective").asText().equals(kind)) {
        return objective;
      }
    }
    throw new AssertionError("No " + kind + " objective of " + pipeline + " in " + objectives);
  }

  private static JsonNode pipeline(JsonNode report, String name) {
    for (JsonNode pipeline : report.get("pipelines")) {
      if (pipeline.get("pipeline").asText().equals(name)) {
        return pipeline;
      }
    }
    throw new AssertionError("No pipeline " + name + " in the report");
  }

  private static LocalDate day(int november) {
    return LocalDate.of(2026, 11, november);
  }

  private static String runId(String pipeline, LocalDate day, String start) {
    return pipeline.substring(pipeline.indexOf('.') + 1) + "-" + day + "-" + start.replace(":", "");
  }

  /** A ledger row of a run for {@code day} between two times of the next day (UTC). */
  private static Row run(
      String pipeline,
      LocalDate day,
      String status,
      String start,
      String end,
      String errorCode,
      String errorClass) {
    Instant started = day.plusDays(1).atTime(LocalTime.parse(start)).toInstant(ZoneOffset.UTC);
    Instant ended = day.plusDays(1).atTime(LocalTime.parse(end)).toInstant(ZoneOffset.UTC);
    boolean success = status.equals("SUCCEEDED");
    return RowFactory.create(
        runId(pipeline, day, start),
        pipeline,
        "local",
        Date.valueOf(day),
        "{}",
        status,
        Timestamp.from(started),
        Timestamp.from(ended),
        Duration.between(started, ended).toMillis(),
        100L,
        success ? 10L : 0L,
        success ? 10L : 0L,
        0L,
        success ? 1L : null,
        errorCode,
        errorClass,
        errorCode == null ? null : "planted " + errorCode,
        "scheduler",
        "DATES",
        List.of(Date.valueOf(day)),
        Map.of(),
        0L,
        success ? 1L : 0L,
        List.of());
  }

  private static Row check(LocalDate day, String expectation, String status) {
    return RowFactory.create(
        runId(DAU, day, "05:00"),
        DAU,
        Date.valueOf(day),
        expectation,
        "satisfies",
        "FAIL",
        status,
        null,
        null,
        status.equals("FAILED") ? 2L : 0L,
        null,
        Timestamp.from(day.plusDays(1).atTime(5, 9).toInstant(ZoneOffset.UTC)));
  }

  private static void append(List<Row> rows, StructType schema, String path) {
    SharedSpark.session()
        .createDataFrame(rows, schema)
        .write()
        .format("delta")
        .mode("append")
        .save(path);
  }
}
