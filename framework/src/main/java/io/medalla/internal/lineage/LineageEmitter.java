package io.medalla.internal.lineage;

import static java.util.Objects.requireNonNull;

import io.medalla.api.PipelineSpec;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each run's OpenLineage events through the configured transport ({@code
 * medalla.lineage.transport}): exactly one START and one terminal event per run that the ledger
 * records. A run that failed before it started gets both at its end. An event that cannot be sent
 * is logged and counted, never failing the run.
 */
public final class LineageEmitter {
  private static final Logger LOG = LoggerFactory.getLogger(LineageEmitter.class);

  private final LineageEvents events;
  private final Transport transport;

  /** The events of each started run that could not be sent, until the run ends. */
  private final Map<String, Integer> started = new HashMap<>();

  private final AtomicLong failures = new AtomicLong();

  LineageEmitter(LineageEvents events, Transport transport) {
    this.events = requireNonNull(events, "events is null");
    this.transport = requireNonNull(transport, "transport is null");
  }

  /**
   * The emitter the settings configure, if any.
   *
   * @param location each table's qualified location
   */
  public static Optional<LineageEmitter> fromSettings(
      MedallaSettings settings, Function<TableId, URI> location) {
    String kind = settings.get(ConfigKeys.LINEAGE_TRANSPORT);
    Optional<Transport> transport =
        switch (kind) {
          case "console" -> Optional.of(new LogTransport());
          case "file" -> Optional.of(fileTransport(settings));
          case "http" -> Optional.of(httpTransport(settings));
          default -> Optional.empty();
        };
    return transport.map(
        chosen ->
            new LineageEmitter(
                new LineageEvents(settings.get(ConfigKeys.LINEAGE_NAMESPACE), location), chosen));
  }

  /** Sends the START event of a run that is planned and allowed to write. */
  public void started(PipelineSpec spec, RunRecord running, LineageFacts facts) {
    started.put(running.runId(), send(running.runId(), () -> events.start(spec, running, facts)));
  }

  /**
   * Sends the terminal event of an ended run, after its START when the run failed before it
   * started; returns how many of the run's events could not be sent.
   */
  public int ended(PipelineSpec spec, RunResult result, LineageFacts facts) {
    RunRecord record = result.record();
    Integer failed = started.remove(record.runId());
    if (failed == null) {
      failed = send(record.runId(), () -> events.start(spec, record, facts));
    }
    return failed + send(record.runId(), () -> events.end(spec, result, facts));
  }

  /** Events that could not be sent since this emitter was made. */
  public long failures() {
    return failures.get();
  }

  private int send(String runId, EventSupplier event) {
    try {
      transport.emit(event.get());
      return 0;
    } catch (RuntimeException | LinkageError e) { // the transport's own errors: the run goes on
      failures.incrementAndGet();
      LOG.warn("Cannot send an OpenLineage event of run {}: {}", runId, e.toString());
      return 1;
    }
  }

  /** Builds an event; building is guarded like sending. */
  @FunctionalInterface
  private interface EventSupplier {
    OpenLineage.RunEvent get();
  }

  private static Transport fileTransport(MedallaSettings settings) {
    Path file =
        Path.of(
            settings
                .find(ConfigKeys.LINEAGE_FILE)
                .orElse(settings.warehouse() + "/_ops/lineage/events.jsonl"));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the folder of " + file, e);
    }
    return new FileTransport(new FileConfig(file.toString()));
  }

  private static Transport httpTransport(MedallaSettings settings) {
    HttpConfig config = new HttpConfig();
    config.setUrl(URI.create(settings.find(ConfigKeys.LINEAGE_HTTP_URL).orElseThrow()));
    config.setEndpoint(settings.get(ConfigKeys.LINEAGE_HTTP_ENDPOINT));
    config.setTimeoutInMillis((int) settings.get(ConfigKeys.LINEAGE_HTTP_TIMEOUT).toMillis());
    settings
        .secret(ConfigKeys.LINEAGE_HTTP_API_KEY)
        .ifPresent(
            key -> {
              ApiKeyTokenProvider token = new ApiKeyTokenProvider();
              token.setApiKey(key);
              config.setAuth(token);
            });
    return new HttpTransport(config);
  }

  /** One JSON line per event on the {@code io.medalla.lineage} logger (standard error). */
  private static final class LogTransport extends Transport {
    private static final Logger EVENTS = LoggerFactory.getLogger("io.medalla.lineage");

    @Override
    public void emit(OpenLineage.RunEvent event) {
      EVENTS.info(OpenLineageClientUtils.toJson(event));
    }

    @Override
    public void emit(OpenLineage.DatasetEvent event) {
      EVENTS.info(OpenLineageClientUtils.toJson(event));
    }

    @Override
    public void emit(OpenLineage.JobEvent event) {
      EVENTS.info(OpenLineageClientUtils.toJson(event));
    }
  }
}
