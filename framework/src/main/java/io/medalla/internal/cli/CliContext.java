package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.ConfigLoader;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.ops.Logging;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.run.PipelineRegistry;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.spark.SparkSessions;
import io.medalla.internal.table.CommitRetry;
import io.medalla.internal.table.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Lazily loaded state of one CLI invocation: settings first, Spark only when a command needs it.
 */
final class CliContext {
  private final CliEnvironment environment;
  private final GlobalOptions options;
  private MedallaSettings settings;
  private PipelineRegistry registry;
  private SparkSession spark;
  private PipelineRunner runner;

  CliContext(CliEnvironment environment, GlobalOptions options) {
    this.environment = environment;
    this.options = options;
  }

  CliEnvironment environment() {
    return environment;
  }

  MedallaSettings settings() {
    if (settings == null) {
      Path configDirectory =
          Optional.ofNullable(options.configDirectory)
              .or(
                  () ->
                      Optional.ofNullable(environment.variables().get("MEDALLA_CONF_DIR"))
                          .map(Path::of))
              .orElse(environment.workingDirectory().resolve("conf"));
      settings =
          ConfigLoader.load(
              new ConfigLoader.Request(
                  configDirectory,
                  Optional.ofNullable(options.overlay),
                  environment.variables(),
                  options.asSettings(),
                  options.origins()));
      Logging.configure(settings.get(ConfigKeys.LOG_FORMAT), settings.get(ConfigKeys.LOG_LEVEL));
    }
    return settings;
  }

  /**
   * Adds settings as if given with {@code --set} (unless the user set them) and reloads the
   * configuration. Only before the runner exists.
   */
  void addSettings(Map<String, String> values) {
    if (runner != null) {
      throw new IllegalStateException("Cannot change settings after the runner was created");
    }
    values.forEach(options.settings::putIfAbsent);
    settings = null;
  }

  PipelineRegistry registry() {
    if (registry == null) {
      registry = PipelineRegistry.discover();
    }
    return registry;
  }

  Warehouse warehouse() {
    return new Warehouse(settings().warehouse());
  }

  SparkSession spark() {
    if (spark == null) {
      spark = environment.spark().orElseGet(() -> SparkSessions.getOrCreate(settings()));
    }
    return spark;
  }

  QualityStore qualityStore() {
    return new QualityStore(spark(), warehouse(), CommitRetry.fromSettings(settings()));
  }

  /**
   * The names of the pipelines reading the pipeline's output, directly or not; none for a pipeline
   * no longer registered.
   */
  List<String> downstreamOf(String pipeline) {
    return registry().all().stream()
        .filter(candidate -> candidate.name().equals(pipeline))
        .findFirst()
        .map(found -> registry().downstreamOf(List.of(found)).stream().map(Pipeline::name).toList())
        .orElse(List.of());
  }

  /** Records {@code entries} in the audit log, unless {@code medalla.governance.audit} is off. */
  void audit(AuditLog.Entry... entries) {
    runner().audit().ifPresent(log -> log.append(List.of(entries)));
  }

  PipelineRunner runner() {
    if (runner == null) {
      runner = new PipelineRunner(spark(), settings());
    }
    return runner;
  }
}
