package io.medalla.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.BronzePipeline;
import io.medalla.api.Classification;
import io.medalla.api.Expect;
import io.medalla.api.Expectation;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate} over pipelines registered for discovery, as a domain module registers them: the
 * authoring rules a spec cannot check on its own.
 */
class TestValidateCommand {
  private static final String CONTRACT = "order_id STRING, amount DOUBLE, order_date DATE";

  @TempDir Path directory;

  @Test
  void tablesFollowingTheRulesPass() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, SilverOrders.class);

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("2 pipelines follow");
  }

  @Test
  void silverTableWithoutSchemaContractFailsNamingThePipelineAndTheFix() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, WithoutContract.SilverOrders.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline silver_shop.orders declares no schema contract; every silver and gold table"
                + " needs one: add Expect.schema(\"<column> <TYPE>, ...\").fail() with the table's"
                + " columns to its spec");
  }

  @Test
  void unclassifiedColumnFailsNamingThePipelineAndTheColumn() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, Unclassified.SilverOrders.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline silver_shop.orders: column order_date is not classified; add"
                + " classify(Classification.<level>, \"order_date\") or inherit(\"order_date\")"
                + " to its spec");
  }

  @Test
  void goldColumnClassifiedBelowItsPiiInputFails() throws Exception {
    Outcome outcome =
        validate(BronzeOrders.class, PiiOrders.SilverOrders.class, PiiOrders.GoldOrderValues.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline gold_shop.order_values: column order_id is classified internal, but input"
                + " silver_shop.orders holds a pii column order_id it is likely computed from");
  }

  @Test
  void goldTableWithoutUniquenessOverItsKeysFails() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, SilverOrders.class, GoldRevenue.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline gold_shop.revenue declares no uniqueness rule over its keys [day, currency];"
                + " every silver and gold table needs one: add Expect.unique(\"day\", \"currency\")"
                + ".fail() to its spec");
  }

  @Test
  void partitionedTableWithoutDateDependencyFails() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, WithoutDateDependency.SilverOrders.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline silver_shop.orders is partitioned by order_date but declares no date"
                + " dependency")
        .contains("declare dependsOn(input, dateExpression) in its spec");
  }

  @Test
  void classNotNamedAfterItsTableFails() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, SilverOrderTable.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline silver_shop.orders is built by class "
                + SilverOrderTable.class.getName()
                + "; name the class after its table: SilverOrders");
  }

  @Test
  void specChangingBetweenCallsFails() throws Exception {
    Outcome outcome = validate(BronzeOrders.class, Changing.SilverOrders.class);

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("validation found 1 problem(s)")
        .contains(
            "pipeline silver_shop.orders returns a different spec on each call of spec(); return"
                + " a constant (private static final PipelineSpec SPEC)");
  }

  private record Outcome(int status, String out, String err) {}

  /** Runs {@code validate} with exactly these pipelines listed for {@code ServiceLoader}. */
  private Outcome validate(Class<?>... pipelines) throws Exception {
    Path classes = directory.resolve("classes");
    Path services = Files.createDirectories(classes.resolve("META-INF/services"));
    Files.write(
        services.resolve(Pipeline.class.getName()),
        Arrays.stream(pipelines).map(Class::getName).toList());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, original)) {
      thread.setContextClassLoader(loader);
      int status =
          MedallaCommand.execute(
              new String[] {"validate"},
              new CliEnvironment(
                  Map.of(),
                  directory,
                  new PrintWriter(out, true),
                  new PrintWriter(err, true),
                  Optional.empty()));
      return new Outcome(status, out.toString(), err.toString());
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  private static PipelineSpec.Builder unclassifiedOrders() {
    return PipelineSpec.builder("silver_shop.orders")
        .owner("shop-data@example.com")
        .inputs("bronze_shop.orders")
        .keys("order_id");
  }

  private static PipelineSpec.Builder orders() {
    return unclassifiedOrders().inherit("order_id", "amount", "order_date");
  }

  private static PipelineSpec orders(Expectation... expectations) {
    return orders().expect(expectations).build();
  }

  public static final class BronzeOrders extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_shop.orders")
          .owner("shop-data@example.com")
          .source(FileSource.jsonLines("shop/orders", CONTRACT))
          .build();
    }
  }

  abstract static class NotRun extends SilverPipeline {
    @Override
    public Dataset<Row> transform(RunContext context) {
      throw new UnsupportedOperationException("not run in this test");
    }
  }

  public static final class SilverOrders extends NotRun {
    @Override
    public PipelineSpec spec() {
      return orders(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail());
    }
  }

  public static final class SilverOrderTable extends NotRun {
    @Override
    public PipelineSpec spec() {
      return orders(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail());
    }
  }

  static final class Unclassified {
    public static final class SilverOrders extends NotRun {
      @Override
      public PipelineSpec spec() {
        return unclassifiedOrders()
            .inherit("order_id", "amount")
            .expect(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail())
            .build();
      }
    }
  }

  static final class PiiOrders {
    public static final class SilverOrders extends NotRun {
      @Override
      public PipelineSpec spec() {
        return unclassifiedOrders()
            .classify("order_id", Classification.PII, "pii:order_id")
            .classify(Classification.INTERNAL, "amount", "order_date")
            .expect(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail())
            .build();
      }
    }

    public static final class GoldOrderValues extends GoldPipeline {
      @Override
      public PipelineSpec spec() {
        return PipelineSpec.builder("gold_shop.order_values")
            .owner("shop-data@example.com")
            .inputs("silver_shop.orders")
            .keys("order_id")
            .expect(
                Expect.schema("order_id STRING, amount DOUBLE").fail(),
                Expect.unique("order_id").fail())
            .classify(Classification.INTERNAL, "order_id", "amount")
            .build();
      }

      @Override
      public Dataset<Row> transform(RunContext context) {
        throw new UnsupportedOperationException("not run in this test");
      }
    }
  }

  static final class WithoutContract {
    public static final class SilverOrders extends NotRun {
      @Override
      public PipelineSpec spec() {
        return orders(Expect.unique("order_id").fail());
      }
    }
  }

  static final class WithoutDateDependency {
    public static final class SilverOrders extends NotRun {
      @Override
      public PipelineSpec spec() {
        return orders()
            .partitionedBy("order_date")
            .expect(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail())
            .build();
      }
    }
  }

  static final class Changing {
    private static final AtomicInteger CALLS = new AtomicInteger();

    public static final class SilverOrders extends NotRun {
      @Override
      public PipelineSpec spec() {
        return orders()
            .description("spec number " + CALLS.incrementAndGet())
            .expect(Expect.schema(CONTRACT).fail(), Expect.unique("order_id").fail())
            .build();
      }
    }
  }

  public static final class GoldRevenue extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("gold_shop.revenue")
          .owner("shop-data@example.com")
          .inputs("silver_shop.orders")
          .keys("day", "currency")
          .expect(
              Expect.schema("day DATE, currency STRING, revenue DOUBLE").fail(),
              Expect.unique("day").fail())
          .classify(Classification.INTERNAL, "day", "currency", "revenue")
          .build();
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      throw new UnsupportedOperationException("not run in this test");
    }
  }
}
