package io.medalla.internal.governance;

import io.medalla.api.Classification;
import io.medalla.api.ColumnClass;
import io.medalla.api.Columns;
import io.medalla.api.TableId;
import io.medalla.internal.lineage.ColumnLineage.Origin;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * What a table stores about its columns: each column's classification and tags, the input columns
 * it is computed from, and how a protected column is stored. Kept as table properties ({@code
 * medalla.classification.<column>}, {@code medalla.tags.<column>}, {@code
 * medalla.lineage.<column>}, {@code medalla.stored.<column>}), so Delta versions them with the
 * table, and as column metadata ({@value #CLASSIFICATION_FIELD}, {@value #TAGS_FIELD}, {@value
 * #STORED_FIELD}) for readers and catalogs that read the schema.
 *
 * @param classes the classified columns
 * @param lineage the traced columns' input columns
 * @param stored the columns protected at rest
 */
public record TableAnnotations(
    Map<String, ColumnClass> classes,
    Map<String, SortedSet<Origin>> lineage,
    Map<String, StoredAs> stored) {
  /** Nothing known about the columns. */
  public static final TableAnnotations NONE = new TableAnnotations(Map.of(), Map.of());

  /** The column metadata field holding the classification. */
  public static final String CLASSIFICATION_FIELD = "medalla.classification";

  /** The column metadata field holding the tags. */
  public static final String TAGS_FIELD = "medalla.tags";

  /** The column metadata field saying how a protected column is stored. */
  public static final String STORED_FIELD = "medalla.stored";

  private static final String CLASSIFICATION_PREFIX = "medalla.classification.";
  private static final String TAGS_PREFIX = "medalla.tags.";
  private static final String LINEAGE_PREFIX = "medalla.lineage.";
  private static final String STORED_PREFIX = "medalla.stored.";

  public TableAnnotations {
    classes = Map.copyOf(new TreeMap<>(classes));
    stored = Map.copyOf(stored);
    Map<String, SortedSet<Origin>> copied = new TreeMap<>();
    lineage.forEach((column, origins) -> copied.put(column, new TreeSet<>(origins)));
    lineage = java.util.Collections.unmodifiableMap(copied);
  }

  /** Annotations of columns none of which is protected at rest. */
  public TableAnnotations(
      Map<String, ColumnClass> classes, Map<String, SortedSet<Origin>> lineage) {
    this(classes, lineage, Map.of());
  }

  /** The classification of {@code column}, if it has one. */
  public Optional<ColumnClass> classOf(String column) {
    return Optional.ofNullable(classes.get(column));
  }

  /** The columns tagged {@code tag}. */
  public Set<String> tagged(String tag) {
    return classes.entrySet().stream()
        .filter(entry -> entry.getValue().tags().contains(tag))
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The table properties that store these annotations. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    classes.forEach(
        (column, columnClass) -> {
          properties.put(CLASSIFICATION_PREFIX + column, columnClass.level().id());
          if (!columnClass.tags().isEmpty()) {
            properties.put(
                TAGS_PREFIX + column, String.join(",", new TreeSet<>(columnClass.tags())));
          }
        });
    lineage.forEach(
        (column, origins) ->
            properties.put(
                LINEAGE_PREFIX + column,
                origins.stream().map(Origin::toString).collect(Collectors.joining(","))));
    stored.forEach((column, storedAs) -> properties.put(STORED_PREFIX + column, storedAs.id()));
    return properties;
  }

  /** Whether {@code name} is a property these annotations keep. */
  public static boolean isAnnotation(String name) {
    return name.startsWith(CLASSIFICATION_PREFIX)
        || name.startsWith(TAGS_PREFIX)
        || name.startsWith(LINEAGE_PREFIX)
        || name.startsWith(STORED_PREFIX);
  }

  /** The annotations stored in a table's {@code properties}. */
  public static TableAnnotations fromProperties(Map<String, String> properties) {
    Map<String, ColumnClass> classes = new TreeMap<>();
    Map<String, SortedSet<Origin>> lineage = new TreeMap<>();
    Map<String, StoredAs> stored = new TreeMap<>();
    properties.forEach(
        (name, value) -> {
          if (name.startsWith(CLASSIFICATION_PREFIX)) {
            String column = name.substring(CLASSIFICATION_PREFIX.length());
            String tags = properties.getOrDefault(TAGS_PREFIX + column, "");
            classes.put(
                column,
                new ColumnClass(
                    Classification.parse(value),
                    tags.isEmpty() ? Set.of() : Set.of(tags.split(","))));
          } else if (name.startsWith(LINEAGE_PREFIX) && !value.isEmpty()) {
            SortedSet<Origin> origins = new TreeSet<>();
            for (String origin : value.split(",")) {
              // A catalog name is layer_domain.table: the column is what follows its second dot.
              int tableEnd = origin.indexOf('.', origin.indexOf('.') + 1);
              origins.add(
                  new Origin(
                      TableId.parse(origin.substring(0, tableEnd)),
                      origin.substring(tableEnd + 1)));
            }
            lineage.put(name.substring(LINEAGE_PREFIX.length()), origins);
          } else if (name.startsWith(STORED_PREFIX)) {
            stored.put(name.substring(STORED_PREFIX.length()), StoredAs.parse(value));
          }
        });
    return new TableAnnotations(classes, lineage, stored);
  }

  /**
   * {@code properties} with these annotations in place of the ones they hold: other properties
   * kept, annotations of columns no longer classified or traced removed.
   */
  public Map<String, String> storedIn(Map<String, String> properties) {
    Map<String, String> stored = new TreeMap<>();
    properties.forEach(
        (name, value) -> {
          if (!isAnnotation(name)) {
            stored.put(name, value);
          }
        });
    stored.putAll(properties());
    return stored;
  }

  /** {@code rows} with each classified column's classification in its metadata. */
  public Dataset<Row> applyTo(Dataset<Row> rows) {
    if (classes.isEmpty() && stored.isEmpty()) {
      return rows;
    }
    return rows.select(
        Arrays.stream(rows.schema().fields())
            .map(
                field -> {
                  Column column = functions.col(Columns.quoted(field.name()));
                  return classes.containsKey(field.name()) || stored.containsKey(field.name())
                      ? column.as(field.name(), annotate(field).metadata())
                      : column;
                })
            .toArray(Column[]::new));
  }

  /** {@code schema} with each classified column's classification and tags in its metadata. */
  public StructType annotate(StructType schema) {
    return new StructType(
        Arrays.stream(schema.fields()).map(this::annotate).toArray(StructField[]::new));
  }

  /** {@code field} with its classification, tags and stored form in its metadata. */
  public StructField annotate(StructField field) {
    ColumnClass columnClass = classes.get(field.name());
    StoredAs storedAs = stored.get(field.name());
    Metadata existing = field.metadata();
    if (columnClass == null
        && storedAs == null
        && !existing.contains(CLASSIFICATION_FIELD)
        && !existing.contains(TAGS_FIELD)
        && !existing.contains(STORED_FIELD)) {
      return field;
    }
    MetadataBuilder metadata =
        new MetadataBuilder()
            .withMetadata(existing)
            .remove(CLASSIFICATION_FIELD)
            .remove(TAGS_FIELD)
            .remove(STORED_FIELD);
    // Spark's own markers, such as the __dataset_id of a column taken from a Dataset, are not
    // the table's.
    JavaConverters.mapAsJavaMap(existing.map()).keySet().stream()
        .filter(key -> key.startsWith("__"))
        .forEach(metadata::remove);
    if (columnClass != null) {
      metadata.putString(CLASSIFICATION_FIELD, columnClass.level().id());
      if (!columnClass.tags().isEmpty()) {
        // An empty array would not read back equal from the log's JSON.
        metadata.putStringArray(
            TAGS_FIELD, new TreeSet<>(columnClass.tags()).toArray(String[]::new));
      }
    }
    if (storedAs != null) {
      metadata.putString(STORED_FIELD, storedAs.id());
    }
    return new StructField(field.name(), field.dataType(), field.nullable(), metadata.build());
  }
}
