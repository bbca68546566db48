package io.medalla.internal.governance;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.mask;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.medalla.internal.config.Sha256;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The column expressions of the policies. A token is a {@link TokenCipher} token: deterministic, so
 * equal values give equal tokens, and the key gives the value back. A hash is the hex SHA-256 of
 * the salt and the value. Both work on the value's text (JSON for structs, arrays and maps), so any
 * column can be protected; a token is read back into the column's clear type. Keys and salts come
 * from secrets, required by the policy when it uses them, and are registered for redaction.
 */
final class ColumnProtection {
  private final Optional<String> salt;
  private final Optional<UserDefinedFunction> tokenize;
  private final Optional<UserDefinedFunction> detokenize;

  ColumnProtection(Optional<String> salt, Optional<String> tokenSecret) {
    this.salt = salt;
    Optional<TokenCipher> cipher =
        tokenSecret.map(
            secret ->
                new TokenCipher(
                    Sha256.bytes("medalla-token-key:" + secret),
                    Sha256.bytes("medalla-token-iv:" + secret)));
    this.tokenize = cipher.map(tokens -> functions.udf(tokens.encryption(), DataTypes.StringType));
    this.detokenize =
        cipher.map(tokens -> functions.udf(tokens.decryption(), DataTypes.StringType));
  }

  /** {@code clear}, a column of {@code type}, under {@code masking}. */
  Column apply(Masking masking, Column clear, DataType type) {
    return switch (masking) {
      case CLEAR -> clear;
      case NULL -> lit(null).cast(type);
      case MASK -> mask(text(clear, type));
      case HASH -> sha2(concat(lit(salt.orElseThrow()), text(clear, type)), 256);
      case TOKEN -> tokenize.orElseThrow().apply(text(clear, type));
    };
  }

  /**
   * The clear value of a column stored as {@code storedAs}: a token decrypted, anything else as is.
   */
  Column reveal(Column stored, StoredAs storedAs) {
    if (storedAs.masking() != Masking.TOKEN) {
      return stored;
    }
    return fromText(detokenize.orElseThrow().apply(stored), storedAs.clearType());
  }

  /** A text that may be a token (a quarantined record), in clear. */
  Column revealText(Column stored) {
    return detokenize
        .map(
            decryption ->
                when(stored.startsWith(TokenCipher.PREFIX), decryption.apply(stored))
                    .otherwise(stored))
        .orElse(stored);
  }

  private static Column text(Column value, DataType type) {
    return type instanceof AtomicType ? value.cast(DataTypes.StringType) : to_json(value);
  }

  private static Column fromText(Column text, DataType type) {
    if (type instanceof AtomicType) {
      return text.cast(type);
    }
    return type instanceof StructType struct
        ? from_json(text, struct)
        : from_json(text, type, Map.of());
  }
}
