package io.medalla.internal.ingest;

import static java.util.Objects.requireNonNull;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.ConfigType;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.Secret;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * A database connection configured under {@code medalla.connections.<name>}, with its secrets read.
 * The URL, user and password are registered for redaction when they are read and are never part of
 * {@link #toString()} or of an error message.
 */
final class JdbcConnection {
  private static final String PREFIX = ConfigKeys.CONNECTIONS.path();

  private final String name;
  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;

  private JdbcConnection(
      String name, String url, Optional<String> user, Optional<String> password) {
    this.name = name;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * Reads the secrets of connection {@code name}.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} when the connection is
   *     not configured, a value is not a secret reference, or a secret cannot be read
   */
  static JdbcConnection resolve(MedallaSettings settings, String name) {
    requireNonNull(settings, "settings is null");
    requireNonNull(name, "name is null");
    Map<String, String> members = settings.get(ConfigKeys.CONNECTIONS);
    Set<String> configured = new TreeSet<>();
    for (String member : members.keySet()) {
      int dot = member.lastIndexOf('.');
      configured.add(dot < 0 ? member : member.substring(0, dot));
    }
    if (!configured.contains(name)) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Cannot find connection %s: it is not configured under %s (configured connections: %s)."
              + " Add %s.%s { url = \"env:VARIABLE\", user = \"env:VARIABLE\", password ="
              + " \"file:/path\" } to the environment's configuration",
          name,
          PREFIX,
          configured.isEmpty() ? "none" : String.join(", ", configured),
          PREFIX,
          name);
    }
    String url =
        reveal(settings, members, name, "url")
            .orElseThrow(
                () ->
                    new MedallaException(
                        ErrorCode.INVALID_CONFIGURATION,
                        "Invalid connection %s: %s.%s.url is missing. Set it to env:VARIABLE_NAME"
                            + " or file:/path/to/file",
                        name,
                        PREFIX,
                        name));
    return new JdbcConnection(
        name,
        url,
        reveal(settings, members, name, "user"),
        reveal(settings, members, name, "password"));
  }

  private static Optional<String> reveal(
      MedallaSettings settings, Map<String, String> members, String name, String member) {
    String reference = members.get(name + "." + member);
    if (reference == null) {
      return Optional.empty();
    }
    Secret secret;
    try {
      secret = Secret.reference(reference);
    } catch (ConfigType.InvalidValueException e) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Invalid value for %s.%s.%s: a literal value (hidden); allowed: a secret reference,"
              + " env:VARIABLE_NAME or file:/path/to/file (never the value)",
          PREFIX,
          name,
          member);
    }
    return Optional.of(settings.reveal(secret));
  }

  /** The connection's name under {@code medalla.connections}. */
  String name() {
    return name;
  }

  /** The URL, for choosing the SQL dialect; never print it. */
  String url() {
    return url;
  }

  /**
   * Spark JDBC options carrying the URL, credentials and the driver class found beside this class:
   * naming it lets Spark load it from the application's jar under {@code spark-submit}, where
   * {@link DriverManager} cannot see it.
   */
  Map<String, String> sparkOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("url", url);
    driver().ifPresent(driver -> options.put("driver", driver.getClass().getName()));
    user.ifPresent(value -> options.put("user", value));
    password.ifPresent(value -> options.put("password", value));
    return options;
  }

  /**
   * Opens a connection on the driver, through the JDBC driver found beside this class (so it also
   * works where the application's jar has its own class loader, as under {@code spark-submit}).
   */
  Connection open() throws SQLException {
    Properties properties = new Properties();
    user.ifPresent(value -> properties.setProperty("user", value));
    password.ifPresent(value -> properties.setProperty("password", value));
    Optional<Driver> driver = driver();
    return driver.isPresent()
        ? driver.get().connect(url, properties)
        : DriverManager.getConnection(url, properties);
  }

  private Optional<Driver> driver() {
    for (Driver driver : ServiceLoader.load(Driver.class, JdbcConnection.class.getClassLoader())) {
      try {
        if (driver.acceptsURL(url)) {
          return Optional.of(driver);
        }
      } catch (SQLException e) {
        // A driver that cannot judge the URL is not the one.
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "connection " + name;
  }
}
