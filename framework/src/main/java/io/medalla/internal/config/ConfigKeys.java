package io.medalla.internal.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of every {@code medalla.*} configuration key. A key not listed here is rejected at
 * start-up; the README's configuration reference is checked against this list by a test.
 */
public final class ConfigKeys {
  public static final String NAMESPACE = "medalla";

  /** The environments a deployment can run in. */
  public static final List<String> ENVIRONMENTS = List.of("local", "dev", "prod");

  public static final ConfigKey<String> ENV =
      new ConfigKey<>(
          "medalla.env",
          ConfigType.oneOf(ENVIRONMENTS.toArray(String[]::new)),
          "The environment: selects conf/env/ENV.conf and the write policy.");
  public static final ConfigKey<String> WAREHOUSE =
      new ConfigKey<>(
          "medalla.warehouse",
          ConfigType.DIRECTORY,
          "Root of the Delta warehouse: a local directory or a Hadoop URI (s3a://, abfss://).");
  public static final ConfigKey<String> LANDING =
      new ConfigKey<>(
          "medalla.landing",
          ConfigType.DIRECTORY,
          "Root of the landing folders bronze pipelines ingest. Default: the warehouse's _landing folder.");
  public static final ConfigKey<String> SPARK_MASTER =
      new ConfigKey<>(
          "medalla.spark.master",
          ConfigType.STRING,
          "Spark master when the process is not started by spark-submit. Default: local[*].");
  public static final ConfigKey<String> SPARK_APP_NAME =
      new ConfigKey<>("medalla.spark.app-name", ConfigType.STRING, "Spark application name.");
  public static final ConfigKey<Map<String, String>> SPARK_CONF =
      new ConfigKey<>(
          "medalla.spark.conf",
          ConfigType.STRING_MAP,
          "Extra Spark settings applied to the session, e.g. \"spark.sql.shuffle.partitions\" = 8.");
  public static final ConfigKey<String> LOG_FORMAT =
      new ConfigKey<>(
          "medalla.log.format",
          ConfigType.oneOf("text", "json"),
          "Log format on standard error: readable text or one JSON object per line.");
  public static final ConfigKey<String> LOG_LEVEL =
      new ConfigKey<>(
          "medalla.log.level",
          ConfigType.oneOf("error", "warn", "info", "debug", "trace"),
          "Level of Medalla's own loggers; Spark, Hadoop and Delta log at warn.");
  public static final ConfigKey<List<String>> ALERT_SINKS =
      new ConfigKey<>(
          "medalla.alert.sinks",
          ConfigType.STRING_LIST,
          "Where failed-run alerts go: any of log, webhook, or a sink registered by a module.");
  public static final ConfigKey<Secret> ALERT_WEBHOOK_URL =
      new ConfigKey<>(
          "medalla.alert.webhook.url",
          ConfigType.SECRET,
          "Webhook receiving alerts as JSON (POST). A secret: env:NAME or file:/path.");
  public static final ConfigKey<Duration> ALERT_WEBHOOK_TIMEOUT =
      new ConfigKey<>(
          "medalla.alert.webhook.timeout",
          ConfigType.DURATION,
          "Time limit for one webhook delivery.");
  public static final ConfigKey<List<String>> RUN_LISTENERS =
      new ConfigKey<>(
          "medalla.run.listeners",
          ConfigType.STRING_LIST,
          "Run listeners told of every run's start and end (lineage, metrics), by the names modules"
              + " register them under.");
  public static final ConfigKey<Integer> METRICS_HISTORY_RUNS =
      new ConfigKey<>(
          "medalla.metrics.anomaly.history-runs",
          ConfigType.POSITIVE_INT,
          "Succeeded runs of a pipeline that its run-metric anomalies compare a run with.");
  public static final ConfigKey<Integer> METRICS_MIN_HISTORY =
      new ConfigKey<>(
          "medalla.metrics.anomaly.min-history",
          ConfigType.POSITIVE_INT,
          "Succeeded runs a pipeline needs before its run metrics are judged.");
  public static final ConfigKey<Double> METRICS_MAX_SLOWDOWN =
      new ConfigKey<>(
          "medalla.metrics.anomaly.max-slowdown",
          ConfigType.RATIO_ABOVE_ONE,
          "A run taking more than this many times its history's median duration raises a"
              + " RUN_METRIC_ANOMALY warning alert.");
  public static final ConfigKey<Double> METRICS_MAX_READ_GROWTH =
      new ConfigKey<>(
          "medalla.metrics.anomaly.max-read-growth",
          ConfigType.RATIO_ABOVE_ONE,
          "A run reading more than this many times its history's median bytes raises a"
              + " RUN_METRIC_ANOMALY warning alert.");
  public static final ConfigKey<String> METRICS_PUSHGATEWAY_URL =
      new ConfigKey<>(
          "medalla.metrics.pushgateway.url",
          ConfigType.STRING,
          "Prometheus Pushgateway receiving every run's metrics (job = pipeline, grouped by env),"
              + " e.g. http://pushgateway:9091; unset: no push.");
  public static final ConfigKey<Duration> METRICS_PUSHGATEWAY_TIMEOUT =
      new ConfigKey<>(
          "medalla.metrics.pushgateway.timeout",
          ConfigType.DURATION,
          "Time limit for one push to the Pushgateway.");
  public static final ConfigKey<Duration> SLO_WINDOW =
      new ConfigKey<>(
          "medalla.slo.window",
          ConfigType.DURATION,
          "The window service level objectives are evaluated over, unless slo --window says"
              + " otherwise.");
  public static final ConfigKey<String> LINEAGE_TRANSPORT =
      new ConfigKey<>(
          "medalla.lineage.transport",
          ConfigType.oneOf("none", "console", "file", "http"),
          "Where every run's OpenLineage events go: none, console (the io.medalla.lineage logger),"
              + " file (JSON lines, medalla.lineage.file) or http (medalla.lineage.http.url).");
  public static final ConfigKey<String> LINEAGE_NAMESPACE =
      new ConfigKey<>(
          "medalla.lineage.namespace",
          ConfigType.STRING,
          "OpenLineage namespace of the pipelines' jobs and of the tables' catalog names.");
  public static final ConfigKey<String> LINEAGE_FILE =
      new ConfigKey<>(
          "medalla.lineage.file",
          ConfigType.STRING,
          "Local file the file transport appends events to; unset: <warehouse>/_ops/lineage/"
              + "events.jsonl (a warehouse on local disk).");
  public static final ConfigKey<String> LINEAGE_HTTP_URL =
      new ConfigKey<>(
          "medalla.lineage.http.url",
          ConfigType.STRING,
          "Base URL of the OpenLineage HTTP endpoint (Marquez-compatible), e.g."
              + " http://marquez:5000; required by the http transport.");
  public static final ConfigKey<String> LINEAGE_HTTP_ENDPOINT =
      new ConfigKey<>(
          "medalla.lineage.http.endpoint",
          ConfigType.STRING,
          "Path events are POSTed to below medalla.lineage.http.url.");
  public static final ConfigKey<Secret> LINEAGE_HTTP_API_KEY =
      new ConfigKey<>(
          "medalla.lineage.http.api-key",
          ConfigType.SECRET,
          "Bearer API key of the HTTP endpoint, if it needs one. A secret: env:NAME or file:/path.");
  public static final ConfigKey<Duration> LINEAGE_HTTP_TIMEOUT =
      new ConfigKey<>(
          "medalla.lineage.http.timeout",
          ConfigType.DURATION,
          "Time limit for sending one event over HTTP.");
  public static final ConfigKey<Boolean> GOVERNANCE_REQUIRE_CLASSIFICATION =
      new ConfigKey<>(
          "medalla.governance.require-classification",
          ConfigType.BOOLEAN,
          "Whether a run refuses to publish a silver or gold column that is not classified"
              + " (validate always reports them).");
  public static final ConfigKey<String> GOVERNANCE_ROLE =
      new ConfigKey<>(
          "medalla.governance.role",
          ConfigType.STRING,
          "The role this process reads as (--role): one of medalla.governance.roles. Pipelines"
              + " read their inputs, and export and read return tables, as this role sees them.");
  public static final ConfigKey<Map<String, RoleGrant>> GOVERNANCE_ROLES =
      new ConfigKey<>(
          "medalla.governance.roles",
          RoleGrant.CONFIG_TYPE,
          "Read permissions by role: ROLE.read = tables it may read (catalog names, `*`"
              + " patterns), ROLE.clear = classifications it reads in clear, ROLE.show.CLASS ="
              + " how it sees another classification (mask, hash, token or null); see Read"
              + " permissions.");
  public static final ConfigKey<Map<String, String>> GOVERNANCE_STORED =
      new ConfigKey<>(
          "medalla.governance.stored",
          ConfigType.STRING_MAP,
          "How each classification is stored at rest: CLASS = clear, mask, hash, token or null"
              + " (default clear), e.g. pii = token.");
  public static final ConfigKey<Secret> GOVERNANCE_HASH_SALT =
      new ConfigKey<>(
          "medalla.governance.hash-salt",
          ConfigType.SECRET,
          "Salt of the hash policy; required when a policy hashes. A secret: env:NAME or"
              + " file:/path.");
  public static final ConfigKey<Secret> GOVERNANCE_TOKEN_KEY =
      new ConfigKey<>(
          "medalla.governance.token-key",
          ConfigType.SECRET,
          "Key of the token policy (AES-256 is derived from it); required when a policy"
              + " tokenizes. A secret: env:NAME or file:/path.");
  public static final ConfigKey<Boolean> GOVERNANCE_AUDIT =
      new ConfigKey<>(
          "medalla.governance.audit",
          ConfigType.BOOLEAN,
          "Whether commits, maintenance, erasures, clear reads of confidential and pii columns"
              + " and refused reads are written to the audit log (_ops/audit).");
  public static final ConfigKey<String> WRITE_PRINCIPAL =
      new ConfigKey<>(
          "medalla.security.write-principal",
          ConfigType.STRING,
          "The only principal allowed to write in this environment; required in dev and prod.");
  public static final ConfigKey<Integer> COMMIT_MAX_RETRIES =
      new ConfigKey<>(
          "medalla.commit.max-retries",
          ConfigType.NON_NEGATIVE_INT,
          "Retries of a Delta commit that lost a concurrent-modification race.");
  public static final ConfigKey<Duration> COMMIT_INITIAL_BACKOFF =
      new ConfigKey<>(
          "medalla.commit.initial-backoff",
          ConfigType.DURATION,
          "Wait before the first commit retry; doubles with each retry up to"
              + " medalla.commit.max-backoff.");
  public static final ConfigKey<Duration> COMMIT_MAX_BACKOFF =
      new ConfigKey<>(
          "medalla.commit.max-backoff",
          ConfigType.DURATION,
          "Longest wait between two commit retries.");
  public static final ConfigKey<Duration> COMMIT_TOTAL_TIMEOUT =
      new ConfigKey<>(
          "medalla.commit.total-timeout",
          ConfigType.DURATION,
          "Time from a commit's first attempt after which it is no longer retried; the run fails"
              + " and can be retried.");
  public static final ConfigKey<Duration> VACUUM_RETENTION =
      new ConfigKey<>(
          "medalla.maintenance.vacuum-retention",
          ConfigType.DURATION,
          "How long `maintain` keeps files no longer in a table's current version (time travel,"
              + " change feeds of incremental runs); Delta refuses less than 168h unless"
              + " spark.databricks.delta.retentionDurationCheck.enabled is false.");
  public static final ConfigKey<Map<String, String>> CONNECTIONS =
      new ConfigKey<>(
          "medalla.connections",
          secretReferencesOf("url", "user", "password"),
          "Database connections of JDBC sources, by name, e.g. commerce_db.url ="
              + " \"env:COMMERCE_DB_URL\"; see JDBC sources.");
  public static final ConfigKey<Map<String, String>> QUALITY_THRESHOLDS =
      new ConfigKey<>(
          "medalla.quality.thresholds",
          ConfigType.STRING_MAP,
          "Threshold overrides per environment: \"PIPELINE.EXPECTATION\" = value, e.g."
              + " \"silver_product.events.fresh_occurred_at\" = 48h.");
  public static final ConfigKey<Integer> DEMO_SCALE =
      new ConfigKey<>(
          "medalla.demo.scale",
          ConfigType.POSITIVE_INT,
          "Sample-data scale of `demo`: 1 is about 1,000 users and 5,000 events a day.");
  public static final ConfigKey<Integer> DEMO_DAYS =
      new ConfigKey<>(
          "medalla.demo.days",
          ConfigType.POSITIVE_INT,
          "Number of days `demo` generates and runs.");
  public static final ConfigKey<LocalDate> DEMO_START_DATE =
      new ConfigKey<>(
          "medalla.demo.start-date", ConfigType.DATE, "First logical date of the demo data.");
  public static final ConfigKey<Long> DEMO_SEED =
      new ConfigKey<>(
          "medalla.demo.seed", ConfigType.LONG, "Seed of the deterministic sample-data generator.");

