package io.medalla.internal.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Classification;
import io.medalla.api.ColumnClass;
import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Protection;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.SilverPipeline;
import io.medalla.api.TableId;
import io.medalla.internal.governance.TableAnnotations;
import io.medalla.internal.lineage.ColumnLineage.Origin;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.TableMetadata;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column classification: resolved at each run, stored with the table, enforced before publish. */
class TestGovernance {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final TableId SILVER = TableId.parse("silver_test.visits");

  @TempDir static Path directory;
  private static TestWarehouse warehouse;

  /** Visits as landed: a user id and email (pii), a country (public). */
  static final class BronzeVisits extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_test.visits")
          .owner("test-team@medalla.dev")
          .source(
              FileSource.jsonLines(
                  "test/visits", "visit_id STRING, user_id BIGINT, email STRING, country STRING"))
          .classify(Classification.INTERNAL, "visit_id")
          .classify("user_id", Classification.PII, "pii:user_id")
          .classify("email", Classification.PII, "pii:email")
          .classify(Classification.PUBLIC, "country")
          .build();
    }
  }

  /** Visits with every column inherited, the email renamed. */
  static final class SilverVisits extends SilverPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder(SILVER.catalogName())
          .owner("test-team@medalla.dev")
          .inputs("bronze_test.visits")
          .keys("visit_id")
          .inherit("visit_id", "user_id", "contact", "country")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return context
          .read("bronze_test.visits")
          .select(col("visit_id"), col("user_id"), col("email").as("contact"), col("country"));
    }
  }

  private static TestPipelines.GoldProbe visitorsByCountry(PipelineSpec.Builder spec) {
    return new TestPipelines.GoldProbe(
        spec.owner("test-team@medalla.dev").inputs(SILVER.catalogName()).build(),
        context ->
            context.read(SILVER).groupBy("country").agg(countDistinct("user_id").as("visitors")));
  }

  @BeforeAll
  static void buildSilver() {
    warehouse = TestWarehouse.create(directory);
    warehouse.land(
        "test/visits",
        DAY,
        "visits.jsonl",
        List.of(
            "{\"visit_id\":\"v1\",\"user_id\":1,\"email\":\"ann@example.com\",\"country\":\"ES\"}",
            "{\"visit_id\":\"v2\",\"user_id\":2,\"email\":\"bob@example.com\",\"country\":\"ES\"}",
            "{\"visit_id\":\"v3\",\"user_id\":1,\"email\":\"ann@example.com\",\"country\":\"FR\"}"));
    assertThat(warehouse.run(new BronzeVisits(), DAY).record().status())
        .isEqualTo(RunStatus.SUCCEEDED);
    assertThat(warehouse.run(new SilverVisits(), DAY).record().status())
        .isEqualTo(RunStatus.SUCCEEDED);
  }

  private static String path(String table) {
    return directory.resolve("warehouse").resolve(TableId.parse(table).relativePath()).toString();
  }

  private static TableAnnotations stored(String table, Optional<Long> version) {
    return TableAnnotations.fromProperties(
        TableMetadata.properties(warehouse.spark(), path(table), version));
  }

  /** The table's commits' operations, oldest first. */
  private static List<String> operations(String table) {
    List<String> operations =
        new java.util.ArrayList<>(
            DeltaTables.history(warehouse.spark(), path(table), 100).stream()
                .map(commit -> commit.operation())
                .toList());
    java.util.Collections.reverse(operations);
    return operations;
  }

  @Test
  void inheritedClassificationFollowsTheColumnsThroughRenamesAndIsStoredWithTheTable() {
    TableAnnotations silver = stored(SILVER.catalogName(), Optional.empty());

    assertThat(silver.classes())
        .containsEntry("contact", ColumnClass.of(Classification.PII, "pii:email"))
        .containsEntry("user_id", ColumnClass.of(Classification.PII, "pii:user_id"))
        .containsEntry("country", ColumnClass.of(Classification.PUBLIC));
    assertThat(silver.lineage().get("contact"))
        .containsExactly(new Origin(TableId.parse("bronze_test.visits"), "email"));
    StructType schema =
        TableMetadata.schema(warehouse.spark(), path(SILVER.catalogName()), Optional.empty());
    assertThat(schema.apply("contact").metadata().getString("medalla.classification"))
        .isEqualTo("pii");
    assertThat(schema.apply("contact").metadata().getStringArray("medalla.tags"))
        .containsExactly("pii:email");
    assertThat(schema.apply("_run_id").metadata().contains("medalla.classification")).isFalse();
    assertThat(operations(SILVER.catalogName()))
        .as("classified at creation: no commit of its own")
        .containsExactly("CREATE TABLE AS SELECT");
  }

  @Test
  void aGoldColumnComputedFromPiiWithoutProtectionIsRefusedBeforeAnythingIsPublished() {
    TestPipelines.GoldProbe unprotected =
        visitorsByCountry(
            PipelineSpec.builder("gold_test.visitors_unprotected")
                .inherit("country")
                .classify(Classification.INTERNAL, "visitors"));

    RunResult result = warehouse.run(unprotected, DAY);

    assertThat(result.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(result.errorCode()).contains(ErrorCode.INVALID_PIPELINE);
    assertThat(result.exitStatus()).isEqualTo(2);
    assertThat(result.record().errorMessage().orElseThrow())
        .contains("gold_test.visitors_unprotected")
        .contains(
            "column visitors is computed from pii column(s) [silver_test.visits.user_id] but"
                + " classified internal without a protection");
    assertThat(DeltaTables.exists(warehouse.spark(), path("gold_test.visitors_unprotected")))
        .isFalse();
  }

  @Test
  void aDeclaredProtectionPublishesAndAReclassificationIsVersionedWithTheTable() {
    String table = "gold_test.visitors";
    TestPipelines.GoldProbe internal =
        visitorsByCountry(
            PipelineSpec.builder(table)
                .inherit("country")
                .classify(Classification.INTERNAL, "visitors")
                .protect(Protection.AGGREGATED, "visitors"));
    TestPipelines.GoldProbe confidential =
        visitorsByCountry(
            PipelineSpec.builder(table)
                .inherit("country")
                .classify("visitors", Classification.CONFIDENTIAL, "metric:reach")
                .protect(Protection.AGGREGATED, "visitors"));

    assertThat(warehouse.run(internal, DAY).record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(warehouse.run(internal, DAY).record().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(warehouse.rows(table)).hasSize(2);
    assertThat(warehouse.run(confidential, DAY).record().status()).isEqualTo(RunStatus.SUCCEEDED);

    assertThat(operations(table))
        .as("one metadata commit, only when the classification changed")
        .containsExactly("CREATE TABLE AS SELECT", "WRITE", "WRITE", "SET TBLPROPERTIES");
    assertThat(stored(table, Optional.of(0L)).classOf("visitors"))
        .contains(ColumnClass.of(Classification.INTERNAL));
    assertThat(stored(table, Optional.empty()).classOf("visitors"))
        .contains(ColumnClass.of(Classification.CONFIDENTIAL, "metric:reach"));
    assertThat(stored(table, Optional.empty()).lineage().get("visitors"))
        .containsExactly(new Origin(SILVER, "user_id"));
  }

  @Test
  void whenClassificationIsRequiredAnUnclassifiedColumnIsRefused() {
    TestWarehouse strict =
        TestWarehouse.create(
            directory.resolve("strict"),
            Map.of("medalla.governance.require-classification", "true"));
    strict.land(
        "test/visits",
        DAY,
        "visits.jsonl",
        List.of("{\"visit_id\":\"v1\",\"user_id\":1,\"email\":\"a@b.c\",\"country\":\"ES\"}"));
    strict.run(new BronzeVisits(), DAY);
    strict.run(new SilverVisits(), DAY);

    RunResult result =
        strict.run(
            visitorsByCountry(
                PipelineSpec.builder("gold_test.visitors")
                    .classify(Classification.INTERNAL, "visitors")
                    .protect(Protection.AGGREGATED, "visitors")),
            DAY);

    assertThat(result.errorCode()).contains(ErrorCode.INVALID_PIPELINE);
    assertThat(result.record().errorMessage().orElseThrow())
        .contains("column country is not classified");
  }
}
