package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TestExpectations {
  private static final String CONTRACT = "event_id STRING NOT NULL, occurred_at TIMESTAMP";

  @Test
  void testDefaultNames() {
    assertThat(Expect.unique("event_id").fail().name()).isEqualTo("unique_event_id");
    assertThat(Expect.unique("day", "platform").fail().name()).isEqualTo("unique_day_platform");
    assertThat(Expect.complete("a", "b").fail().name()).isEqualTo("complete_a_b");
    assertThat(Expect.fresh("ts", Duration.ofHours(6)).fail().name()).isEqualTo("fresh_ts");
    assertThat(Expect.schema(CONTRACT).fail().name()).isEqualTo("schema");
    assertThat(Expect.values("x", "a", "b").fail().name()).isEqualTo("allowed_x");
    assertThat(Expect.between("x", 0, 1).fail().name()).isEqualTo("range_x");
    assertThat(Expect.matches("x", "[a-z]+").fail().name()).isEqualTo("pattern_x");
    assertThat(Expect.satisfies("positive_amount", "amount > 0").fail().name())
        .isEqualTo("positive_amount");
    assertThat(Expect.rowCount(1, 10).fail().name()).isEqualTo("row_count");
    assertThat(Expect.references("x", "silver_shop.customers", "id").fail().name())
        .isEqualTo("references_x");
    assertThat(Expect.rowCountChange(0.5, 1.0).warn().name()).isEqualTo("row_count_change");
    assertThat(Expect.nullRateDrift("x", 0.05).warn().name()).isEqualTo("null_rate_x");
    assertThat(Expect.meanShift("x", 3.0).warn().name()).isEqualTo("mean_shift_x");
  }

  @Test
  void testFactoriesKeepTheirArguments() {
    assertThat(Expect.complete("a", "b")).isEqualTo(new Rule.Complete(List.of("a", "b"), 1.0));
    assertThat(Expect.unique("a", "b").columns()).containsExactly("a", "b");
    assertThat(Expect.fresh("ts", Duration.ofHours(6)))
        .isEqualTo(new Rule.Fresh("ts", Duration.ofHours(6)));
    assertThat(Expect.values("x", "a", "b").values()).containsExactly("a", "b");
    assertThat(Expect.between("x", -1.5, 2.5)).isEqualTo(new Rule.Range("x", -1.5, 2.5));
    assertThat(Expect.matches("x", "[a-z]+").regex()).isEqualTo("[a-z]+");
    assertThat(Expect.satisfies("positive_amount", "amount > 0").sql()).isEqualTo("amount > 0");
    assertThat(Expect.rowCount(1, 10)).isEqualTo(new Rule.RowCount(1, 10));
    assertThat(Expect.references("x", "silver_shop.customers", "id"))
        .isEqualTo(new Rule.References("x", TableId.parse("silver_shop.customers"), "id"));
    assertThat(Expect.rowCountChange(0.5, 1.0)).isEqualTo(new Rule.RowCountChange(0.5, 1.0));
    assertThat(Expect.nullRateDrift("x", 0.05)).isEqualTo(new Rule.NullRateDrift("x", 0.05));
    assertThat(Expect.meanShift("x", 3.0)).isEqualTo(new Rule.MeanShift("x", 3.0));
  }

  @Test
  void testRowLevelRules() {
    assertThat(Expect.complete("a").rowLevel()).isTrue();
    assertThat(Expect.values("x", "a").rowLevel()).isTrue();
    assertThat(Expect.between("x", 0, 1).rowLevel()).isTrue();
    assertThat(Expect.matches("x", "a").rowLevel()).isTrue();
    assertThat(Expect.satisfies("p", "x > 0").rowLevel()).isTrue();
    assertThat(Expect.references("x", "silver_shop.customers", "id").rowLevel()).isTrue();

    assertThat(Expect.unique("x").rowLevel()).isFalse();
    assertThat(Expect.fresh("ts", Duration.ofHours(1)).rowLevel()).isFalse();
    assertThat(Expect.schema(CONTRACT).rowLevel()).isFalse();
    assertThat(Expect.rowCount(0, 1).rowLevel()).isFalse();
    assertThat(Expect.rowCountChange(0.5, 1.0).rowLevel()).isFalse();
    assertThat(Expect.nullRateDrift("x", 0.1).rowLevel()).isFalse();
    assertThat(Expect.meanShift("x", 3.0).rowLevel()).isFalse();
  }

  @Test
  void testSeverities() {
    Rule rule = Expect.complete("event_id");

    assertThat(rule.warn()).isEqualTo(new Expectation("complete_event_id", rule, Severity.WARN));
    assertThat(rule.quarantine())
        .isEqualTo(new Expectation("complete_event_id", rule, Severity.QUARANTINE));
    assertThat(rule.fail()).isEqualTo(new Expectation("complete_event_id", rule, Severity.FAIL));
    assertThat(Expect.unique("event_id").warn().severity()).isEqualTo(Severity.WARN);
    assertThat(Expect.unique("event_id").fail().severity()).isEqualTo(Severity.FAIL);
  }

  @Test
  void testNamed() {
    Expectation original = Expect.values("platform", "ios", "android").quarantine();

    Expectation renamed = original.named("known_platform");

    assertThat(renamed.name()).isEqualTo("known_platform");
    assertThat(renamed.rule()).isEqualTo(original.rule());
    assertThat(renamed.severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(original.name()).isEqualTo("allowed_platform");
  }

  @Test
  void testQuarantineOfRowLevelRules() {
    assertThat(Expect.complete("a").quarantine().severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(Expect.values("x", "a").quarantine().severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(Expect.between("x", 0, 1).quarantine().severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(Expect.matches("x", "a").quarantine().severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(Expect.satisfies("p", "x > 0").quarantine().severity())
        .isEqualTo(Severity.QUARANTINE);
    assertThat(Expect.references("x", "silver_shop.customers", "id").quarantine().severity())
        .isEqualTo(Severity.QUARANTINE);
  }

  @Test
  void testQuarantineOfBatchRulesRejected() {
    assertQuarantineRejected(Expect.unique("event_id"), "unique_event_id");
    assertQuarantineRejected(Expect.fresh("ts", Duration.ofHours(1)), "fresh_ts");
    assertQuarantineRejected(Expect.schema(CONTRACT), "schema");
    assertQuarantineRejected(Expect.rowCount(1, 10), "row_count");
    assertQuarantineRejected(Expect.rowCountChange(0.5, 1.0), "row_count_change");
    assertQuarantineRejected(Expect.nullRateDrift("x", 0.05), "null_rate_x");
    assertQuarantineRejected(Expect.meanShift("x", 3.0), "mean_shift_x");
  }

  @Test
  void testQuarantineOfBatchRuleRejectedUnderGivenName() {
    assertThatThrownBy(
            () -> new Expectation("no_duplicates", Expect.unique("id"), Severity.QUARANTINE))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessageStartingWith(
            "Invalid expectation no_duplicates: QUARANTINE applies to row-level");
  }

  @Test
  void testInvalidExpectationNames() {
    assertInvalidName(() -> Expect.unique("id").fail().named("No-Duplicates"), "No-Duplicates");
    assertInvalidName(() -> Expect.unique("id").fail().named(""), "");
    assertInvalidName(() -> Expect.unique("id").fail().named("trailing_"), "trailing_");
    assertInvalidName(
        () -> Expect.satisfies("Positive Amount", "amount > 0").warn(), "Positive Amount");
    assertInvalidName(() -> new Expectation(null, Expect.unique("id"), Severity.FAIL), "null");
  }

  @Test
  void testDefaultNamesAreIdentifiersWhateverTheColumnNames() {
    assertThat(Expect.unique("event_id").fail().name()).isEqualTo("unique_event_id");
    assertThat(Expect.unique("_source", "_line").fail().name()).isEqualTo("unique_source_line");
    assertThat(Expect.complete("userId").warn().name()).isEqualTo("complete_userid");
    assertThat(Expect.fresh("event time", Duration.ofHours(1)).warn().name())
        .isEqualTo("fresh_event_time");
    String longName = Expect.complete("a".repeat(40), "_b_".repeat(20)).warn().name();
    assertThat(longName).hasSizeLessThanOrEqualTo(64);
    assertThat(Names.isIdentifier(longName)).isTrue();
  }

  @Test
  void testNullRuleAndSeverityRejected() {
    assertThatThrownBy(() -> new Expectation("a", null, Severity.FAIL))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("rule is null");
    assertThatThrownBy(() -> new Expectation("a", Expect.unique("id"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("severity is null");
  }

  @Test
  void testSpecKeepsExpectations() {
    Expectation unique = Expect.unique("event_id").fail();
    Expectation complete = Expect.complete("event_id").quarantine();

    PipelineSpec spec = silver().expect(unique).expect(complete).build();

    assertThat(spec.expectations()).containsExactly(unique, complete);
    assertThat(silver().build().expectations()).isEmpty();
  }

  @Test
  void testDuplicateExpectationNameRejected() {
    assertInvalidSpec(
            () ->
                silver()
                    .expect(
                        Expect.unique("event_id").fail(),
                        Expect.complete("event_id").warn(),
                        Expect.unique("event_id").warn())
                    .build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining("expectation unique_event_id is declared twice")
        .hasMessageContaining("named(...)");
  }

  @Test
  void testSameRuleTwiceUnderDifferentNames() {
    PipelineSpec spec =
        silver()
            .expect(
                Expect.unique("event_id").fail(),
                Expect.unique("event_id").warn().named("unique_event_id_warning"))
            .build();

    assertThat(spec.expectations())
        .extracting(Expectation::name)
        .containsExactly("unique_event_id", "unique_event_id_warning");
  }

  @Test
  void testReferencesMustReadAnInput() {
    assertInvalidSpec(
            () ->
                silver()
                    .expect(Expect.references("user_id", "silver_product.users", "user_id").fail())
                    .build())
        .hasMessageContaining("Invalid pipeline spec for silver_product.events")
        .hasMessageContaining(
            "expectation references_user_id references silver_product.users, which is not a"
                + " declared input");
  }

  @Test
  void testReferencesToAnInput() {
    Expectation references =
        Expect.references("user_id", "silver_product.users", "user_id").quarantine();

    PipelineSpec spec =
        PipelineSpec.builder("silver_product.events")
            .owner("product-data@example.com")
            .inputs("bronze_product.events", "silver_product.users")
            .expect(references)
            .build();

    assertThat(spec.expectations()).containsExactly(references);
  }

  @Test
  void testCriticalWithoutChecksRejected() {
    assertInvalidSpec(() -> silver().critical().build())
        .hasMessage(
            "Invalid pipeline spec for silver_product.events: a critical dataset must declare"
                + " freshness, duplicate and schema checks; missing: freshness (Expect.fresh),"
                + " duplicates (Expect.unique), schema (Expect.schema)");
  }

  @Test
  void testCriticalListsOnlyWhatIsMissing() {
    assertInvalidSpec(
            () ->
                silver()
                    .critical()
                    .expect(Expect.unique("event_id").fail(), Expect.complete("occurred_at").fail())
                    .build())
        .hasMessageEndingWith("missing: freshness (Expect.fresh), schema (Expect.schema)");
    assertInvalidSpec(
            () ->
                silver()
                    .critical()
                    .expect(
                        Expect.schema(CONTRACT).fail(),
                        Expect.fresh("occurred_at", Duration.ofHours(6)).warn())
                    .build())
        .hasMessageEndingWith("missing: duplicates (Expect.unique)");
    assertInvalidSpec(
            () ->
                silver()
                    .critical()
                    .expect(
                        Expect.unique("event_id").fail(),
                        Expect.fresh("occurred_at", Duration.ofHours(6)).fail())
                    .build())
        .hasMessageEndingWith("missing: schema (Expect.schema)");
  }

  @Test
  void testCriticalWithAllChecks() {
    PipelineSpec spec =
        silver()
            .critical()
            .expect(
                Expect.schema(CONTRACT).fail(),
                Expect.unique("event_id").fail(),
                Expect.fresh("occurred_at", Duration.ofHours(6)).fail())
            .build();

    assertThat(spec.critical()).isTrue();
    assertThat(spec.expectations())
        .extracting(Expectation::name)
        .containsExactly("schema", "unique_event_id", "fresh_occurred_at");
  }

  @Test
  void testNonCriticalNeedsNoChecks() {
    PipelineSpec spec = silver().expect(Expect.complete("event_id").warn()).build();

    assertThat(spec.critical()).isFalse();
  }

  @Test
  void testSchemaDriftPolicies() {
    Rule.Schema schema = Expect.schema(CONTRACT);

    assertThat(schema.ddl()).isEqualTo(CONTRACT);
    assertThat(schema.drift()).isEqualTo(DriftPolicy.LAYER_DEFAULT);
    assertThat(schema.allowingNewColumns())
        .isEqualTo(new Rule.Schema(CONTRACT, DriftPolicy.ADDITIVE));
    assertThat(schema.exact()).isEqualTo(new Rule.Schema(CONTRACT, DriftPolicy.EXACT));
    assertThat(schema.allowingNewColumns().exact().drift()).isEqualTo(DriftPolicy.EXACT);
    assertThat(schema.exact().fail().name()).isEqualTo("schema");
  }

  @Test
  void testColumns() {
    assertThat(Expect.complete("a", "b").columns()).containsExactly("a", "b");
    assertThat(Expect.fresh("ts", Duration.ofHours(1)).columns()).containsExactly("ts");
    assertThat(Expect.values("x", "a").columns()).containsExactly("x");
    assertThat(Expect.references("x", "silver_shop.customers", "id").columns())
        .containsExactly("x");
    assertThat(Expect.meanShift("x", 3.0).columns()).containsExactly("x");
    assertThat(Expect.schema(CONTRACT).columns()).isEmpty();
    assertThat(Expect.rowCount(0, 1).columns()).isEmpty();
    assertThat(Expect.satisfies("p", "x > 0").columns()).isEmpty();
  }

  @Test
  void testRuleCollectionsAreCopied() {
    List<String> columns = new java.util.ArrayList<>(List.of("a"));
    Rule.Complete complete = new Rule.Complete(columns, 1.0);
    columns.add("b");

    assertThat(complete.columns()).containsExactly("a");
    assertThatThrownBy(() -> complete.columns().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static PipelineSpec.Builder silver() {
    return PipelineSpec.builder("silver_product.events")
        .owner("product-data@example.com")
        .inputs("bronze_product.events");
  }

  private static void assertQuarantineRejected(Rule rule, String name) {
    assertThatThrownBy(rule::quarantine)
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessage(
            "Invalid expectation %s: QUARANTINE applies to row-level rules (complete, allowed"
                + " values, range, pattern, predicate, references); use warn() or fail()",
            name);
  }

  private static void assertInvalidName(ThrowingCallable callable, String name) {
    assertThatThrownBy(callable)
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageStartingWith(
            "Invalid expectation name '" + name + "': use lowercase snake_case");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidSpec(
      ThrowingCallable callable) {
    return assertThatThrownBy(callable)
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE));
  }
}
