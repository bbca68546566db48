package io.medalla.testkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Jupyter notebook (nbformat 4) read from an {@code .ipynb} file: its code cells' sources, and
 * their outputs written back in Jupyter's own layout so saving in Jupyter changes nothing.
 */
public final class Notebook {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final ObjectNode document;

  private Notebook(Path path, ObjectNode document) {
    this.path = path;
    this.document = document;
  }

  /** Reads the notebook at {@code path}. */
  public static Notebook read(Path path) {
    try {
      return new Notebook(path, (ObjectNode) JSON.readTree(path.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read notebook " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  /** The kernel the notebook asks for, e.g. {@code java}. */
  public String kernel() {
    return document.path("metadata").path("kernelspec").path("name").asText();
  }

  /** The source of each code cell, in order. */
  public List<String> codeCells() {
    List<String> sources = new ArrayList<>();
    for (JsonNode cell : codeCellNodes()) {
      sources.add(text(cell.path("source")));
    }
    return sources;
  }

  /**
   * Replaces the outputs of the code cells, in order: each becomes one {@code stdout} stream (none
   * when it printed nothing) and is numbered as executed.
   */
  public void replaceOutputs(List<String> outputs) {
    List<ObjectNode> cells = codeCellNodes();
    if (outputs.size() != cells.size()) {
      throw new IllegalArgumentException(
          "Cannot set outputs of "
              + path
              + ": "
              + outputs.size()
              + " for "
              + cells.size()
              + " cells");
    }
    for (int i = 0; i < cells.size(); i++) {
      ObjectNode cell = cells.get(i);
      cell.put("execution_count", i + 1);
      ArrayNode streams = cell.putArray("outputs");
      if (!outputs.get(i).isEmpty()) {
        ObjectNode stream = streams.addObject();
        stream.put("name", "stdout");
        stream.put("output_type", "stream");
        ArrayNode lines = stream.putArray("text");
        lines(outputs.get(i)).forEach(lines::add);
      }
    }
  }

  /** Writes the notebook back to its file. */
  public void write() {
    try {
      Files.writeString(
          path, JSON.writer(new JupyterPrinter()).writeValueAsString(document) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write notebook " + path, e);
    }
  }

  private List<ObjectNode> codeCellNodes() {
    List<ObjectNode> cells = new ArrayList<>();
    for (JsonNode cell : document.path("cells")) {
      if (cell.path("cell_type").asText().equals("code")) {
        cells.add((ObjectNode) cell);
      }
    }
    return cells;
  }

  /** A multi-line string field: one string, or a list of lines. */
  private static String text(JsonNode node) {
    if (!node.isArray()) {
      return node.asText();
    }
    StringBuilder text = new StringBuilder();
    node.forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  /** Jupyter's layout of a multi-line string: lines keeping their line breaks. */
  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      int next = end < 0 ? text.length() : end + 1;
      lines.add(text.substring(start, next));
      start = next;
    }
    return lines;
  }

  /** Jupyter's JSON layout: one-space indentation, {@code "key": value}, {@code []} when empty. */
  private static final class JupyterPrinter extends DefaultPrettyPrinter {
    JupyterPrinter() {
      DefaultIndenter indenter = new DefaultIndenter(" ", "\n");
      indentArraysWith(indenter);
      indentObjectsWith(indenter);
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new JupyterPrinter();
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator generator) throws IOException {
      generator.writeRaw(": ");
    }

    @Override
    public void writeEndArray(JsonGenerator generator, int values) throws IOException {
      _nesting--;
      if (values > 0) {
        _arrayIndenter.writeIndentation(generator, _nesting);
      }
      generator.writeRaw(']');
    }

    @Override
    public void writeEndObject(JsonGenerator generator, int entries) throws IOException {
      _nesting--;
      if (entries > 0) {
        _objectIndenter.writeIndentation(generator, _nesting);
      }
      generator.writeRaw('}');
    }
  }
}
