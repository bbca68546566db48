package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestFileSource {
  @Test
  void testFactories() {
    assertThat(FileSource.jsonLines("product/events", "id STRING"))
        .isEqualTo(new FileSource("json", "product/events", "id STRING", Map.of()));
    assertThat(FileSource.csv("crm/users", "id STRING").options()).containsEntry("header", "true");
    assertThat(FileSource.parquet("crm/users", "id STRING").format()).isEqualTo("parquet");
  }

  @Test
  void testFormatIsCaseInsensitive() {
    assertThat(new FileSource("JSON", "product/events", "id STRING", Map.of()).format())
        .isEqualTo("json");
  }

  @Test
  void testUnknownFormat() {
    assertThatThrownBy(() -> new FileSource("xml", "product/events", "id STRING", Map.of()))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessage(
            "Invalid source format 'xml' for folder product/events: allowed formats are json, csv"
                + " and parquet");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "/landing/product", "../product", "product/../../etc", ".."})
  void testInvalidFolder(String folder) {
    assertThatThrownBy(() -> FileSource.jsonLines(folder, "id STRING"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessageContaining("Invalid source folder '" + folder + "'")
        .hasMessageContaining("relative path below the landing root");
  }

  @Test
  void testOptionsAreCopied() {
    Map<String, String> options = new HashMap<>(Map.of("multiLine", "true"));
    FileSource source = new FileSource("json", "product/events", "id STRING", options);
    options.put("mode", "FAILFAST");

    assertThat(source.options()).containsOnly(Map.entry("multiLine", "true"));
  }

  @Test
  void testDebeziumSourceKeepsTheEnvelopeAndTypesTheKey() {
    FileSource source = FileSource.debezium("commerce/orders", "order_id BIGINT");

    assertThat(source.format()).isEqualTo("json");
    assertThat(source.schema()).isEqualTo(FileSource.DEBEZIUM_ENVELOPE);
    assertThat(source.changeKeyColumns().fieldNames()).containsExactly("order_id");
    assertThat(source.changeKeyColumns().apply("order_id").dataType().sql()).isEqualTo("BIGINT");
    assertThat(FileSource.jsonLines("product/events", "id STRING").changeKeyColumns().isEmpty())
        .isTrue();
  }

  @Test
  void testDebeziumSourceNeedsAKey() {
    assertThatThrownBy(() -> FileSource.debezium("commerce/orders", " "))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessage(
            "Invalid Debezium source commerce/orders: give the row key as Spark DDL, for example"
                + " \"id BIGINT\"");
  }

  @Test
  void testChangeKeyMustParse() {
    assertThatThrownBy(() -> FileSource.debezium("commerce/orders", "order_id BIG INTEGER"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessageStartingWith(
            "Invalid change key 'order_id BIG INTEGER' for folder commerce/orders: give Spark DDL");
  }

  @Test
  void testChangeKeyCannotShadowTheEnvelope() {
    assertThatThrownBy(() -> FileSource.debezium("commerce/orders", "op STRING"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PIPELINE))
        .hasMessage(
            "Invalid change key 'op STRING' for folder commerce/orders: the records already have a"
                + " field op; name the row's key columns, not the envelope's");
  }
}
