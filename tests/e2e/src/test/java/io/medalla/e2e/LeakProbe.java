package io.medalla.e2e;

import io.medalla.api.GoldPipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.ConfigLoader;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.ops.Logging;
import io.medalla.internal.run.PipelineRunner;
import io.medalla.internal.spark.SparkSessions;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A process that runs one failing pipeline whose error message carries the webhook secret, so a
 * test can grep everything the process wrote. Arguments: the warehouse directory.
 */
public final class LeakProbe {
  private LeakProbe() {}

  public static void main(String[] args) {
    MedallaSettings settings =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Path.of(args[0], "conf"),
                Optional.empty(),
                System.getenv(),
                Map.of(
                    "medalla.warehouse", args[0],
                    "medalla.log.format", "json",
                    "medalla.alert.sinks", "log,webhook",
                    "medalla.alert.webhook.url", "env:PROBE_WEBHOOK_URL",
                    "medalla.spark.master", "local[1]"),
                Map.of()));
    Logging.configure(settings.get(ConfigKeys.LOG_FORMAT), settings.get(ConfigKeys.LOG_LEVEL));
    PipelineRunner runner = new PipelineRunner(SparkSessions.getOrCreate(settings), settings);
    RunResult result =
        runner.run(
            new LeakingPipeline(
                "Cannot reach " + System.getenv("PROBE_WEBHOOK_URL") + " from the executor"),
            LocalDate.of(2026, 11, 1),
            Map.of());
    System.exit(result.exitStatus());
  }

  /** Fails with a message that quotes a secret, as careless libraries do. */
  static final class LeakingPipeline extends GoldPipeline {
    private final String message;

    LeakingPipeline(String message) {
      this.message = message;
    }

    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_probe.leak")
          .owner("security@medalla.dev")
          .inputs("silver_probe.source")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      throw new IllegalStateException(message);
    }
  }
}
