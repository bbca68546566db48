package io.medalla.internal.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.Classification;
import io.medalla.api.ColumnClass;
import io.medalla.api.ErrorCode;
import io.medalla.api.Expect;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.TableId;
import io.medalla.internal.lineage.ColumnLineage.Origin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TestColumnClassifier {
  private static final TableId SILVER = TableId.parse("silver_shop.users");
  private static final TableAnnotations USERS =
      new TableAnnotations(
          Map.of(
              "user_id", ColumnClass.of(Classification.PII, "pii:user_id"),
              "email", ColumnClass.of(Classification.PII, "pii:email"),
              "country", ColumnClass.of(Classification.PUBLIC),
              "signup_day", ColumnClass.of(Classification.INTERNAL)),
          Map.of());
  private static final StructType OUTPUT =
      StructType.fromDDL("user_id BIGINT, country STRING, users BIGINT, _run_id STRING");
  private static final Map<String, Set<Origin>> LINEAGE =
      Map.of(
          "user_id", Set.of(origin("user_id")),
          "country", Set.of(origin("country"), origin("_batch_id")),
          "users", Set.of(origin("user_id")));

  private static Origin origin(String column) {
    return new Origin(SILVER, column);
  }

  private static PipelineSpec.Builder gold() {
    return PipelineSpec.builder("gold_shop.users_by_country")
        .owner("team")
        .inputs(SILVER.catalogName())
        .expect(Expect.schema("user_id BIGINT, country STRING, users BIGINT").fail());
  }

  private static PipelineSpec inheriting(String table, String... columns) {
    return PipelineSpec.builder(table)
        .owner("team")
        .inputs(SILVER.catalogName())
        .inherit(columns)
        .build();
  }

  private static TableAnnotations resolve(PipelineSpec spec, boolean requireAll) {
    return ColumnClassifier.resolve(spec, OUTPUT, LINEAGE, table -> USERS, requireAll);
  }

  @Test
  void inheritedColumnsTakeTheirInputColumnsClassificationAndTags() {
    TableAnnotations annotations =
        resolve(
            gold()
                .inherit("user_id", "country")
                .classify(Classification.INTERNAL, "users")
                .protect(Protection.AGGREGATED, "users")
                .build(),
            true);

    assertThat(annotations.classes())
        .containsEntry("user_id", ColumnClass.of(Classification.PII, "pii:user_id"))
        .containsEntry("country", ColumnClass.of(Classification.PUBLIC))
        .containsEntry("users", ColumnClass.of(Classification.INTERNAL))
        .doesNotContainKey("_run_id");
    assertThat(annotations.tagged("pii:user_id")).containsExactly("user_id");
    assertThat(annotations.lineage().get("country"))
        .containsExactly(origin("_batch_id"), origin("country"));
  }

  @Test
  void aMergeKeepsTheMostSensitiveLevelAndAllTags() {
    assertThat(
            ColumnClass.of(Classification.INTERNAL, "pii:session_id")
                .merge(ColumnClass.of(Classification.PII, "pii:user_id")))
        .isEqualTo(ColumnClass.of(Classification.PII, "pii:session_id", "pii:user_id"));
  }

  @Test
  void aColumnComputedFromPiiMustBePiiOrProtected() {
    PipelineSpec unprotected =
        gold().inherit("user_id", "country").classify(Classification.INTERNAL, "users").build();

    assertThatThrownBy(() -> resolve(unprotected, false))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessageContaining("gold_shop.users_by_country")
        .hasMessageContaining(
            "column users is computed from pii column(s) [silver_shop.users.user_id] but"
                + " classified internal without a protection");
    PipelineSpec unclassified = gold().inherit("user_id", "country").build();
    assertThatThrownBy(() -> resolve(unclassified, false))
        .hasMessageContaining("column users is computed from pii column(s)")
        .hasMessageContaining("classified not at all");
  }

  @Test
  void unclassifiedColumnsFailOnlyWhenClassificationIsRequired() {
    PipelineSpec spec = inheriting("gold_shop.countries", "country");
    StructType output = StructType.fromDDL("country STRING, note STRING");
    Map<String, Set<Origin>> lineage = Map.of("country", Set.of(origin("country")));

    assertThat(ColumnClassifier.resolve(spec, output, lineage, table -> USERS, false).classes())
        .containsOnlyKeys("country");
    assertThatThrownBy(() -> ColumnClassifier.resolve(spec, output, lineage, table -> USERS, true))
        .hasMessageContaining("column note is not classified");
  }

  @Test
  void inheritingNeedsClassifiedInputColumns() {
    PipelineSpec spec = inheriting("gold_shop.days", "day", "label");
    StructType output = StructType.fromDDL("day DATE, label STRING");
    Map<String, Set<Origin>> lineage =
        Map.of("day", Set.of(origin("_batch_id")), "label", Set.of(origin("nickname")));

    assertThatThrownBy(() -> ColumnClassifier.resolve(spec, output, lineage, table -> USERS, false))
        .hasMessageContaining(
            "column day inherits its classification but is computed from no input column")
        .hasMessageContaining(
            "column label inherits its classification from [silver_shop.users.nickname], which"
                + " are not classified");
  }

  @Test
  void inheritingFromATableWithoutClassificationLeavesTheColumnUnclassified() {
    PipelineSpec spec = inheriting("gold_shop.countries", "country");
    StructType output = StructType.fromDDL("country STRING");
    Map<String, Set<Origin>> lineage = Map.of("country", Set.of(origin("country")));

    assertThat(
            ColumnClassifier.resolve(spec, output, lineage, table -> TableAnnotations.NONE, false)
                .classes())
        .isEmpty();
    assertThatThrownBy(
            () ->
                ColumnClassifier.resolve(
                    spec, output, lineage, table -> TableAnnotations.NONE, true))
        .hasMessageContaining("column country is not classified");
  }

  @Test
  void validateFindsUnclassifiedAndUnprotectedColumnsWithoutSpark() {
    PipelineSpec silver =
        PipelineSpec.builder(SILVER.catalogName())
            .owner("team")
            .inputs("bronze_shop.users")
            .classify("user_id", Classification.PII, "pii:user_id")
            .classify(Classification.PUBLIC, "country")
            .expect(Expect.schema("user_id BIGINT, country STRING").fail())
            .build();
    PipelineSpec gold =
        gold().inherit("country").classify(Classification.INTERNAL, "user_id").build();
    Map<TableId, PipelineSpec> specs = new LinkedHashMap<>();
    specs.put(silver.output(), silver);
    specs.put(gold.output(), gold);

    assertThat(ColumnClassifier.problems(specs))
        .containsExactly(
            "pipeline gold_shop.users_by_country: column user_id is classified internal, but"
                + " input silver_shop.users holds a pii column user_id it is likely computed"
                + " from: classify it pii, or declare protect(Protection.<how>, \"user_id\") in"
                + " the spec",
            "pipeline gold_shop.users_by_country: column users is not classified; add"
                + " classify(Classification.<level>, \"users\") or inherit(\"users\") to its spec");
  }

  @Test
  void annotationsRoundTripThroughTablePropertiesAndColumnMetadata() {
    TableAnnotations annotations =
        new TableAnnotations(
            Map.of(
                "user_id", ColumnClass.of(Classification.PII, "pii:user_id"),
                "country", ColumnClass.of(Classification.PUBLIC)),
            Map.of("user_id", new TreeSet<>(Set.of(origin("user_id")))));

    Map<String, String> properties = annotations.properties();
    assertThat(properties)
        .containsEntry("medalla.classification.user_id", "pii")
        .containsEntry("medalla.tags.user_id", "pii:user_id")
        .containsEntry("medalla.lineage.user_id", "silver_shop.users.user_id");
    assertThat(TableAnnotations.fromProperties(properties)).isEqualTo(annotations);
    Map<String, String> stored = new LinkedHashMap<>(properties);
    stored.put("medalla.owner", "team");
    stored.put("medalla.classification.dropped", "internal");
    assertThat(TableAnnotations.NONE.storedIn(stored)).containsOnlyKeys("medalla.owner");

    StructType annotated =
        annotations.annotate(StructType.fromDDL("user_id BIGINT, country STRING, note STRING"));
    assertThat(annotated.apply("user_id").metadata().getString("medalla.classification"))
        .isEqualTo("pii");
    assertThat(annotated.apply("user_id").metadata().getStringArray("medalla.tags"))
        .containsExactly("pii:user_id");
    assertThat(annotated.apply("country").metadata().contains("medalla.tags")).isFalse();
    assertThat(annotations.annotate(annotated)).isEqualTo(annotated);
    assertThat(DataType.fromJson(annotated.json())).isEqualTo(annotated);
    assertThat(annotations.classOf("note")).isEqualTo(Optional.empty());
  }
}
