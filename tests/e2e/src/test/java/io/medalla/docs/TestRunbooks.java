package io.medalla.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.Pipeline;
import io.medalla.internal.cli.CliRunner;
import io.medalla.internal.docs.Runbooks;
import io.medalla.internal.run.PipelineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps every pipeline's committed runbook equal to what `medalla runbooks` generates. */
class TestRunbooks {
  private static final Path REPOSITORY = Path.of("..", "..");

  @Test
  void everyPipelineHasACurrentRunbook() {
    List<Runbooks.Runbook> runbooks = Runbooks.generate(PipelineRegistry.discover(), REPOSITORY);

    assertThat(runbooks).isNotEmpty();
    assertThat(Runbooks.problems(runbooks, REPOSITORY))
        .as("runbooks; regenerate them with `bin/medalla runbooks` from the repository root")
        .isEmpty();
  }

  @Test
  void regenerationKeepsTheHandWrittenSectionAndCheckExitsTwoWhenStale(@TempDir Path root)
      throws Exception {
    PipelineRegistry registry = PipelineRegistry.discover();
    for (Pipeline pipeline : registry.all()) {
      Files.createDirectories(root.resolve("pipelines").resolve(pipeline.spec().output().domain()));
    }
    Path runbook = Runbooks.path(root, registry.get("silver_product.events").spec());
    Files.createDirectories(runbook.getParent());
    Files.writeString(
        runbook,
        "# An outdated runbook\n"
            + Runbooks.HAND_WRITTEN_START
            + "\nPage #product-oncall after two blocked runs.\n"
            + Runbooks.HAND_WRITTEN_END
            + "\n");
    CliRunner cli = new CliRunner(root, Map.of());

    CliRunner.Outcome stale = cli.run("runbooks", "--check");

    assertThat(stale.status()).isEqualTo(2);
    assertThat(stale.err())
        .contains(runbook + ": stale; line 1 is \"# An outdated runbook\"")
        .contains("gold_product.daily_active_users.md: missing");

    assertThat(cli.run("runbooks").status()).isZero();

    assertThat(Files.readString(runbook))
        .startsWith("# Runbook: `silver_product.events`")
        .contains(
            Runbooks.HAND_WRITTEN_START
                + "\nPage #product-oncall after two blocked runs.\n"
                + Runbooks.HAND_WRITTEN_END);
    assertThat(cli.run("runbooks", "--check").status()).isZero();
  }
}
