package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TestPipelineSpec {
  private static final FileSource EVENTS = FileSource.jsonLines("product/events", "id STRING");

  @Test
  void testBronzeSpec() {
    PipelineSpec spec =
        PipelineSpec.builder("bronze_product.events")
            .owner("product-data@example.com")
            .description("Raw product events.")
            .source(EVENTS)
            .build();

    assertThat(spec.pipelineName()).isEqualTo("bronze_product.events");
    assertThat(spec.output()).isEqualTo(TableId.of(Layer.BRONZE, "product", "events"));
    assertThat(spec.owner()).isEqualTo("product-data@example.com");
    assertThat(spec.description()).isEqualTo("Raw product events.");
    assertThat(spec.source()).contains(EVENTS);
    assertThat(spec.inputs()).isEmpty();
    assertThat(spec.keys()).isEmpty();
    assertThat(spec.partitionColumn()).isEmpty();
    assertThat(spec.critical()).isFalse();
    assertThat(spec.writeMode()).isEqualTo(WriteMode.IDEMPOTENT_APPEND);
  }

  @Test
  void testBronzeWithKeysAndPartitionStillAppends() {
    PipelineSpec spec =
        PipelineSpec.builder("bronze_product.events")
            .owner("team")
            .source(EVENTS)
            .keys("id")
            .partitionedBy("event_date")
            .build();

    assertThat(spec.writeMode()).isEqualTo(WriteMode.IDEMPOTENT_APPEND);
  }

  @Test
  void testSilverSpec() {
    PipelineSpec spec =
        PipelineSpec.builder("silver_product.events")
            .owner("team")
            .inputs("bronze_product.events", "silver_product.users")
            .keys("event_id", "user_id")
            .critical()
            .expect(
                Expect.schema("event_id STRING, user_id BIGINT, occurred_at TIMESTAMP").fail(),
                Expect.unique("event_id", "user_id").fail(),
                Expect.fresh("occurred_at", java.time.Duration.ofHours(6)).fail())
            .build();

    assertThat(spec.inputs())
        .containsExactly(
            TableId.parse("bronze_product.events"), TableId.parse("silver_product.users"));
    assertThat(spec.keys()).containsExactly("event_id", "user_id");
    assertThat(spec.critical()).isTrue();
    assertThat(spec.source()).isEmpty();
  }

  @Test
  void testWriteModeDerivation() {
    assertThat(silver().partitionedBy("event_date").keys("id").build().writeMode())
        .isEqualTo(WriteMode.PARTITION_OVERWRITE);
    assertThat(silver().partitionedBy("event_date").build().writeMode())
        .isEqualTo(WriteMode.PARTITION_OVERWRITE);
    assertThat(silver().keys("id").build().writeMode()).isEqualTo(WriteMode.MERGE);
    assertThat(silver().build().writeMode()).isEqualTo(WriteMode.FULL_OVERWRITE);
    assertThat(
            PipelineSpec.builder("gold_product.daily")
                .owner("team")
                .inputs("silver_product.events")
                .keys("day")
                .build()
                .writeMode())
        .isEqualTo(WriteMode.MERGE);
  }

  @Test
  void testOwnerRequired() {
    assertInvalidPipeline(
            () -> PipelineSpec.builder("bronze_product.events").source(EVENTS).build())
        .hasMessageContaining("Invalid pipeline spec for bronze_product.events")
        .hasMessageContaining("owner is required");
    assertInvalidPipeline(() -> silver().owner("  ").build()).hasMessageContaining("owner");
  }

  @Test
  void testBronzeNeedsSource() {
    assertInvalidPipeline(() -> PipelineSpec.builder("bronze_product.events").owner("team").build())
        .hasMessageContaining("Invalid pipeline spec for bronze_product.events")
        .hasMessageContaining("a bronze pipeline needs a source(...)");
  }

  @Test
  void testBronzeReadsNoTables() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("bronze_product.events")
                    .owner("team")
                    .source(EVENTS)
                    .inputs("bronze_product.users")
                    .build())
        .hasMessageContaining("a bronze pipeline reads sources only")
        .hasMessageContaining("bronze_product.users");
  }

  @Test
  void testSilverAndGoldNeedInputs() {
    assertInvalidPipeline(() -> PipelineSpec.builder("silver_product.events").owner("t").build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("declare at least one input table");
    assertInvalidPipeline(() -> PipelineSpec.builder("gold_product.daily").owner("t").build())
        .hasMessageContaining("Invalid pipeline spec for gold_product.daily")
        .hasMessageContaining("declare at least one input table");
  }

  @Test
  void testSilverAndGoldTakeNoSource() {
    assertInvalidPipeline(() -> silver().source(EVENTS).build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("only bronze pipelines read landing sources");
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("gold_product.daily")
                    .owner("team")
                    .inputs("silver_product.events")
                    .source(EVENTS)
                    .build())
        .hasMessageContaining("only bronze pipelines read landing sources");
  }

  @Test
  void testGoldMayNotReadBronze() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("gold_product.daily")
                    .owner("team")
                    .inputs("silver_product.users", "bronze_product.events")
                    .build())
        .hasMessageContaining("Invalid pipeline spec for gold_product.daily")
        .hasMessageContaining("gold may not read bronze_product.events");
  }

  @Test
  void testSilverMayNotReadGold() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("silver_product.events")
                    .owner("team")
                    .inputs("gold_product.daily")
                    .build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("silver may not read gold_product.daily");
  }

  @Test
  void testDuplicateInputs() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("silver_product.events")
                    .owner("team")
                    .inputs("bronze_product.events", "bronze_product.events")
                    .build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("an input is declared twice")
        .hasMessageContaining("bronze_product.events");
  }

  @Test
  void testCannotReadItself() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("silver_product.events")
                    .owner("team")
                    .inputs("silver_product.events")
                    .build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("cannot read its own output");
  }

  @Test
  void testKeyAndPartitionColumnNames() {
    assertThatThrownBy(() -> silver().keys("Event_Id").build())
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageContaining("Invalid key column of silver_product.events 'Event_Id'");
    assertThatThrownBy(() -> silver().partitionedBy("event-date").build())
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageContaining("Invalid partition column 'event-date'");
  }

  @Test
  void testInvalidNamesInBuilder() {
    assertThatThrownBy(() -> PipelineSpec.builder("silver_Product.events"))
        .isInstanceOf(MedallaException.class)
        .hasMessageContaining("Invalid domain 'Product'");
    assertThatThrownBy(() -> silver().inputs("bronze_product"))
        .isInstanceOf(MedallaException.class)
        .hasMessageContaining("Invalid table name 'bronze_product'");
  }

  @Test
  void testDateDependencies() {
    PipelineSpec spec =
        PipelineSpec.builder("gold_product.weekly_active_users")
            .owner("team")
            .partitionedBy("activity_date")
            .dependsOn("silver_product.events", "event_date", 7)
            .build();

    TableId events = TableId.parse("silver_product.events");
    assertThat(spec.inputs()).containsExactly(events);
    assertThat(spec.dateDependency(events)).contains(new DateDependency(events, "event_date", 7));
    assertThatThrownBy(
            () ->
                PipelineSpec.builder("gold_product.totals")
                    .owner("team")
                    .dependsOn("silver_product.events", "event_date")
                    .build())
        .hasMessageContaining("only a partitioned table declares date dependencies");
    assertThatThrownBy(() -> silver().dependsOn("bronze_product.events", "to_date(ts)", 0))
        .hasMessageContaining("the window is 0 days; give at least 1");
  }

  @Test
  void testInsertOnlyNeedsKeysAndNoChangeFeed() {
    assertThat(silver().keys("id").partitionedBy("day").insertOnly().build().insertOnly()).isTrue();
    assertThatThrownBy(() -> silver().insertOnly().build())
        .hasMessageContaining("insertOnly() needs keys");
  }

  @Test
  void testDeduplicationNeedsKeys() {
    assertThat(
            silver().keys("id").deduplicate("_ingested_at", "_line").build().deduplicationOrder())
        .containsExactly("_ingested_at", "_line");
    assertThatThrownBy(() -> silver().deduplicate("_ingested_at").build())
        .hasMessageContaining("deduplicate(...) needs keys");
  }

  @Test
  void testCollectionsAreCopied() {
    java.util.List<TableId> inputs =
        new java.util.ArrayList<>(java.util.List.of(TableId.parse("bronze_product.events")));
    PipelineSpec spec =
        new PipelineSpec(
            TableId.parse("silver_product.events"),
            "team",
            "",
            inputs,
            java.util.Optional.empty(),
            java.util.List.of(),
            java.util.Optional.empty(),
            false,
            java.util.List.of(),
            java.util.Optional.empty(),
            java.util.List.of(),
            false,
            java.util.List.of(),
            java.util.List.of(),
            Classifications.NONE);
    inputs.add(TableId.parse("bronze_product.users"));

    assertThat(spec.inputs()).containsExactly(TableId.parse("bronze_product.events"));
    assertThatThrownBy(() -> spec.inputs().add(TableId.parse("bronze_product.users")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void testClassificationsAreValidated() {
    assertInvalidPipeline(
            () ->
                PipelineSpec.builder("bronze_product.events")
                    .owner("team")
                    .source(FileSource.jsonLines("product/events", "user_id BIGINT"))
                    .inherit("user_id")
                    .build())
        .hasMessageContaining("no input columns to inherit a classification from");
    assertInvalidPipeline(
            () -> silver().classify(Classification.PII, "user_id").inherit("user_id").build())
        .hasMessageContaining("both classified and inherited");
    assertInvalidPipeline(() -> silver().protect(Protection.AGGREGATED, "users").build())
        .hasMessageContaining("Column users declares a protection but no classification");
    assertInvalidPipeline(() -> silver().classify("email", Classification.PII, "Email").build())
        .hasMessageContaining("Invalid classification tag 'Email'");
    assertThat(
            silver()
                .classify("email", Classification.PII, "pii:email")
                .inherit("country")
                .build()
                .classifications()
                .covers("country"))
        .isTrue();
    assertThat(Classification.parse("PII")).isEqualTo(Classification.PII);
    assertThatThrownBy(() -> Classification.parse("secret"))
        .hasMessageContaining("allowed: public, internal, confidential, pii");
  }

  @Test
  void testObjectivesAreValidated() {
    assertThatThrownBy(() -> Objective.success(1.0))
        .isInstanceOf(MedallaException.class)
        .hasMessageContaining("strictly between 0 and 1");
    assertThatThrownBy(() -> Objective.freshness(java.time.Duration.ofSeconds(30), 0.9))
        .hasMessageContaining("at least one minute");
    assertThatThrownBy(
            () ->
                silver()
                    .objective(Objective.success(0.9))
                    .objective(Objective.success(0.99))
                    .build())
        .hasMessageContaining("at most one objective of each kind");
    assertThat(Objective.freshness(java.time.Duration.ofHours(6), 0.95).describe())
        .isEqualTo("each day published by D+1 06:00 UTC");
  }

  private static PipelineSpec.Builder silver() {
    return PipelineSpec.builder("silver_product.events")
        .owner("team")
        .inputs("bronze_product.events");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidPipeline(
      ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE));
  }
}
