package io.medalla.api;

/**
 * Why a column computed from a {@link Classification#PII} column no longer identifies a person, as
 * its pipeline's author declares with {@link PipelineSpec.Builder#protect}. A column derived from a
 * pii column is either pii itself or declares one of these.
 *
 * @since 0.3.0
 */
public enum Protection {
  /** The value aggregates many people, such as a count of distinct users. */
  AGGREGATED,
  /** The value is coarsened so that it fits many people, such as an email's domain. */
  GENERALIZED,
  /** The value is replaced by a keyed hash or token the readers cannot reverse. */
  PSEUDONYMIZED
}
