package io.medalla.api;

import static java.util.Objects.requireNonNull;

/**
 * Identifies a table by layer, domain and name. Its catalog name is {@code <layer>_<domain>.<name>}
 * (for example {@code silver_commerce.orders}) and its storage path is {@code
 * <warehouse>/<layer>/<domain>/<name>}.
 */
public record TableId(Layer layer, String domain, String name) {
  public TableId {
    requireNonNull(layer, "layer is null");
    Names.requireIdentifier(domain, "domain");
    Names.requireIdentifier(name, "table name");
  }

  /** Creates a table id. */
  public static TableId of(Layer layer, String domain, String name) {
    return new TableId(layer, domain, name);
  }

  /**
   * Parses a catalog name such as {@code silver_commerce.orders}.
   *
   * @throws MedallaException with {@link ErrorCode#INVALID_NAME} naming the rule that is broken
   */
  public static TableId parse(String catalogName) {
    requireNonNull(catalogName, "catalogName is null");
    int dot = catalogName.indexOf('.');
    int underscore = catalogName.indexOf('_');
    if (dot < 0 || underscore < 0 || underscore > dot || catalogName.indexOf('.', dot + 1) >= 0) {
      throw new MedallaException(
          ErrorCode.INVALID_NAME,
          "Invalid table name '%s': write <layer>_<domain>.<name>, for example"
              + " silver_commerce.orders",
          catalogName);
    }
    return new TableId(
        Layer.fromId(catalogName.substring(0, underscore)),
        catalogName.substring(underscore + 1, dot),
        catalogName.substring(dot + 1));
  }

  /** The catalog database, {@code <layer>_<domain>}. */
  public String database() {
    return layer.id() + "_" + domain;
  }

  /** The catalog name, {@code <layer>_<domain>.<name>}. */
  public String catalogName() {
    return database() + "." + name;
  }

  /** The path below the warehouse root, {@code <layer>/<domain>/<name>}. */
  public String relativePath() {
    return layer.id() + "/" + domain + "/" + name;
  }

  @Override
  public String toString() {
    return catalogName();
  }
}
