package io.medalla.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.internal.config.ConfigFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestWritePolicy {
  private static final PipelineSpec SPEC =
      PipelineSpec.builder("silver_shop.orders")
          .owner("shop-data@example.com")
          .inputs("bronze_shop.orders")
          .build();

  @TempDir Path directory;

  @Test
  void testLocalAllowsAnyone() {
    WritePolicy policy = new WritePolicy(ConfigFixture.settings(directory, Map.of()));

    assertThatCode(() -> policy.checkWrite(SPEC, "alice")).doesNotThrowAnyException();
    assertThatCode(() -> policy.checkWrite(SPEC, "svc")).doesNotThrowAnyException();
  }

  @Test
  void testProdAllowsOnlyTheWritePrincipal() {
    WritePolicy policy =
        new WritePolicy(
            ConfigFixture.settings(
                directory,
                Map.of("medalla.env", "prod", "medalla.security.write-principal", "svc")));

    assertThatCode(() -> policy.checkWrite(SPEC, "svc")).doesNotThrowAnyException();
    assertThatThrownBy(() -> policy.checkWrite(SPEC, "alice"))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
        .hasMessageContaining("Cannot write silver_shop.orders in prod")
        .hasMessageContaining("the run's principal is 'alice'")
        .hasMessageContaining("writes only as 'svc'")
        .hasMessageContaining("medalla.security.write-principal")
        .hasMessageContaining("command-line option");
  }

  @Test
  void testDevAllowsOnlyTheWritePrincipal() {
    WritePolicy policy =
        new WritePolicy(
            ConfigFixture.settings(
                directory,
                Map.of("MEDALLA_ENV", "dev", "MEDALLA_SECURITY_WRITE_PRINCIPAL", "svc-dev"),
                Map.of()));

    assertThatCode(() -> policy.checkWrite(SPEC, "svc-dev")).doesNotThrowAnyException();
    assertThatThrownBy(() -> policy.checkWrite(SPEC, "svc"))
        .isInstanceOfSatisfying(
            MedallaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
        .hasMessageContaining("in dev")
        .hasMessageContaining("'svc-dev'")
        .hasMessageContaining("MEDALLA_SECURITY_WRITE_PRINCIPAL");
  }
}
