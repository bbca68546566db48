package io.medalla.api;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The three medallion layers and the rules that tie them together: which layer may read which, and
 * which metadata columns the framework adds to every table of the layer.
 */
public enum Layer {
  /**
   * Raw records as received, append-only, bad records kept. Reads sources only. {@code _source} and
   * {@code _line} locate a file record; {@code _change_op} marks database extractions: {@code r} a
   * row read, {@code d} a row deleted at the source.
   */
  BRONZE(
      List.of(
          "_ingested_at",
          "_source",
          "_line",
          "_run_id",
          "_batch_id",
          "_corrupt_record",
          "_change_op")),
  /**
   * Cleaned, typed, deduplicated, conformed domain tables. Reads bronze and silver. Tables fed by a
   * change feed also keep the applied event's {@code _change_op}, {@code _change_lsn} and {@code
   * _change_ts}.
   */
  SILVER(List.of("_run_id", "_updated_at", "_change_op", "_change_lsn", "_change_ts")),
  /** Business data products with documented contracts. Reads silver and gold. */
  GOLD(List.of("_run_id"));

  private final List<String> metadataColumns;

  Layer(List<String> metadataColumns) {
    this.metadataColumns = metadataColumns;
  }

  /** The framework-owned columns of this layer's tables, in table order. */
  public List<String> metadataColumns() {
    return metadataColumns;
  }

  /** Whether a pipeline writing this layer may read tables of {@code input}. */
  public boolean mayRead(Layer input) {
    return readableLayers().contains(input);
  }

  /** The layers a pipeline writing this layer may read; empty for bronze, which reads sources. */
  public Set<Layer> readableLayers() {
    return switch (this) {
      case BRONZE -> Set.of();
      case SILVER -> Set.of(BRONZE, SILVER);
      case GOLD -> Set.of(SILVER, GOLD);
    };
  }

  /** The lowercase name used in catalog names and storage paths. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a lowercase layer name.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_NAME} when the name is not a layer
   */
  public static Layer fromId(String id) {
    for (Layer layer : values()) {
      if (layer.id().equals(id)) {
        return layer;
      }
    }
    throw new MedallaException(
        ErrorCode.INVALID_NAME,
        "Invalid layer '%s': allowed layers are bronze, silver and gold",
        id);
  }
}
