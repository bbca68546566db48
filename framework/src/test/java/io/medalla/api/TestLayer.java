package io.medalla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestLayer {
  @ParameterizedTest
  @CsvSource({
    "BRONZE, BRONZE, false",
    "BRONZE, SILVER, false",
    "BRONZE, GOLD, false",
    "SILVER, BRONZE, true",
    "SILVER, SILVER, true",
    "SILVER, GOLD, false",
    "GOLD, BRONZE, false",
    "GOLD, SILVER, true",
    "GOLD, GOLD, true",
  })
  void testMayRead(Layer output, Layer input, boolean allowed) {
    assertThat(output.mayRead(input)).isEqualTo(allowed);
    assertThat(output.readableLayers().contains(input)).isEqualTo(allowed);
  }

  @Test
  void testIds() {
    assertThat(Layer.BRONZE.id()).isEqualTo("bronze");
    assertThat(Layer.SILVER.id()).isEqualTo("silver");
    assertThat(Layer.GOLD.id()).isEqualTo("gold");
    for (Layer layer : Layer.values()) {
      assertThat(Layer.fromId(layer.id())).isEqualTo(layer);
    }
  }

  @Test
  void testFromIdInvalid() {
    assertThatThrownBy(() -> Layer.fromId("GOLD"))
        .isInstanceOfSatisfying(
            MedallaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessage("Invalid layer 'GOLD': allowed layers are bronze, silver and gold");
  }

  @Test
  void testMetadataColumns() {
    assertThat(Layer.BRONZE.metadataColumns())
        .containsExactly(
            "_ingested_at",
            "_source",
            "_line",
            "_run_id",
            "_batch_id",
            "_corrupt_record",
            "_change_op");
    assertThat(Layer.SILVER.metadataColumns())
        .containsExactly("_run_id", "_updated_at", "_change_op", "_change_lsn", "_change_ts");
    assertThat(Layer.GOLD.metadataColumns()).containsExactly("_run_id");
  }
}
