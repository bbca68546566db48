package io.medalla.servers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Marquez-compatible lineage endpoint on loopback: takes OpenLineage events POSTed to {@code
 * /api/v1/lineage} (answering 201) and keeps their bodies; {@link #events} parses them back with
 * the OpenLineage client's model.
 */
public final class LineageServer implements AutoCloseable {
  public static final String ENDPOINT = "/api/v1/lineage";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> EVENT_TYPES =
      Set.of("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER");

  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  private LineageServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a server on a free loopback port. */
  public static LineageServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      LineageServer lineage = new LineageServer(server);
      server.createContext(
          ENDPOINT,
          exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
              boolean accepted = exchange.getRequestMethod().equals("POST");
              if (accepted) {
                lineage.bodies.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
              }
              exchange.sendResponseHeaders(accepted ? 201 : 405, -1);
            } finally {
              exchange.close();
            }
          });
      server.start();
      return lineage;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a lineage server", e);
    }
  }

  /** The base URL, for {@code medalla.lineage.http.url}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  /** The bodies received, oldest first. */
  public List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** The events received, oldest first, parsed with the OpenLineage client's model. */
  public List<OpenLineage.RunEvent> events() {
    return bodies.stream().map(OpenLineageClientUtils::runEventFromJson).toList();
  }

  /** Forgets the events received so far. */
  public void clear() {
    bodies.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * What a run event lacks of the OpenLineage spec's required fields: event time and type, producer
   * and schema URL, run id (a UUID), job namespace and name, every dataset's namespace and name,
   * and every facet's {@code _producer} and {@code _schemaURL}; empty when it has all.
   */
  public static List<String> missingRequiredFields(String body) {
    List<String> missing = new ArrayList<>();
    JsonNode event;
    try {
      event = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return List.of("not JSON: " + e.getOriginalMessage());
    }
    try {
      ZonedDateTime.parse(event.path("eventTime").asText());
    } catch (RuntimeException e) {
      missing.add("eventTime");
    }
    if (!EVENT_TYPES.contains(event.path("eventType").asText())) {
      missing.add("eventType");
    }
    for (String field : List.of("producer", "schemaURL")) {
      if (!event.path(field).asText().matches("[a-z]+://.+")) {
        missing.add(field);
      }
    }
    try {
      UUID.fromString(event.path("run").path("runId").asText());
    } catch (IllegalArgumentException e) {
      missing.add("run.runId");
    }
    for (String field : List.of("namespace", "name")) {
      if (event.path("job").path(field).asText().isBlank()) {
        missing.add("job." + field);
      }
    }
    for (String side : List.of("inputs", "outputs")) {
      for (JsonNode dataset : event.path(side)) {
        for (String field : List.of("namespace", "name")) {
          if (dataset.path(field).asText().isBlank()) {
            missing.add(side + "[]." + field);
          }
        }
        facets(dataset.path("facets"), side + "[].facets", missing);
        facets(dataset.path("inputFacets"), side + "[].inputFacets", missing);
        facets(dataset.path("outputFacets"), side + "[].outputFacets", missing);
      }
    }
    facets(event.path("run").path("facets"), "run.facets", missing);
    facets(event.path("job").path("facets"), "job.facets", missing);
    return missing;
  }

  private static void facets(JsonNode facets, String where, List<String> missing) {
    for (Map.Entry<String, JsonNode> facet :
        (Iterable<Map.Entry<String, JsonNode>>) facets::fields) {
      for (String field : List.of("_producer", "_schemaURL")) {
        if (facet.getValue().path(field).asText().isBlank()) {
          missing.add(where + "." + facet.getKey() + "." + field);
        }
      }
    }
  }
}
