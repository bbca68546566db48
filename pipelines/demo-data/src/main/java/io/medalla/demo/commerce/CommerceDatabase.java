package io.medalla.demo.commerce;

import io.medalla.pipelines.commerce.BronzeCustomers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's commerce database: a real PostgreSQL server started from Maven-shipped binaries when
 * no {@code commerce_db} connection is configured. Its data directory persists beside the landing
 * folders, so a repeated demo meets the database as the last one left it, as a real source would.
 * The server lives until the process exits.
 */
final class CommerceDatabase {
  private static final String USER = "medalla_demo";
  private static final Map<Path, CommerceDatabase> RUNNING = new HashMap<>();

  private final EmbeddedPostgres server;
  private final String password;

  private CommerceDatabase(EmbeddedPostgres server, String password) {
    this.server = server;
    this.password = password;
  }

  /** Returns the server already running on {@code dataDirectory} in this process, or starts one. */
  static synchronized CommerceDatabase start(Path dataDirectory, long seed) throws IOException {
    Path key = dataDirectory.toAbsolutePath().normalize();
    CommerceDatabase running = RUNNING.get(key);
    if (running != null) {
      return running;
    }
    EmbeddedPostgres server =
        EmbeddedPostgres.builder().setDataDirectory(key).setCleanDataDirectory(false).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server)));
    String password = "demo-" + Long.toHexString(seed * 7919 + 17);
    CommerceDatabase database = new CommerceDatabase(server, password);
    database.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + USER
            + "') THEN CREATE ROLE "
            + USER
            + " LOGIN PASSWORD '"
            + password
            + "'; END IF; END $$",
        "CREATE TABLE IF NOT EXISTS public.customers (customer_id BIGINT PRIMARY KEY,"
            + " name TEXT NOT NULL, email TEXT, country TEXT NOT NULL,"
            + " updated_at TIMESTAMPTZ NOT NULL)",
        "GRANT SELECT ON public.customers TO " + USER);
    RUNNING.put(key, database);
    return database;
  }

  /**
   * The {@code medalla.connections.commerce_db.*} settings, as secrets in files below {@code dir}.
   */
  Map<String, String> connectionSettings(Path directory) throws IOException {
    Files.createDirectories(directory);
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, String> values =
        Map.of(
            "url", "jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
            "user", USER,
            "password", password);
    for (Map.Entry<String, String> value : values.entrySet()) {
      Path file = directory.resolve(BronzeCustomers.CONNECTION + "." + value.getKey());
      Files.writeString(file, value.getValue());
      settings.put(
          "medalla.connections." + BronzeCustomers.CONNECTION + "." + value.getKey(),
          "file:" + file.toAbsolutePath());
    }
    return settings;
  }

  void execute(String... statements) {
    try (Connection connection = server.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot prepare the demo database: " + e.getMessage(), e);
    }
  }

  /** Runs one parameterized statement once per row of {@code rows}. */
  void batch(String sql, Iterable<Object[]> rows) {
    try (Connection connection = server.getPostgresDatabase().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        for (int index = 0; index < row.length; index++) {
          statement.setObject(index + 1, row[index]);
        }
        statement.addBatch();
      }
      statement.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot change the demo database: " + e.getMessage(), e);
    }
  }

  private static void close(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
