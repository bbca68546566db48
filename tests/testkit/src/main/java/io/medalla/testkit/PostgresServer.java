package io.medalla.testkit;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL server for testing JDBC sources, unpacked from a Maven artifact (no system
 * install) and listening on a free local port. Set up data as the superuser with {@link
 * #execute(String...)}; pipelines connect as a read-only role that must give its password, whose
 * credentials {@link #connectionSettings(String, Path)} writes as secret files. Starting takes a
 * few seconds: share one server per test class and give each test its own tables.
 *
 * <pre>{@code
 * static PostgresServer postgres = PostgresServer.start();
 * postgres.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT)");
 * TestWarehouse warehouse =
 *     TestWarehouse.create(dir, postgres.connectionSettings("crm_db", dir));
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
  private static final String DATABASE = "postgres";
  private static final String SUPERUSER = "postgres";
  private static final String READER = "medalla_reader";

  private final EmbeddedPostgres server;
  private final String password;

  private PostgresServer(EmbeddedPostgres server, String password) {
    this.server = server;
    this.password = password;
  }

  /**
   * Starts a server. The superuser connects without a password; every other role must give its
   * password (SCRAM), so a wrong password fails as it would in production.
   *
   * @throws UncheckedIOException when the server cannot be unpacked or started
   */
  public static PostgresServer start() {
    EmbeddedPostgres server;
    try {
      server = EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL server", e);
    }
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    PostgresServer postgres = new PostgresServer(server, HexFormat.of().formatHex(random));
    try {
      postgres.requirePasswords();
      postgres.execute(
          String.format("CREATE ROLE %s LOGIN PASSWORD '%s'", READER, postgres.password),
          "GRANT pg_read_all_data TO " + READER);
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  /** Lets the superuser in without a password and asks every other role for one. */
  private void requirePasswords() {
    String dataDirectory = text("SHOW data_directory");
    String rules =
        String.join(
            "\n",
            "local all all trust",
            "host all " + SUPERUSER + " 127.0.0.1/32 trust",
            "host all " + SUPERUSER + " ::1/128 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
            "");
    try {
      Files.writeString(Path.of(dataDirectory, "pg_hba.conf"), rules, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    execute("SELECT pg_reload_conf()");
  }

  /** The JDBC URL of the server's {@code postgres} database, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + DATABASE;
  }

  /** The read-only role pipelines connect as. */
  public String user() {
    return READER;
  }

  /** The read-only role's password. */
  public String password() {
    return password;
  }

  /**
   * Writes the URL, user and password as secret files in {@code directory} and returns the settings
   * of connection {@code name} referring to them ({@code medalla.connections.NAME.url = "file:..."}
   * and so on), to pass to {@link TestWarehouse#create(Path, Map)}.
   */
  public Map<String, String> connectionSettings(String name, Path directory) {
    requireNonNull(name, "name is null");
    requireNonNull(directory, "directory is null");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(
        "medalla.connections." + name + ".url", secretFile(directory, name + "-url", jdbcUrl()));
    settings.put(
        "medalla.connections." + name + ".user", secretFile(directory, name + "-user", user()));
    settings.put(
        "medalla.connections." + name + ".password",
        secretFile(directory, name + "-password", password));
    return settings;
  }

  /** Writes {@code value} to a file and returns its secret reference, {@code file:/path}. */
  public static String secretFile(Path directory, String fileName, String value) {
    try {
      Files.createDirectories(directory);
      Path file = directory.resolve(fileName);
      Files.writeString(file, value, StandardCharsets.UTF_8);
      return "file:" + file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs SQL statements as the superuser, each in its own transaction. */
  public void execute(String... statements) {
    try (Connection connection = superuser();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run SQL on the embedded server: " + e, e);
    }
  }

  /** The single number a query returns, such as {@code SELECT count(*) FROM customers}. */
  public long longValue(String query) {
    return Long.parseLong(text(query));
  }

  /** The single value a query returns, as text. */
  public String text(String query) {
    try (Connection connection = superuser();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      if (!result.next()) {
        throw new IllegalStateException("Query returned no row: " + query);
      }
      return result.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run SQL on the embedded server: " + e, e);
    }
  }

  private Connection superuser() throws SQLException {
    return server.getPostgresDatabase().getConnection();
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
