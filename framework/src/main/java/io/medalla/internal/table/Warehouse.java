package io.medalla.internal.table;

import static java.util.Objects.requireNonNull;

import io.medalla.api.TableId;
import java.net.URI;
import java.nio.file.Path;

/**
 * The warehouse layout: table {@code (layer, domain, name)} lives at {@code
 * <root>/<layer>/<domain>/<name>}; operational tables at {@code <root>/_ops/<name>}.
 */
public final class Warehouse {
  /** Folder of the operational tables (run ledger, quality results, ...). */
  public static final String OPS_FOLDER = "_ops";

  /** Folder of the quarantine tables, mirroring the layout of the tables they belong to. */
  public static final String QUARANTINE_FOLDER = "_quarantine";

  private final String root;

  /** A warehouse at {@code root}: a Hadoop URI, or a local path made absolute. */
  public Warehouse(String root) {
    requireNonNull(root, "root is null");
    URI uri = URI.create(root.replace('\\', '/').replace(" ", "%20"));
    this.root =
        uri.getScheme() != null && uri.getScheme().length() > 1
            ? stripTrailingSlash(root)
            : Path.of(root).toAbsolutePath().normalize().toString();
  }

  /** The root as given (absolute for local paths). */
  public String root() {
    return root;
  }

  /** The storage path of a table. */
  public String path(TableId table) {
    return root + "/" + table.relativePath();
  }

  /** The storage path of an operational table. */
  public String opsPath(String name) {
    return root + "/" + OPS_FOLDER + "/" + name;
  }

  /** The storage path of a table's quarantine. */
  public String quarantinePath(TableId table) {
    return root + "/" + QUARANTINE_FOLDER + "/" + table.relativePath();
  }

  private static String stripTrailingSlash(String value) {
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  @Override
  public String toString() {
    return root;
  }
}