  /** Every registered key, in documentation order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          ENV,
          WAREHOUSE,
          LANDING,
          SPARK_MASTER,
          SPARK_APP_NAME,
          SPARK_CONF,
          LOG_FORMAT,
          LOG_LEVEL,
          ALERT_SINKS,
          ALERT_WEBHOOK_URL,
          ALERT_WEBHOOK_TIMEOUT,
          RUN_LISTENERS,
          METRICS_HISTORY_RUNS,
          METRICS_MIN_HISTORY,
          METRICS_MAX_SLOWDOWN,
          METRICS_MAX_READ_GROWTH,
          METRICS_PUSHGATEWAY_URL,
          METRICS_PUSHGATEWAY_TIMEOUT,
          SLO_WINDOW,
          LINEAGE_TRANSPORT,
          LINEAGE_NAMESPACE,
          LINEAGE_FILE,
          LINEAGE_HTTP_URL,
          LINEAGE_HTTP_ENDPOINT,
          LINEAGE_HTTP_API_KEY,
          LINEAGE_HTTP_TIMEOUT,
          GOVERNANCE_REQUIRE_CLASSIFICATION,
          GOVERNANCE_ROLE,
          GOVERNANCE_ROLES,
          GOVERNANCE_STORED,
          GOVERNANCE_HASH_SALT,
          GOVERNANCE_TOKEN_KEY,
          GOVERNANCE_AUDIT,
          WRITE_PRINCIPAL,
          COMMIT_MAX_RETRIES,
          COMMIT_INITIAL_BACKOFF,
          COMMIT_MAX_BACKOFF,
          COMMIT_TOTAL_TIMEOUT,
          VACUUM_RETENTION,
          CONNECTIONS,
          QUALITY_THRESHOLDS,
          DEMO_SCALE,
          DEMO_DAYS,
          DEMO_START_DATE,
          DEMO_SEED);

  private ConfigKeys() {}

  /**
   * An open object of named groups of secrets, {@code NAME.MEMBER = "env:VARIABLE"}, read like
   * {@link ConfigType#STRING_MAP}. The first member is required; an unknown member or a literal
   * value is rejected at start-up, with a message naming the member and never the value.
   */
  private static ConfigType<Map<String, String>> secretReferencesOf(String... members) {
    List<String> allowedMembers = List.of(members);
    return new ConfigType<>() {
      @Override
      public Map<String, String> read(Config config, String path) {
        Map<String, String> values = ConfigType.STRING_MAP.read(config, path);
        List<String> problems = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
          String member = entry.getKey();
          int dot = member.lastIndexOf('.');
          if (dot <= 0 || !allowedMembers.contains(member.substring(dot + 1))) {
            problems.add(
                String.format(
                    "%s.%s is not one of NAME.%s",
                    path, member, String.join(", NAME.", allowedMembers)));
            continue;
          }
          names.add(member.substring(0, dot));
          try {
            Secret.reference(entry.getValue());
          } catch (ConfigType.InvalidValueException e) {
            problems.add(path + "." + member + " is a literal value (hidden)");
          }
        }
        for (String name : names) {
          if (!values.containsKey(name + "." + allowedMembers.get(0))) {
            problems.add(path + "." + name + "." + allowedMembers.get(0) + " is missing");
          }
        }
        if (!problems.isEmpty()) {
          throw new ConfigType.InvalidValueException(String.join("; ", problems));
        }
        return values;
      }

      @Override
      public String allowed() {
        return "an object of NAME { "
            + String.join(", ", allowedMembers)
            + " }, each a secret reference: env:VARIABLE_NAME or file:/path/to/file (never the"
            + " value)";
      }

      @Override
      public boolean isOpenObject() {
        return true;
      }

      @Override
      public boolean holdsSecrets() {
        return true;
      }
    };
  }

  /** The registered key with this path, if any. */
  public static Optional<ConfigKey<?>> find(String path) {
    return ALL.stream().filter(key -> key.path().equals(path)).findFirst();
  }
}
