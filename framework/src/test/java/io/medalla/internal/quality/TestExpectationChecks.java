package io.medalla.internal.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import io.medalla.api.RunContext;
import io.medalla.api.Severity;
import io.medalla.api.SilverPipeline;
import io.medalla.internal.run.PipelineRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TestExpectationChecks {
  private static final String WHERE = "pipeline silver_shop.orders, expectation ";
  private static final Expectation CONTRACT =
      Expect.schema(
              "order_id STRING NOT NULL, customer_id STRING, amount DOUBLE, status STRING,"
                  + " ordered_at TIMESTAMP")
          .fail();

  @Test
  void testValidRules() {
    PipelineSpec spec =
        orders(
            CONTRACT,
            Expect.unique("order_id").fail(),
            Expect.fresh("ordered_at", Duration.ofHours(6)).fail(),
            Expect.complete("order_id", "customer_id").quarantine(),
            new Rule.Complete(List.of("status"), 0.95).warn(),
            Expect.values("status", "open", "paid", "O'Brien").quarantine(),
            Expect.between("amount", 0, 10_000).quarantine(),
            Expect.between("amount", 5, 5).warn().named("exact_amount"),
            Expect.matches("order_id", "^o-\\d{6}$").quarantine(),
            Expect.satisfies(
                    "paid_has_amount",
                    "status <> 'paid' OR (amount > 0 AND upper(customer_id) IS NOT NULL)")
                .quarantine(),
            Expect.satisfies("recent", "ordered_at > timestamp'2020-01-01 00:00:00'").warn(),
            Expect.satisfies("any_positive", "exists(array(amount), x -> x > 0)").warn(),
            Expect.rowCount(0, 0).warn().named("empty"),
            Expect.rowCount(1, 1_000_000).fail(),
            Expect.rowCountChange(0.5, 1.0).warn(),
            Expect.nullRateDrift("customer_id", 0.05).warn(),
            Expect.meanShift("amount", 3.0).warn());

    assertThat(ExpectationChecks.problems(spec)).isEmpty();
  }

  @Test
  void testPredicateThatDoesNotParse() {
    assertThat(
            ExpectationChecks.problems(orders(Expect.satisfies("shifted", "amount >>> 3").fail())))
        .singleElement(STRING)
        .startsWith(WHERE + "shifted: the SQL predicate 'amount >>> 3' does not parse: ");
    assertThat(
            ExpectationChecks.problems(
                orders(CONTRACT, Expect.satisfies("positive_amount", "amount >").warn())))
        .singleElement(STRING)
        .startsWith(WHERE + "positive_amount: the SQL predicate 'amount >' does not parse: ")
        .doesNotContain("\n");
  }

  @Test
  void testUnknownColumn() {
    assertThat(ExpectationChecks.problems(orders(CONTRACT, Expect.complete("amont").fail())))
        .singleElement(STRING)
        .startsWith(WHERE + "complete_amont: unknown column amont; the schema contract has [")
        .contains("amount", "order_id", "ordered_at");
  }

  @Test
  void testUnknownColumnOfEveryRule() {
    List<String> problems =
        ExpectationChecks.problems(
            orders(
                CONTRACT,
                Expect.unique("order_id", "line").fail(),
                Expect.fresh("shipped_at", Duration.ofDays(1)).fail(),
                Expect.values("state", "open").warn(),
                Expect.between("price", 0, 1).warn(),
                Expect.matches("code", "[a-z]+").warn(),
                Expect.nullRateDrift("email", 0.1).warn(),
                Expect.meanShift("total", 3.0).warn()));

    assertThat(problems)
        .hasSize(7)
        .anySatisfy(
            p -> assertThat(p).startsWith(WHERE + "unique_order_id_line: unknown column line;"))
        .anySatisfy(
            p -> assertThat(p).startsWith(WHERE + "fresh_shipped_at: unknown column shipped_at;"))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "allowed_state: unknown column state;"))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "range_price: unknown column price;"))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "pattern_code: unknown column code;"))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "null_rate_email: unknown column email;"))
        .anySatisfy(
            p -> assertThat(p).startsWith(WHERE + "mean_shift_total: unknown column total;"));
  }

  @Test
  void testUnknownColumnInPredicate() {
    assertThat(
            ExpectationChecks.problems(
                orders(CONTRACT, Expect.satisfies("positive_amount", "amont > 0").quarantine())))
        .singleElement(STRING)
        .startsWith(WHERE + "positive_amount: unknown column amont; the schema contract has [");
  }

  @Test
  void testUnknownColumnsNestedInPredicate() {
    assertThat(
            ExpectationChecks.problems(
                orders(
                    CONTRACT,
                    Expect.satisfies(
                            "consistent",
                            "CASE WHEN status = 'paid' THEN coalesce(amount, paid_amount) > 0"
                                + " ELSE lower(stat) IS NOT NULL END")
                        .warn())))
        .hasSize(2)
        .anySatisfy(
            p -> assertThat(p).startsWith(WHERE + "consistent: unknown column paid_amount;"))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "consistent: unknown column stat;"));
  }

  @Test
  void testMetadataColumnsOfTheLayer() {
    PipelineSpec bronze =
        PipelineSpec.builder("bronze_shop.orders")
            .owner("shop-data@example.com")
            .source(FileSource.jsonLines("shop/orders", "order_id STRING"))
            .expect(
                Expect.schema("order_id STRING").fail(),
                Expect.satisfies("parsed", "_corrupt_record IS NULL").warn(),
                new Expectation("has_source", Expect.complete("_source"), Severity.WARN),
                new Expectation(
                    "ingested", Expect.fresh("_ingested_at", Duration.ofHours(1)), Severity.WARN))
            .build();

    assertThat(ExpectationChecks.problems(bronze)).isEmpty();
    assertThat(
            ExpectationChecks.problems(
                orders(
                    CONTRACT,
                    Expect.satisfies("updated", "_updated_at IS NOT NULL").warn(),
                    Expect.satisfies("ingested", "_ingested_at IS NOT NULL").warn())))
        .singleElement(STRING)
        .startsWith(WHERE + "ingested: unknown column _ingested_at;");
  }

  @Test
  void testColumnsUncheckedWithoutContract() {
    assertThat(
            ExpectationChecks.problems(
                orders(
                    Expect.complete("anything").fail(),
                    Expect.satisfies("positive_amount", "amont > 0").warn())))
        .isEmpty();
  }

  @Test
  void testInvalidRegex() {
    assertThat(
            ExpectationChecks.problems(orders(CONTRACT, Expect.matches("status", "[a-z").warn())))
        .singleElement(STRING)
        .startsWith(WHERE + "pattern_status: invalid regular expression '[a-z': ")
        .contains("Unclosed character class");
  }

  @Test
  void testRangeMinAboveMax() {
    assertThat(ExpectationChecks.problems(orders(CONTRACT, Expect.between("amount", 10, 1).warn())))
        .containsExactly(WHERE + "range_amount: min 10.0 is above max 1.0");
  }

  @Test
  void testRowCountMinAboveMax() {
    assertThat(ExpectationChecks.problems(orders(Expect.rowCount(10, 1).fail())))
        .containsExactly(WHERE + "row_count: min 10 is above max 1");
  }

  @Test
  void testCompleteFractionOutsideZeroToOne() {
    assertThat(
            ExpectationChecks.problems(
                orders(CONTRACT, new Rule.Complete(List.of("order_id"), 1.5).warn())))
        .containsExactly(WHERE + "complete_order_id: minFraction 1.5 is not within 0..1");
    assertThat(
            ExpectationChecks.problems(orders(new Rule.Complete(List.of("order_id"), -0.1).warn())))
        .containsExactly(WHERE + "complete_order_id: minFraction -0.1 is not within 0..1");
    assertThat(ExpectationChecks.problems(orders(new Rule.Complete(List.of("a"), 0.0).warn())))
        .isEmpty();
  }

  @Test
  void testInvalidSchemaDdl() {
    assertThat(
            ExpectationChecks.problems(
                orders(
                    Expect.schema("order_id STRNG, amount DOUBLE").fail(),
                    Expect.complete("anything").fail())))
        .singleElement(STRING)
        .startsWith(
            WHERE + "schema: the schema 'order_id STRNG, amount DOUBLE' is not valid Spark DDL: ")
        .doesNotContain("\n");
  }

  @Test
  void testSeveralProblems() {
    assertThat(
            ExpectationChecks.problems(
                orders(
                    CONTRACT,
                    Expect.rowCount(5, 1).fail(),
                    Expect.matches("status", "(").warn(),
                    Expect.satisfies("broken", "amount >").warn())))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "row_count: "))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "pattern_status: "))
        .anySatisfy(p -> assertThat(p).startsWith(WHERE + "broken: "));
  }

  @Test
  void testRegistryReportsExpectationProblems() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new OrdersWithBrokenPredicate()));

    assertThat(registry.problems())
        .singleElement(STRING)
        .startsWith(WHERE + "positive_amount: the SQL predicate 'amount >' does not parse: ");
    assertThat(registry.get("silver_shop.orders")).isInstanceOf(OrdersWithBrokenPredicate.class);
  }

  @Test
  void testRegistryReportsUnknownColumn() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new OrdersWithUnknownColumn()));

    assertThat(registry.problems())
        .singleElement(STRING)
        .startsWith(WHERE + "positive_amount: unknown column amont;");
  }

  @Test
  void testRegistryWithValidExpectations() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new OrdersWithValidExpectations()));

    assertThat(registry.problems()).isEmpty();
  }

  private static PipelineSpec orders(Expectation... expectations) {
    return PipelineSpec.builder("silver_shop.orders")
        .owner("shop-data@example.com")
        .inputs("bronze_shop.orders")
        .expect(expectations)
        .build();
  }

  static final class BronzeOrders extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_shop.orders")
          .owner("shop-data@example.com")
          .source(FileSource.jsonLines("shop/orders", "order_id STRING, amount DOUBLE"))
          .build();
    }
  }

  abstract static class OrdersPipeline extends SilverPipeline {
    @Override
    public Dataset<Row> transform(RunContext context) {
      throw new UnsupportedOperationException("not run in this test");
    }
  }

  static final class OrdersWithBrokenPredicate extends OrdersPipeline {
    @Override
    public PipelineSpec spec() {
      return orders(CONTRACT, Expect.satisfies("positive_amount", "amount >").quarantine());
    }
  }

  static final class OrdersWithUnknownColumn extends OrdersPipeline {
    @Override
    public PipelineSpec spec() {
      return orders(CONTRACT, Expect.satisfies("positive_amount", "amont > 0").quarantine());
    }
  }

  static final class OrdersWithValidExpectations extends OrdersPipeline {
    @Override
    public PipelineSpec spec() {
      return orders(
          CONTRACT,
          Expect.satisfies("positive_amount", "amount > 0").quarantine(),
          Expect.unique("order_id").fail());
    }
  }
}
