package io.medalla.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.FileSource;
import io.medalla.api.GoldPipeline;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.SilverPipeline;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TestPipelineRegistry {
  @Test
  void testValidRegistry() {
    PipelineRegistry registry = PipelineRegistry.of(shopPipelines());

    assertThat(registry.problems()).isEmpty();
    assertThat(registry.all())
        .extracting(Pipeline::name)
        .containsExactlyInAnyOrder(
            "bronze_shop.orders",
            "bronze_shop.customers",
            "silver_shop.orders",
            "silver_shop.customers",
            "gold_shop.revenue");
    assertThat(registry.get("silver_shop.orders")).isInstanceOf(SilverOrders.class);
  }

  @Test
  void testDependencyOrder() {
    PipelineRegistry registry = PipelineRegistry.of(shopPipelines());

    List<String> order = registry.inDependencyOrder().stream().map(Pipeline::name).toList();

    assertThat(order).hasSize(5);
    for (Pipeline pipeline : registry.all()) {
      for (var input : pipeline.spec().inputs()) {
        assertThat(order.indexOf(input.catalogName()))
            .as("%s before %s in %s", input, pipeline.name(), order)
            .isLessThan(order.indexOf(pipeline.name()));
      }
    }
  }

  @Test
  void testDependencyOrderOfSelection() {
    PipelineRegistry registry = PipelineRegistry.of(shopPipelines());

    List<String> order =
        registry
            .inDependencyOrder(
                List.of(registry.get("gold_shop.revenue"), registry.get("silver_shop.orders")))
            .stream()
            .map(Pipeline::name)
            .toList();

    assertThat(order).containsExactly("silver_shop.orders", "gold_shop.revenue");
  }

  @Test
  void testUnknownInput() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new SilverOrders(), new GoldRevenue()));

    assertThat(registry.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("pipeline gold_shop.revenue reads silver_shop.customers")
        .contains("which no pipeline builds");
  }

  @Test
  void testCycle() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new CycleA(), new CycleB()));

    assertThat(registry.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("pipelines depend on each other: ")
        .contains("silver_shop.cycle_a -> silver_shop.cycle_b -> silver_shop.cycle_a");
  }

  @Test
  void testDuplicateName() {
    PipelineRegistry registry =
        PipelineRegistry.of(
            List.of(new BronzeOrders(), new SilverOrders(), new OtherSilverOrders()));

    assertThat(registry.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("pipeline silver_shop.orders is declared twice")
        .contains(SilverOrders.class.getName())
        .contains(OtherSilverOrders.class.getName());
    assertThat(registry.get("silver_shop.orders")).isInstanceOf(SilverOrders.class);
  }

  @Test
  void testBaseClassMustMatchOutputLayer() {
    PipelineRegistry registry =
        PipelineRegistry.of(
            List.of(new BronzeOrders(), new SilverOrders(), new SilverWritingGold()));

    assertThat(registry.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("pipeline gold_shop.misplaced")
        .contains(SilverWritingGold.class.getName())
        .contains("extends the silver base class but writes a gold table");
    assertThat(registry.all()).extracting(Pipeline::name).doesNotContain("gold_shop.misplaced");
  }

  @Test
  void testInvalidSpecReported() {
    PipelineRegistry registry = PipelineRegistry.of(List.of(new WithoutOwner()));

    assertThat(registry.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(WithoutOwner.class.getName())
        .contains("Invalid pipeline spec for bronze_shop.anonymous")
        .contains("owner is required");
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void testGetUnknown() {
    PipelineRegistry registry =
        PipelineRegistry.of(List.of(new BronzeOrders(), new SilverOrders()));

    assertThatThrownBy(() -> registry.get("silver_shop.order"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("Cannot find pipeline 'silver_shop.order'")
        .hasMessageContaining("known pipelines are [bronze_shop.orders, silver_shop.orders]");
  }

  private static List<Pipeline> shopPipelines() {
    return List.of(
        new GoldRevenue(),
        new SilverCustomers(),
        new SilverOrders(),
        new BronzeCustomers(),
        new BronzeOrders());
  }

  private static PipelineSpec bronze(String name) {
    return PipelineSpec.builder(name)
        .owner("shop-data@example.com")
        .source(FileSource.jsonLines("shop/" + name, "id STRING"))
        .build();
  }

  private static PipelineSpec reading(String name, String... inputs) {
    return PipelineSpec.builder(name).owner("shop-data@example.com").inputs(inputs).build();
  }

  static final class BronzeOrders extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return bronze("bronze_shop.orders");
    }
  }

  static final class BronzeCustomers extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return bronze("bronze_shop.customers");
    }
  }

  static final class WithoutOwner extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_shop.anonymous")
          .source(FileSource.jsonLines("shop/anonymous", "id STRING"))
          .build();
    }
  }

  abstract static class SilverTestPipeline extends SilverPipeline {
    @Override
    public Dataset<Row> transform(RunContext context) {
      return null;
    }
  }

  static final class SilverOrders extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("silver_shop.orders", "bronze_shop.orders");
    }
  }

  static final class OtherSilverOrders extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("silver_shop.orders", "bronze_shop.orders");
    }
  }

  static final class SilverCustomers extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("silver_shop.customers", "bronze_shop.customers", "silver_shop.orders");
    }
  }

  static final class CycleA extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("silver_shop.cycle_a", "bronze_shop.orders", "silver_shop.cycle_b");
    }
  }

  static final class CycleB extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("silver_shop.cycle_b", "silver_shop.cycle_a");
    }
  }

  static final class SilverWritingGold extends SilverTestPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("gold_shop.misplaced", "silver_shop.orders");
    }
  }

  static final class GoldRevenue extends GoldPipeline {
    @Override
    public PipelineSpec spec() {
      return reading("gold_shop.revenue", "silver_shop.orders", "silver_shop.customers");
    }

    @Override
    public Dataset<Row> transform(RunContext context) {
      return null;
    }
  }
}
