package io.medalla.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The identifier rule shared by domains, table names and columns declared in specs. */
public final class Names {
  /** Lowercase snake_case: a letter first, then letters, digits and single underscores. */
  public static final String IDENTIFIER_RULE =
      "lowercase snake_case: start with a letter, then a-z, 0-9 and single underscores, at most 64"
          + " characters, not ending with an underscore";

  private static final Pattern IDENTIFIER =
      Pattern.compile("[a-z](?:[a-z0-9]|_(?=[a-z0-9])){0,63}");

  private Names() {}

  /**
   * An identifier following {@link #IDENTIFIER_RULE} made of {@code kind} and {@code columns}:
   * lowercased, each run of other characters one underscore, cut to 64 characters.
   */
  static String identifierOf(String kind, List<String> columns) {
    String joined =
        (kind + "_" + String.join("_", columns))
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "_");
    return joined.substring(0, Math.min(joined.length(), 64)).replaceAll("_+$", "");
  }

  /** Whether {@code value} follows {@link #IDENTIFIER_RULE}. */
  public static boolean isIdentifier(String value) {
    return value != null && IDENTIFIER.matcher(value).matches();
  }

  /**
   * Returns {@code value} when it follows {@link #IDENTIFIER_RULE}.
   *
   * @param what what the identifier names, for the error message ("domain", "table name")
   * @throws MedallaException with {@link ErrorCode#INVALID_NAME} otherwise
   */
  public static String requireIdentifier(String value, String what) {
    if (!isIdentifier(value)) {
      throw new MedallaException(
          ErrorCode.INVALID_NAME, "Invalid %s '%s': use %s", what, value, IDENTIFIER_RULE);
    }
    return value;
  }
}
