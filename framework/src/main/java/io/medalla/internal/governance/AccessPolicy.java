package io.medalla.internal.governance;

import io.medalla.api.Classification;
import io.medalla.api.ColumnClass;
import io.medalla.api.Columns;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.TableId;
import io.medalla.internal.config.ConfigKey;
import io.medalla.internal.config.ConfigKeys;
import io.medalla.internal.config.MedallaSettings;
import io.medalla.internal.config.RoleGrant;
import io.medalla.internal.config.Secret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * The environment's policies for classified columns: how each classification is stored at rest
 * ({@code medalla.governance.stored}) and what each role may read ({@code
 * medalla.governance.roles}): which tables, which classifications in clear, and how it sees the
 * others. Medalla applies them wherever it writes and reads: a run stores its output protected, a
 * pipeline reads its inputs as its role sees them, and {@code export} and the read API return
 * tables the same way. A read the role may not make is refused with {@link
 * ErrorCode#PERMISSION_DENIED}, naming the table, the column's classification and the role.
 *
 * <p>A bronze table's raw text of a malformed record ({@code _corrupt_record}) and a quarantined
 * record are as sensitive as the table's most sensitive column, and are stored and read as such.
 */
public final class AccessPolicy {
  private static final Set<Classification> SENSITIVE =
      EnumSet.of(Classification.CONFIDENTIAL, Classification.PII);
  private static final String CORRUPT_RECORD = "_corrupt_record";

  private final String role;
  private final Map<String, Grant> grants;
  private final Map<Classification, Masking> stored;
  private final ColumnProtection protection;

  /** What one role may read. */
  private record Grant(
      List<String> read, Set<Classification> clear, Map<Classification, Masking> show) {
    boolean mayRead(TableId table) {
      return read.stream()
          .anyMatch(pattern -> glob(pattern).matcher(table.catalogName()).matches());
    }
  }

  private AccessPolicy(
      String role,
      Map<String, Grant> grants,
      Map<Classification, Masking> stored,
      ColumnProtection protection) {
    this.role = role;
    this.grants = grants;
    this.stored = stored;
    this.protection = protection;
  }

  /**
   * The policies configured in {@code settings}, read as {@code medalla.governance.role}.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_CONFIGURATION} naming the key of an
   *     unknown word, an unknown role, or a policy whose salt or key is not set
   */
  public static AccessPolicy fromSettings(MedallaSettings settings) {
    Map<String, Grant> grants = new TreeMap<>();
    settings
        .get(ConfigKeys.GOVERNANCE_ROLES)
        .forEach((name, grant) -> grants.put(name, grant(name, grant)));
    Map<Classification, Masking> stored = new EnumMap<>(Classification.class);
    settings
        .get(ConfigKeys.GOVERNANCE_STORED)
        .forEach(
            (level, masking) -> {
              String key = ConfigKeys.GOVERNANCE_STORED.path() + "." + level;
              stored.put(classification(level, key), Masking.parse(masking, key));
            });
    String role = settings.get(ConfigKeys.GOVERNANCE_ROLE);
    if (!grants.containsKey(role)) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Unknown role '%s' (%s, --role); configured roles: %s. Define it under %s",
          role,
          ConfigKeys.GOVERNANCE_ROLE.path(),
          grants.keySet(),
          ConfigKeys.GOVERNANCE_ROLES.path());
    }
    Set<Masking> used = EnumSet.noneOf(Masking.class);
    used.addAll(stored.values());
    grants.values().forEach(grant -> used.addAll(grant.show().values()));
    ColumnProtection protection =
        new ColumnProtection(
            secretFor(settings, used, Masking.HASH, ConfigKeys.GOVERNANCE_HASH_SALT),
            secretFor(settings, used, Masking.TOKEN, ConfigKeys.GOVERNANCE_TOKEN_KEY));
    return new AccessPolicy(role, grants, stored, protection);
  }

  /** The secret a policy in {@code used} needs, required then, not read otherwise. */
  private static Optional<String> secretFor(
      MedallaSettings settings, Set<Masking> used, Masking masking, ConfigKey<Secret> key) {
    if (!used.contains(masking)) {
      return Optional.empty();
    }
    return Optional.of(
        settings
            .secret(key)
            .orElseThrow(
                () ->
                    new MedallaException(
                        ErrorCode.INVALID_CONFIGURATION,
                        "A policy is %s, but %s is not set: set it to a secret reference"
                            + " (env:NAME or file:/path)",
                        masking.id(),
                        key.path())));
  }

  private static Grant grant(String name, RoleGrant grant) {
    String path = ConfigKeys.GOVERNANCE_ROLES.path() + "." + name;
    Set<Classification> clear = EnumSet.noneOf(Classification.class);
    grant.clear().forEach(level -> clear.add(classification(level, path + ".clear")));
    Map<Classification, Masking> show = new EnumMap<>(Classification.class);
    grant
        .show()
        .forEach(
            (level, masking) ->
                show.put(
                    classification(level, path + ".show." + level),
                    Masking.parse(masking, path + ".show." + level)));
    return new Grant(grant.read(), clear, show);
  }

  private static Classification classification(String level, String key) {
    try {
      return Classification.parse(level);
    } catch (MedallaException e) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION, e, "Invalid %s: %s", key, e.getMessage());
    }
  }

  /** The role this process reads as. */
  public String role() {
    return role;
  }

  /**
   * {@code annotations} with the columns of {@code columns} that the policy protects at rest, and a
   * bronze table's {@code _corrupt_record} classified as its most sensitive column.
   */
  public TableAnnotations storage(TableAnnotations annotations, List<StructField> columns) {
    Map<String, ColumnClass> classes = new LinkedHashMap<>(annotations.classes());
    boolean corrupt = columns.stream().anyMatch(field -> field.name().equals(CORRUPT_RECORD));
    if (corrupt && !classes.isEmpty()) {
      classes.put(
          CORRUPT_RECORD, classes.values().stream().reduce(ColumnClass::merge).orElseThrow());
    }
    Map<String, StoredAs> protectedColumns = new TreeMap<>();
    for (StructField field : columns) {
      ColumnClass columnClass = classes.get(field.name());
      if (columnClass != null) {
        Masking masking = stored.getOrDefault(columnClass.level(), Masking.CLEAR);
        if (masking != Masking.CLEAR) {
          protectedColumns.put(field.name(), new StoredAs(masking, field.dataType()));
        }
      }
    }
    return new TableAnnotations(classes, annotations.lineage(), protectedColumns);
  }

  /**
   * Refuses to write {@code table} when a column already stored in one form would now be stored in
   * another, which would mix both in one column; only a full rewrite may change the form.
   */
  public static void checkStorageUnchanged(
      TableId table, TableAnnotations current, TableAnnotations next) {
    List<String> changed = new ArrayList<>();
    for (String column : next.classes().keySet()) {
      if (!current.classes().containsKey(column)) {
        continue;
      }
      String before =
          Optional.ofNullable(current.stored().get(column)).map(StoredAs::id).orElse("clear");
      String after =
          Optional.ofNullable(next.stored().get(column)).map(StoredAs::id).orElse("clear");
      if (!before.equals(after)) {
        changed.add(column + " (stored " + before + ", the policy now says " + after + ")");
      }
    }
    if (!changed.isEmpty()) {
      throw new MedallaException(
          ErrorCode.INVALID_CONFIGURATION,
          "Cannot write %s: %s would mix two stored forms in one column. Rewrite the whole table"
              + " (backfill --full-refresh) to change how it is stored, or restore %s",
          table,
          String.join(", ", changed),
          ConfigKeys.GOVERNANCE_STORED.path());
    }
  }

  /** {@code rows}, with classification metadata, with the protected columns stored protected. */
  public Dataset<Row> store(Dataset<Row> rows, TableAnnotations annotations) {
    if (annotations.stored().isEmpty()) {
      return rows;
    }
    return rows.select(
        Arrays.stream(rows.schema().fields())
            .map(
                field -> {
                  Column column = functions.col(Columns.quoted(field.name()));
                  StoredAs storedAs = annotations.stored().get(field.name());
                  return storedAs == null
                      ? column
                      : protection
                          .apply(storedAs.masking(), column, field.dataType())
                          .as(field.name(), annotations.annotate(field).metadata());
                })
            .toArray(Column[]::new));
  }

  /**
   * {@code quarantined} with its record columns stored as the table's most sensitive column is: the
   * raw text and the JSON of a quarantined row hold every column at once.
   */
  public Dataset<Row> storeRecords(
      Dataset<Row> quarantined, TableAnnotations annotations, String... recordColumns) {
    Optional<Masking> masking =
        annotations.classes().values().stream()
            .map(ColumnClass::level)
            .max(Classification::compareTo)
            .map(level -> stored.getOrDefault(level, Masking.CLEAR))
            .filter(strongest -> strongest != Masking.CLEAR);
    if (masking.isEmpty()) {
      return quarantined;
    }
    Dataset<Row> protectedRecords = quarantined;
    for (String column : recordColumns) {
      if (Arrays.asList(quarantined.columns()).contains(column)) {
        protectedRecords =
            protectedRecords.withColumn(
                column,
                protection.apply(masking.get(), functions.col(column), DataTypes.StringType));
      }
    }
    return protectedRecords;
  }

  /** What a read returned: the rows as the role sees them, and which sensitive columns in clear. */
  public record Read(Dataset<Row> rows, SortedSet<String> clearSensitive) {}

  /**
   * The rows of {@code table}, as stored, as this policy's role sees them.
   *
   * @throws MedallaException with {@link ErrorCode#PERMISSION_DENIED} naming the table, the role
   *     and, for a column it may not see, the column and its classification
   */
  public Read read(TableId table, Dataset<Row> storedRows) {
    Grant grant = grants.get(role);
    if (!grant.mayRead(table)) {
      throw new MedallaException(
          ErrorCode.PERMISSION_DENIED,
          "Role %s may not read %s (%s.%s.read = %s)",
          role,
          table,
          ConfigKeys.GOVERNANCE_ROLES.path(),
          role,
          grant.read());
    }
    SortedSet<String> clearSensitive = new TreeSet<>();
    List<String> refused = new ArrayList<>();
    List<Column> columns = new ArrayList<>();
    boolean changed = false;
    for (StructField field : storedRows.schema().fields()) {
      Column column = functions.col(Columns.quoted(field.name()));
      Optional<Classification> level = levelOf(field.metadata());
      if (level.isEmpty()) {
        columns.add(column);
        continue;
      }
      Optional<StoredAs> storedAs = storedAs(field.metadata());
      Masking view =
          grant.clear().contains(level.get())
              ? Masking.CLEAR
              : grant.show().getOrDefault(level.get(), null);
      if (view == null) {
        refused.add(field.name() + " (" + level.get().id() + ")");
        continue;
      }
      if (view == Masking.CLEAR && SENSITIVE.contains(level.get())) {
        clearSensitive.add(field.name());
      }
      Masking storedMasking = storedAs.map(StoredAs::masking).orElse(Masking.CLEAR);
      // A hashed, masked or nulled value is the best there is: shown as stored to a clear reader.
      if (view == storedMasking || view == Masking.CLEAR && storedMasking != Masking.TOKEN) {
        columns.add(column);
        continue;
      }
      Column clear = storedAs.map(as -> protection.reveal(column, as)).orElse(column);
      Metadata shown =
          new MetadataBuilder()
              .withMetadata(field.metadata())
              .remove(TableAnnotations.STORED_FIELD)
              .build();
      columns.add(
          protection
              .apply(view, clear, storedAs.map(StoredAs::clearType).orElse(field.dataType()))
              .as(field.name(), shown));
      changed = true;
    }
    if (!refused.isEmpty()) {
      throw new MedallaException(
          ErrorCode.PERMISSION_DENIED,
          "Role %s may not read column %s of %s: neither %s.%s.clear nor .show names the"
              + " classification",
          role,
          String.join(", ", refused),
          table,
          ConfigKeys.GOVERNANCE_ROLES.path(),
          role);
    }
    return new Read(
        changed ? storedRows.select(columns.toArray(Column[]::new)) : storedRows, clearSensitive);
  }

  /** The clear value of the stored column {@code field}, as a reader in clear sees it. */
  public Column clear(StructField field) {
    Column column = functions.col(Columns.quoted(field.name()));
    return storedAs(field.metadata()).map(as -> protection.reveal(column, as)).orElse(column);
  }

  /** A stored record's text (quarantine) in clear. */
  public Column clearText(Column stored) {
    return protection.revealText(stored);
  }

  private static Optional<Classification> levelOf(Metadata metadata) {
    return metadata.contains(TableAnnotations.CLASSIFICATION_FIELD)
        ? Optional.of(
            Classification.parse(metadata.getString(TableAnnotations.CLASSIFICATION_FIELD)))
        : Optional.empty();
  }

  private static Optional<StoredAs> storedAs(Metadata metadata) {
    return metadata.contains(TableAnnotations.STORED_FIELD)
        ? Optional.of(StoredAs.parse(metadata.getString(TableAnnotations.STORED_FIELD)))
        : Optional.empty();
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }
}
