package io.medalla.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server process a test class starts on loopback (a Pushgateway, a Redis): started from an
 * installed command, ready once it prints a given line, its output kept in a log file, stopped on
 * {@link #close}.
 */
public final class LoopbackServer implements AutoCloseable {
  /** The address servers listen on. */
  public static final String HOST = "127.0.0.1";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final int port;

  private LoopbackServer(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code command} and waits until a line of its output contains {@code readyLine}.
   *
   * @param command the command and its arguments; {@code {port}} in them is replaced by a free port
   * @param log where the server's output goes
   */
  public static LoopbackServer start(List<String> command, String readyLine, Path log)
      throws IOException {
    int port = freePort();
    List<String> arguments =
        command.stream().map(argument -> argument.replace("{port}", String.valueOf(port))).toList();
    Files.createDirectories(log.getParent());
    Process process;
    try {
      process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "Cannot start " + arguments.get(0) + "; is it installed (bash .ci/run installs it)?", e);
    }
    LoopbackServer server = new LoopbackServer(arguments.get(0), process, port);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread copier =
        new Thread(() -> copyOutput(process, log, readyLine, ready), server.name + "-output");
    copier.setDaemon(true);
    copier.start();
    try {
      ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return server;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
      throw new IOException("Interrupted while starting " + server.name, e);
    } catch (ExecutionException | TimeoutException e) {
      server.close();
      throw new IOException(
          server.name
              + " did not print '"
              + readyLine
              + "' within "
              + START_TIMEOUT
              + "; see "
              + log,
          e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The server's {@code http://} address. */
  public String url() {
    return "http://" + HOST + ":" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void copyOutput(
      Process process, Path log, String readyLine, CompletableFuture<Void> ready) {
    try (BufferedReader output =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        writer.write(line);
        writer.newLine();
        writer.flush();
        if (line.contains(readyLine)) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(new IOException("the process ended before it was ready"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port", e);
    }
  }
}
