package io.medalla.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on loopback:
 * opens a page, collects every console error, uncaught exception and error log entry (failed loads
 * included), and evaluates JavaScript in it.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://([^/]+)/");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String address;
  private final List<String> output;

  private HeadlessChromium(Process process, String address, List<String> output) {
    this.process = process;
    this.address = address;
    this.output = output;
  }

  /** Starts Chromium with its profile in {@code profile}, on a free loopback port. */
  public static HeadlessChromium start(Path profile) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless=new",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add(1, "--no-sandbox");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<String> address = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  output.add(line);
                  Matcher listening = LISTENING.matcher(line);
                  if (listening.find()) {
                    address.complete(listening.group(1));
                  }
                }
                address.completeExceptionally(
                    new IllegalStateException("Chromium exited before listening: " + output));
              } catch (IOException e) {
                address.completeExceptionally(e);
              }
            },
            "chromium-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new HeadlessChromium(
          process, address.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), output);
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Opens {@code file} in a new tab and waits until it has loaded. */
  public Page open(Path file) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + address + "/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 200) {
      throw new IllegalStateException("Cannot open a tab: " + created.body() + " " + output);
    }
    String socket = JSON.readTree(created.body()).get("webSocketDebuggerUrl").asText();
    Page page = new Page();
    page.socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(socket), page)
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    for (String domain : List.of("Runtime", "Log", "Page")) {
      page.call(domain + ".enable", Map.of());
    }
    JsonNode navigated = page.call("Page.navigate", Map.of("url", file.toUri().toString()));
    if (navigated.has("errorText")) {
      throw new IllegalStateException("Cannot load " + file + ": " + navigated);
    }
    page.loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return page;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** A tab: what it reported and a way to run JavaScript in it. */
  public static final class Page implements WebSocket.Listener {
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final StringBuilder message = new StringBuilder();
    private WebSocket socket;

    /** Console errors, uncaught exceptions and error log entries so far. */
    public List<String> errors() {
      return List.copyOf(errors);
    }

    /** Evaluates {@code expression}, which must give a string, and returns it. */
    public String evaluate(String expression) throws Exception {
      JsonNode result =
          call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
      if (result.has("exceptionDetails")) {
        throw new AssertionError("The page's script failed: " + result.get("exceptionDetails"));
      }
      return result.get("result").get("value").asText();
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> response = new CompletableFuture<>();
      pending.put(id, response);
      ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
      request.set("params", JSON.valueToTree(params));
      socket.sendText(JSON.writeValueAsString(request), true);
      JsonNode answer = response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (answer.has("error")) {
        throw new IllegalStateException(method + " failed: " + answer.get("error"));
      }
      return answer.get("result");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        try {
          receive(JSON.readTree(message.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        message.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private void receive(JsonNode message) {
      if (message.has("id")) {
        CompletableFuture<JsonNode> response = pending.remove(message.get("id").asInt());
        if (response != null) {
          response.complete(message);
        }
        return;
      }
      JsonNode params = message.path("params");
      switch (message.path("method").asText()) {
        case "Page.loadEventFired" -> loaded.complete(null);
        case "Runtime.exceptionThrown" ->
            errors.add("exception: " + params.get("exceptionDetails"));
        case "Runtime.consoleAPICalled" -> {
          if (List.of("error", "assert").contains(params.path("type").asText())) {
            errors.add("console: " + params.get("args"));
          }
        }
        case "Log.entryAdded" -> {
          if (params.path("entry").path("level").asText().equals("error")) {
            errors.add("log: " + params.get("entry"));
          }
        }
        default -> {}
      }
    }
  }
}
