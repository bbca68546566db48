package io.medalla.cluster;

import io.medalla.internal.spark.SparkSessions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on the loopback interface: one Master and one Worker, each in its
 * own JVM, run from a {@code SPARK_HOME} whose {@code jars/} folder Maven filled with the Spark
 * runtime (no Spark distribution needed). The Worker launches executors as further JVMs.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final List<String> JAVA_17_FLAGS =
      Arrays.asList(SparkSessions.JAVA_17_FLAGS.split(" "));

  private final Path sparkHome;
  private final Path directory;
  private final String masterUrl;
  private final List<ChildJvm> processes = new ArrayList<>();

  private StandaloneCluster(Path sparkHome, Path directory, String masterUrl) {
    this.sparkHome = sparkHome;
    this.directory = directory;
    this.masterUrl = masterUrl;
  }

  /**
   * Prepares {@code sparkHome} ({@code RELEASE}, {@code conf/log4j2.properties}), starts a Master
   * and a Worker with {@code cores} cores and {@code memory} for executors, and waits until the
   * Worker has registered. Logs and the Worker's work folder go below {@code directory}.
   */
  static StandaloneCluster start(Path sparkHome, Path directory, int cores, String memory)
      throws IOException {
    prepareSparkHome(sparkHome);
    Files.createDirectories(directory);
    int masterPort = freePort();
    StandaloneCluster cluster =
        new StandaloneCluster(sparkHome, directory, "spark://" + HOST + ":" + masterPort);
    try {
      cluster.startDaemon(
          "master",
          "org.apache.spark.deploy.master.Master",
          List.of(
              "--host", HOST,
              "--port", String.valueOf(masterPort),
              "--webui-port", String.valueOf(freePort())));
      ChildJvm worker =
          cluster.startDaemon(
              "worker",
              "org.apache.spark.deploy.worker.Worker",
              List.of(
                  cluster.masterUrl,
                  "--host",
                  HOST,
                  "--cores",
                  String.valueOf(cores),
                  "--memory",
                  memory,
                  "--webui-port",
                  String.valueOf(freePort()),
                  "--work-dir",
                  cluster.workDirectory().toString()));
      worker.awaitLog("Successfully registered with master", START_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The URL to give {@code spark-submit --master}. */
  String masterUrl() {
    return masterUrl;
  }

  /** Where the Worker keeps one folder per application with each executor's stdout and stderr. */
  Path workDirectory() {
    return directory.resolve("work");
  }

  /**
   * Starts {@code spark-submit} in client mode: the driver runs in the returned JVM, executors on
   * the Worker.
   *
   * @param driverMemory the heap of the driver JVM
   * @param sparkConf {@code --conf} settings, beside the Java 17 flags for driver and executors
   * @param environment variables for the driver; a {@code null} value removes the variable
   */
  ChildJvm submit(
      String name,
      String driverMemory,
      Map<String, String> sparkConf,
      Path applicationJar,
      String mainClass,
      List<String> applicationArguments,
      Path workingDirectory,
      Map<String, String> environment) {
    List<String> arguments = new ArrayList<>(List.of("--master", masterUrl));
    arguments.addAll(List.of("--deploy-mode", "client", "--class", mainClass));
    Map<String, String> conf = new HashMap<>(sparkConf);
    conf.put("spark.driver.extraJavaOptions", SparkSessions.JAVA_17_FLAGS);
    conf.put("spark.executor.extraJavaOptions", SparkSessions.JAVA_17_FLAGS);
    conf.forEach((key, value) -> arguments.addAll(List.of("--conf", key + "=" + value)));
    arguments.add(applicationJar.toString());
    arguments.addAll(applicationArguments);
    Map<String, String> variables = new HashMap<>(sparkEnvironment());
    variables.putAll(environment);
    List<String> jvmOptions = new ArrayList<>(JAVA_17_FLAGS);
    jvmOptions.add("-Xmx" + driverMemory);
    return track(
        ChildJvm.start(
            name,
            jvmOptions,
            classpath(),
            "org.apache.spark.deploy.SparkSubmit",
            arguments,
            workingDirectory,
            variables,
            directory.resolve(name + ".log")));
  }

  /** The log tails of every process started, for failure reports. */
  String logTails(int lines) {
    StringBuilder tails = new StringBuilder();
    processes.forEach(process -> tails.append(process.tail(lines)));
    return tails.toString();
  }

  /** Stops the submitted drivers, then the Worker (and its executors), then the Master. */
  @Override
  public void close() {
    for (int index = processes.size() - 1; index >= 0; index--) {
      processes.get(index).close();
    }
  }

  private ChildJvm startDaemon(String name, String mainClass, List<String> arguments) {
    List<String> jvmOptions = new ArrayList<>(JAVA_17_FLAGS);
    jvmOptions.add("-Xmx512m");
    return track(
        ChildJvm.start(
            name,
            jvmOptions,
            classpath(),
            mainClass,
            arguments,
            directory,
            sparkEnvironment(),
            directory.resolve(name + ".log")));
  }

  private ChildJvm track(ChildJvm process) {
    processes.add(process);
    return process;
  }

  /** The class path Spark's own launcher builds for a distribution: conf/, then jars/*. */
  private String classpath() {
    return sparkHome.resolve("conf") + File.pathSeparator + sparkHome.resolve("jars") + "/*";
  }

  /**
   * What the daemons and the driver need: {@code SPARK_HOME}; the Scala version, without which the
   * Worker cannot build executor commands outside a Spark distribution; loopback addresses; and
   * nothing inherited that would point elsewhere.
   */
  private Map<String, String> sparkEnvironment() {
    Map<String, String> variables = new HashMap<>();
    System.getenv().keySet().stream()
        .filter(key -> key.startsWith("SPARK_") || key.startsWith("MEDALLA_"))
        .forEach(key -> variables.put(key, null));
    variables.put("SPARK_HOME", sparkHome.toString());
    variables.put("SPARK_SCALA_VERSION", "2.12");
    variables.put("SPARK_LOCAL_IP", HOST);
    variables.put("SPARK_LOCAL_DIRS", directory.resolve("local").toString());
    return variables;
  }

  private static void prepareSparkHome(Path sparkHome) throws IOException {
    Path jars = sparkHome.resolve("jars");
    try (Stream<Path> files = Files.isDirectory(jars) ? Files.list(jars) : Stream.empty()) {
      if (files.noneMatch(file -> file.getFileName().toString().startsWith("spark-core_"))) {
        throw new IllegalStateException(
            "Cannot start a standalone cluster: "
                + jars
                + " holds no Spark jars. Run the test with 'mvn verify' (from the root or in"
                + " tests/e2e), which copies them at pre-integration-test.");
      }
    }
    // Spark's launcher treats a folder with RELEASE as a distribution and uses its jars/.
    if (!Files.exists(sparkHome.resolve("RELEASE"))) {
      Files.createFile(sparkHome.resolve("RELEASE"));
    }
    // On every class path Spark's launcher builds (executors too): INFO logs to stderr.
    Files.createDirectories(sparkHome.resolve("conf"));
    try (InputStream log4j =
        StandaloneCluster.class.getResourceAsStream("spark-home-log4j2.properties")) {
      if (log4j == null) {
        throw new IllegalStateException(
            "Cannot find spark-home-log4j2.properties beside " + StandaloneCluster.class);
      }
      Files.copy(
          log4j, sparkHome.resolve("conf/log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
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
