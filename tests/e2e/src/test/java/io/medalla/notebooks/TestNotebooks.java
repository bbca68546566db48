package io.medalla.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.internal.cli.CliRunner;
import io.medalla.testkit.Notebook;
import io.medalla.testkit.NotebookRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every code cell of every notebook in notebooks-examples/, in file name order (later
 * notebooks may rely on what earlier ones did), against a fresh two-day demo warehouse.
 */
class TestNotebooks {
  private static final Path NOTEBOOKS = Path.of("..", "..", "notebooks-examples");

  @TempDir static Path directory;

  private static Path warehouse;

  @BeforeAll
  static void buildDemoWarehouse() {
    warehouse = directory.resolve("warehouse");
    CliRunner.Outcome demo =
        new CliRunner(directory, Map.of())
            .run("demo", "--days", "2", "--warehouse", warehouse.toString());
    assertThat(demo.status()).as(demo.err()).isZero();
  }

  @TestFactory
  Stream<DynamicTest> everyCodeCellRunsWithoutError() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(NOTEBOOKS)) {
      files = listing.filter(file -> file.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(files).as("notebooks in %s", NOTEBOOKS).hasSizeGreaterThanOrEqualTo(3);
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      Notebook notebook = Notebook.read(file);
                      assertThat(notebook.kernel()).as("kernelspec of %s", file).isEqualTo("java");
                      List<NotebookRunner.CellOutcome> outcomes =
                          NotebookRunner.execute(notebook, warehouse);
                      assertThat(NotebookRunner.firstFailure(notebook, outcomes)).isEmpty();
                      assertThat(outcomes).hasSize(notebook.codeCells().size());
                    }));
  }
}
