package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestNames {
  @ParameterizedTest
  @ValueSource(strings = {"a", "orders", "order_lines", "web_shop_2", "a1_b2_c3", "x9"})
  void testValidIdentifiers(String value) {
    assertThat(Names.isIdentifier(value)).isTrue();
    assertThat(Names.requireIdentifier(value, "table name")).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Orders",
        "orderLines",
        "order__lines",
        "orders_",
        "_orders",
        "1orders",
        "order-lines",
        "order lines",
        "orders.v2",
        "ordérs"
      })
  void testInvalidIdentifiers(String value) {
    assertThat(Names.isIdentifier(value)).isFalse();
  }

  @Test
  void testNullIsNotAnIdentifier() {
    assertThat(Names.isIdentifier(null)).isFalse();
  }

  @Test
  void testLength() {
    assertThat(Names.isIdentifier("a".repeat(64))).isTrue();
    assertThat(Names.isIdentifier("a".repeat(65))).isFalse();
  }

  @Test
  void testRequireIdentifierMessage() {
    assertThatThrownBy(() -> Names.requireIdentifier("Order__Lines", "table name"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessage("Invalid table name 'Order__Lines': use " + Names.IDENTIFIER_RULE);
  }
}
