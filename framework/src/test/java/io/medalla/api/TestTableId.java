package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestTableId {
  @Test
  void testParse() {
    TableId table = TableId.parse("silver_commerce.orders");

    assertThat(table.layer()).isEqualTo(Layer.SILVER);
    assertThat(table.domain()).isEqualTo("commerce");
    assertThat(table.name()).isEqualTo("orders");
    assertThat(table.database()).isEqualTo("silver_commerce");
    assertThat(table.catalogName()).isEqualTo("silver_commerce.orders");
    assertThat(table.relativePath()).isEqualTo("silver/commerce/orders");
    assertThat(table).hasToString("silver_commerce.orders");
    assertThat(table).isEqualTo(TableId.of(Layer.SILVER, "commerce", "orders"));
  }

  @Test
  void testParseSnakeCaseDomainAndName() {
    TableId table = TableId.parse("gold_web_shop.daily_order_totals_2");

    assertThat(table.layer()).isEqualTo(Layer.GOLD);
    assertThat(table.domain()).isEqualTo("web_shop");
    assertThat(table.name()).isEqualTo("daily_order_totals_2");
    assertThat(table.relativePath()).isEqualTo("gold/web_shop/daily_order_totals_2");
    assertThat(TableId.parse(table.catalogName())).isEqualTo(table);
  }

  @Test
  void testBronzeCatalogName() {
    assertThat(TableId.of(Layer.BRONZE, "product", "events").catalogName())
        .isEqualTo("bronze_product.events");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "silver_commerce | Invalid table name 'silver_commerce': write <layer>_<domain>.<name>",
        "silvercommerce.orders | Invalid table name 'silvercommerce.orders'",
        "silver.commerce_orders | Invalid table name 'silver.commerce_orders'",
        "silver_commerce.orders.v2 | Invalid table name 'silver_commerce.orders.v2'",
        "Silver_x.y | Invalid layer 'Silver': allowed layers are bronze, silver and gold",
        "platinum_x.y | Invalid layer 'platinum'",
        "silver_x.Orders | Invalid table name 'Orders': use lowercase snake_case",
        "silver_commerce.order__lines | Invalid table name 'order__lines'",
        "silver_commerce__eu.orders | Invalid domain 'commerce__eu'",
        "silver_commerce.orders_ | Invalid table name 'orders_'",
        "silver_commerce_.orders | Invalid domain 'commerce_'",
        "silver_commerce.1orders | Invalid table name '1orders'",
        "silver_.orders | Invalid domain ''",
        "silver_commerce. | Invalid table name ''",
      })
  void testParseInvalid(String catalogName, String message) {
    assertThatThrownBy(() -> TableId.parse(catalogName))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageContaining(message);
  }

  @Test
  void testConstructorValidates() {
    assertThatThrownBy(() -> TableId.of(Layer.GOLD, "Sales", "totals"))
        .isInstanceOf(MedallaException.class)
        .hasMessageContaining("Invalid domain 'Sales'");
    assertThatThrownBy(() -> TableId.of(null, "sales", "totals"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("layer is null");
  }
}
