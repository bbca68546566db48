package io.medalla.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.medalla.testkit.Notebook;
import io.medalla.testkit.NotebookRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The notebook executor stops at the first bad cell and says which cell and why. */
class TestNotebookRunner {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "System.out.println(1 / 0); | threw java.lang.ArithmeticException: / by zero",
        "int y = \"text\"; | was rejected: incompatible types",
        "void f() { undefined(); } | has unresolved references: method undefined()"
      })
  void reportsTheNotebookTheCellAndTheError(String badCell, String expected) throws Exception {
    Path file = directory.resolve("bad.ipynb");
    Files.writeString(
        file,
        JSON.writeValueAsString(
            Map.of(
                "cells",
                List.of(code("int x = 2;\nSystem.out.println(x * 21);"), code(badCell), code("x")),
                "metadata",
                Map.of("kernelspec", Map.of("name", "java", "language", "java")),
                "nbformat",
                4,
                "nbformat_minor",
                4)));
    Notebook notebook = Notebook.read(file);

    List<NotebookRunner.CellOutcome> outcomes = NotebookRunner.execute(notebook, directory);

    assertThat(outcomes).hasSize(2);
    assertThat(outcomes.get(0).output()).isEqualTo("42\n");
    assertThat(NotebookRunner.firstFailure(notebook, outcomes))
        .hasValueSatisfying(
            failure ->
                assertThat(failure).startsWith("bad.ipynb, code cell In [2]: ").contains(expected));
  }

  private static Map<String, Object> code(String source) {
    return Map.of(
        "cell_type", "code", "metadata", Map.of(), "outputs", List.of(), "source", source);
  }
}
