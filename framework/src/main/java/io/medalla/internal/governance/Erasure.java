package io.medalla.internal.governance;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medalla.api.Columns;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaTables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * Finds and deletes the rows of one data subject, such as {@code pii:customer_id=42}, in one table.
 * A column holds the subject when it carries the subject's tag: its value is the subject's (read in
 * clear, so a tokenized column matches too), or, for text holding JSON such as a change event's
 * images, its field named after the tag is. A raw record ({@code _corrupt_record}, a quarantined
 * record) holds it when its JSON does, or when its text holds the value as a whole word. Rows are
 * deleted by a merge whose source is the matched rows, so the value appears in no commit's
 * parameters, and files with deletion vectors are rewritten without the rows.
 */
public final class Erasure {
  /** The data subject: a classification tag and the value that identifies the person. */
  public record Subject(String tag, String value) {
    public Subject {
      requireNonNull(tag, "tag is null");
      requireNonNull(value, "value is null");
    }

    /**
     * The subject written {@code category:name=value}.
     *
     * @throws MedallaException with {@link ErrorCode#INVALID_ARGUMENT} naming the form
     */
    public static Subject parse(String text) {
      int equals = text.indexOf('=');
      String tag = equals < 0 ? "" : text.substring(0, equals);
      if (!tag.matches("[a-z][a-z0-9_]*:[a-z][a-z0-9_]*") || equals == text.length() - 1) {
        throw new MedallaException(
            ErrorCode.INVALID_ARGUMENT,
            "Invalid subject '%s': write TAG=VALUE with a classification tag, e.g."
                + " pii:customer_id=42",
            text);
      }
      return new Subject(tag, text.substring(equals + 1));
    }

    /** The tag's name, e.g. {@code customer_id}: the JSON field that holds the value. */
    String field() {
      return tag.substring(tag.indexOf(':') + 1);
    }
  }

  /** What erasing the subject from one table did: rows deleted, files rewritten, its version. */
  public record Result(long rows, long filesRewritten, Optional<Long> version) {}

  private final SparkSession spark;
  private final AccessPolicy access;

  public Erasure(SparkSession spark, AccessPolicy access) {
    this.spark = requireNonNull(spark, "spark is null");
    this.access = requireNonNull(access, "access is null");
  }

  /**
   * The predicate matching the subject's rows in a table whose {@code columns} carry its tag;
   * {@code records} are columns holding whole records.
   */
  public Optional<Column> predicate(
      Subject subject, List<StructField> columns, Set<String> tagged, Set<String> records) {
    List<Column> matches = new ArrayList<>();
    for (StructField field : columns) {
      if (records.contains(field.name())) {
        matches.add(recordHolds(access.clearText(access.clear(field)), subject, tagged));
      } else if (tagged.contains(field.name()) && !(field.dataType() instanceof MapType)) {
        Column clear = access.clear(field);
        Column text =
            field.dataType() instanceof AtomicType ? clear.cast("string") : to_json(clear);
        Column equal = text.equalTo(lit(subject.value()));
        matches.add(
            field.dataType() instanceof StringType
                ? equal.or(get_json_object(text, "$." + subject.field()).equalTo(subject.value()))
                : equal);
      }
    }
    return matches.stream().map(match -> coalesce(match, lit(false))).reduce(Column::or);
  }

  /**
   * Whether a record's text holds the subject: as JSON, in a field named after a tagged column or
   * the tag, directly or inside a JSON text field; as other text, as a whole word.
   */
  private static Column recordHolds(Column text, Subject subject, Set<String> tagged) {
    List<Column> fields = new ArrayList<>();
    for (String name : new TreeSet<>(union(tagged, subject.field()))) {
      Column value = get_json_object(text, "$." + name);
      fields.add(value.equalTo(subject.value()));
      fields.add(get_json_object(value, "$." + subject.field()).equalTo(subject.value()));
    }
    Column json =
        fields.stream().map(match -> coalesce(match, lit(false))).reduce(Column::or).orElseThrow();
    Column word =
        text.rlike("(?<![A-Za-z0-9_])" + Pattern.quote(subject.value()) + "(?![A-Za-z0-9_])");
    return when(get_json_object(text, "$").isNotNull(), json).otherwise(word);
  }

  private static Set<String> union(Set<String> names, String name) {
    Set<String> all = new HashSet<>(names);
    all.add(name);
    return all;
  }

  /** How many rows of the table at {@code path} {@code predicate} matches. */
  public long count(String path, Column predicate) {
    return spark.read().format("delta").load(path).where(predicate).count();
  }

  /**
   * Deletes the rows {@code predicate} matches in one commit tagged {@code runId}, then rewrites
   * the files whose deletion vectors still hold them; nothing when none match.
   */
  public Result erase(String path, Column predicate, String runId) {
    Dataset<Row> table = spark.read().format("delta").load(path);
    Dataset<Row> matched = table.where(predicate).localCheckpoint();
    long rows = matched.count();
    if (rows == 0) {
      return new Result(0, 0, Optional.empty());
    }
    long before = DeltaTables.latestCommit(spark, path).orElseThrow().version();
    String condition =
        Arrays.stream(table.schema().fields())
            .filter(field -> !(field.dataType() instanceof MapType))
            .map(
                field ->
                    "held."
                        + Columns.quoted(field.name())
                        + " <=> erased."
                        + Columns.quoted(field.name()))
            .collect(Collectors.joining(" AND "));
    DeltaTables.withUserMetadata(
        spark,
        runId,
        () ->
            DeltaTable.forPath(spark, path)
                .as("held")
                .merge(matched.as("erased"), condition)
                .whenMatched()
                .delete()
                .execute());
    spark.sql("REORG TABLE delta.`" + path.replace("`", "``") + "` APPLY (PURGE)");
    List<DeltaCommit> commits =
        DeltaTables.history(spark, path, 2).stream()
            .filter(commit -> commit.version() > before)
            .toList();
    long files =
        commits.stream()
            .mapToLong(
                commit ->
                    Long.parseLong(
                        commit
                            .metrics()
                            .getOrDefault(
                                "numTargetFilesRemoved",
                                commit.metrics().getOrDefault("numRemovedFiles", "0"))))
            .sum();
    return new Result(rows, files, Optional.of(commits.get(0).version()));
  }
}
