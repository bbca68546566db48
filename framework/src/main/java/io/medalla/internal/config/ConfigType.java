package io.medalla.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a configuration value is read and what values are allowed, for messages and the docs. */
public interface ConfigType<T> {
  /** Reads the value at {@code path}; throws Typesafe's exceptions on a wrong type. */
  T read(Config config, String path);

  /** What is allowed, as shown in error messages and the configuration reference. */
  String allowed();

  /** Whether the key is an object whose members are free-form (no unknown-key check below it). */
  default boolean isOpenObject() {
    return false;
  }

  /** Whether values of this type are secret references, so a rejected value is never shown. */
  default boolean holdsSecrets() {
    return false;
  }

  ConfigType<String> STRING = simple(Config::getString, "a string");
  ConfigType<Integer> POSITIVE_INT =
      checked(Config::getInt, "an integer of at least 1", value -> value >= 1);
  ConfigType<Integer> NON_NEGATIVE_INT =
      checked(Config::getInt, "an integer of at least 0", value -> value >= 0);
  ConfigType<Long> LONG = simple(Config::getLong, "an integer");
  ConfigType<Boolean> BOOLEAN = simple(Config::getBoolean, "true or false");
  ConfigType<Double> RATIO_ABOVE_ONE =
      checked(Config::getDouble, "a number greater than 1", value -> value > 1);
  ConfigType<Duration> DURATION =
      checked(
          Config::getDuration,
          "a positive duration such as 500ms, 10s or 2m",
          d -> !d.isNegative());
  ConfigType<List<String>> STRING_LIST = simple(Config::getStringList, "a list of strings");
  ConfigType<LocalDate> DATE =
      new ConfigType<>() {
        @Override
        public LocalDate read(Config config, String path) {
          String text = config.getString(path);
          try {
            return LocalDate.parse(text);
          } catch (DateTimeParseException e) {
            throw new InvalidValueException(text);
          }
        }

        @Override
        public String allowed() {
          return "a date YYYY-MM-DD";
        }
      };

  /** A map of string settings, for example Spark settings; member names are not checked. */
  ConfigType<Map<String, String>> STRING_MAP =
      new ConfigType<>() {
        @Override
        public Map<String, String> read(Config config, String path) {
          Map<String, String> values = new LinkedHashMap<>();
          for (Map.Entry<String, ConfigValue> entry : config.getConfig(path).entrySet()) {
            String key = String.join(".", com.typesafe.config.ConfigUtil.splitPath(entry.getKey()));
            values.put(key, String.valueOf(entry.getValue().unwrapped()));
          }
          return values;
        }

        @Override
        public String allowed() {
          return "an object of string settings";
        }

        @Override
        public boolean isOpenObject() {
          return true;
        }
      };

  /** One of the given lowercase words. */
  static ConfigType<String> oneOf(String... words) {
    List<String> allowedWords = List.of(words);
    return checked(
        Config::getString, "one of " + String.join(", ", allowedWords), allowedWords::contains);
  }

  /**
   * A secret: {@code env:VARIABLE} or {@code file:/path}. The value itself never appears in
   * configuration files, logs or errors.
   */
  ConfigType<Secret> SECRET =
      new ConfigType<>() {
        @Override
        public Secret read(Config config, String path) {
          return Secret.reference(config.getString(path));
        }

        @Override
        public String allowed() {
          return "a secret reference: env:VARIABLE_NAME or file:/path/to/file (never the value)";
        }

        @Override
        public boolean holdsSecrets() {
          return true;
        }
      };

  /**
   * A directory: a local path that is not a file (a missing one is created when first written) or a
   * Hadoop URI, which is not checked here.
   */
  ConfigType<String> DIRECTORY =
      new ConfigType<>() {
        @Override
        public String read(Config config, String path) {
          String text = config.getString(path);
          Optional<Path> directory = localPath(text).map(Path::toAbsolutePath);
          Optional<Path> existing = directory;
          while (existing.isPresent() && !Files.exists(existing.get())) {
            existing = Optional.ofNullable(existing.get().getParent());
          }
          if (existing.isPresent() && !Files.isDirectory(existing.get())) {
            throw new InvalidValueException(
                text,
                existing.equals(directory)
                    ? "a regular file"
                    : "below " + existing.get() + ", a regular file");
          }
          return text;
        }

        @Override
        public String allowed() {
          return "a local directory (created when missing) or a Hadoop URI (s3a://, abfss://)";
        }
      };

  /** The local path {@code text} names, as the warehouse resolves it; empty for other URIs. */
  private static Optional<Path> localPath(String text) {
    if (text.startsWith("file:")) {
      try {
        return Optional.of(Path.of(URI.create(text)));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return text.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")
        ? Optional.empty()
        : Optional.of(Path.of(text));
  }

  private static <T> ConfigType<T> simple(Reader<T> reader, String allowed) {
    return checked(reader, allowed, value -> true);
  }

  private static <T> ConfigType<T> checked(
      Reader<T> reader, String allowed, java.util.function.Predicate<T> valid) {
    return new ConfigType<>() {
      @Override
      public T read(Config config, String path) {
        T value = reader.read(config, path);
        if (!valid.test(value)) {
          throw new InvalidValueException(String.valueOf(value));
        }
        return value;
      }

      @Override
      public String allowed() {
        return allowed;
      }
    };
  }

  /** Reads a typed value from a Typesafe config. */
  @FunctionalInterface
  interface Reader<T> {
    T read(Config config, String path);
  }

  /** A value of the right Typesafe type that the key's rule rejects. */
  final class InvalidValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    InvalidValueException(String value) {
      this(value, null);
    }

    InvalidValueException(String value, String reason) {
      super(value);
      this.reason = reason;
    }

    /** Why the value is rejected, when its rule says more than "not allowed". */
    Optional<String> reason() {
      return Optional.ofNullable(reason);
    }
  }
}
