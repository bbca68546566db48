package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A column's classification and tags. A tag names what the value is, such as {@code pii:email} or
 * {@code pii:user_id}; {@code medalla erase --subject pii:user_id=u-42} finds the subject's rows in
 * every table through the columns tagged {@code pii:user_id}.
 *
 * @param level how sensitive the values are
 * @param tags lower-case {@code category:name} tags, sorted
 * @since 0.3.0
 */
public record ColumnClass(Classification level, Set<String> tags) {
  private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_]*:[a-z][a-z0-9_]*");

  public ColumnClass {
    requireNonNull(level, "level is null");
    tags = Set.copyOf(new TreeSet<>(tags));
    for (String tag : tags) {
      if (!TAG.matcher(tag).matches()) {
        throw new MedallaException(
            ErrorCode.INVALID_PIPELINE,
            "Invalid classification tag '%s': a tag is category:name in lower case, such as"
                + " pii:email",
            tag);
      }
    }
  }

  /** {@code level} with {@code tags}. */
  public static ColumnClass of(Classification level, String... tags) {
    return new ColumnClass(level, Set.of(tags));
  }

  /** The more sensitive level of the two, with the tags of both. */
  public ColumnClass merge(ColumnClass other) {
    Set<String> merged = new TreeSet<>(tags);
    merged.addAll(other.tags);
    return new ColumnClass(level.max(other.level), merged);
  }

  /** {@code pii} or {@code pii [pii:email]}. */
  @Override
  public String toString() {
    return tags.isEmpty() ? level.id() : level.id() + " " + new TreeSet<>(tags);
  }
}
