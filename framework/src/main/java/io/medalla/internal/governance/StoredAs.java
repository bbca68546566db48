package io.medalla.internal.governance;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.types.DataType;

/**
 * How a protected column is stored: the policy applied at rest and the type of its clear values,
 * which a token gives back to a role that reads in clear. Kept as {@code masking:type}, e.g. {@code
 * token:bigint}.
 *
 * @param masking the policy applied at rest, never {@link Masking#CLEAR}
 * @param clearType the column's type before protection
 */
public record StoredAs(Masking masking, DataType clearType) {
  public StoredAs {
    requireNonNull(masking, "masking is null");
    requireNonNull(clearType, "clearType is null");
    if (masking == Masking.CLEAR) {
      throw new IllegalArgumentException("A clear column is not protected at rest");
    }
  }

  /** The stored text form, {@code masking:type}. */
  public String id() {
    return masking.id() + ":" + clearType.catalogString();
  }

  /** The form {@link #id} wrote. */
  public static StoredAs parse(String id) {
    int colon = id.indexOf(':');
    return new StoredAs(
        Masking.parse(id.substring(0, colon), "a stored column"),
        DataType.fromDDL(id.substring(colon + 1)));
  }
}
