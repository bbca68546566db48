package io.medalla.api;

/** Which schema changes a schema contract accepts. */
public enum DriftPolicy {
  /** Bronze accepts new columns; silver and gold accept none. */
  LAYER_DEFAULT,
  /** New columns are accepted; a missing, retyped or newly nullable column fails. */
  ADDITIVE,
  /** The output has exactly the contract's columns, types and nullability. */
  EXACT
}
