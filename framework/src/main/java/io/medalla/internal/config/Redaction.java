package io.medalla.internal.config;

import java.net.URI;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secret values in any text the framework writes: log lines, error messages, ledger rows and
 * alerts. Secrets register themselves when they are read. A secret URL also registers its
 * credentials (a password of any maskable length) and the path segments and query values that look
 * like tokens ({@value #MIN_PART_LENGTH} or more characters mixing letters and digits, so a
 * database name such as {@code postgres} is not one), so a token quoted on its own is masked too;
 * each form is also masked JSON-escaped. Credentials written inside any URL, registered or not
 * ({@code user:password@host}, {@code ?user=…&password=…}, {@code ;password=…;}), are masked as
 * well.
 */
public final class Redaction {
  /** What a secret value is replaced with. */
  public static final String MASK = "******";

  private static final int MIN_SECRET_LENGTH = 4;
  private static final int MIN_PART_LENGTH = 8;

  /** URL parameters whose values are credentials. */
  private static final Set<String> CREDENTIAL_PARAMETERS =
      Set.of("user", "username", "password", "passwd", "pwd");

  /** {@code user:password} between a URL's {@code //} and {@code @}. */
  private static final Pattern URL_CREDENTIALS =
      Pattern.compile("(?<=//)[^/@\\s:\"'\\\\]+:[^/@\\s\"'\\\\]+(?=@)");

  /**
   * A credential parameter of a URL's query ({@code ?}, {@code &}) or of a JDBC URL ({@code ;}).
   */
  private static final Pattern CREDENTIAL_PARAMETER =
      Pattern.compile(
          "(?i)(?<=[?&;](?:" + String.join("|", CREDENTIAL_PARAMETERS) + ")=)[^&;\\s\"'\\\\]+");

  /** A letter and a digit, in either order. */
  private static final Pattern TOKEN_LIKE = Pattern.compile("\\p{Alpha}.*\\d|\\d.*\\p{Alpha}");

  /** Longest first, so a whole secret is masked before the parts it contains. */
  private static final Set<String> SECRETS =
      new ConcurrentSkipListSet<>(
          Comparator.comparingInt(String::length)
              .reversed()
              .thenComparing(Comparator.naturalOrder()));

  private Redaction() {}

  /** Registers a secret value; values shorter than 4 characters are too ambiguous to mask. */
  public static void register(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    add(secret);
    URI uri;
    try {
      // jdbc:postgresql://host/db is opaque to URI; its part after "jdbc:" is a URL.
      uri = URI.create(secret.startsWith("jdbc:") ? secret.substring(5) : secret);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (uri.getScheme() == null) {
      return;
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      addCredential(userInfo.substring(userInfo.indexOf(':') + 1));
    }
    addPart(userInfo);
    if (uri.getRawPath() != null) {
      for (String segment : uri.getRawPath().split("[/;]")) {
        addParameter(segment);
      }
    }
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("[&;]")) {
        addParameter(parameter);
      }
    }
  }

  /** A query parameter or path segment: {@code name=value} or a bare value. */
  private static void addParameter(String parameter) {
    int equals = parameter.indexOf('=');
    String name = equals < 0 ? "" : parameter.substring(0, equals).toLowerCase(Locale.ROOT);
    String value = parameter.substring(equals + 1);
    if (name.startsWith("pass") || name.equals("pwd")) {
      addCredential(value);
    } else if (!CREDENTIAL_PARAMETERS.contains(name)) {
      addPart(value);
    }
  }

  private static void addCredential(String value) {
    if (value.length() >= MIN_SECRET_LENGTH) {
      add(value);
    }
  }

  private static void addPart(String part) {
    if (part != null && part.length() >= MIN_PART_LENGTH && TOKEN_LIKE.matcher(part).find()) {
      add(part);
    }
  }

  private static void add(String value) {
    SECRETS.add(value);
    SECRETS.add(value.replace("\\", "\\\\").replace("/", "\\/").replace("\"", "\\\""));
  }

  /**
   * Returns {@code text} with every registered secret, and every credential inside a URL, replaced
   * by {@link #MASK}.
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : SECRETS) {
      result = result.replace(secret, MASK);
    }
    result = URL_CREDENTIALS.matcher(result).replaceAll(Matcher.quoteReplacement(MASK));
    return CREDENTIAL_PARAMETER.matcher(result).replaceAll(Matcher.quoteReplacement(MASK));
  }
}
