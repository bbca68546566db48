package io.medalla.internal.governance;

import static org.apache.spark.sql.functions.aes_decrypt;
import static org.apache.spark.sql.functions.aes_encrypt;
import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.mask;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unbase64;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import io.medalla.internal.config.Redaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The column expressions of the policies. A token is {@code tok:} and the Base64 of an AES-256-CBC
 * encryption whose IV is derived from the value (a synthetic IV): equal values give equal tokens,
 * and the key gives the value back. A hash is the hex SHA-256 of the salt and the value. Both work
 * on the value's text (JSON for structs, arrays and maps), so any column can be protected; a token
 * is read back into the column's clear type. Keys and salts come from secrets, required by the
 * policy when it uses them, and are registered for redaction, as are the literals derived from
 * them.
 */
final class ColumnProtection {
  static final String TOKEN_PREFIX = "tok:";

  private final Optional<String> salt;
  private final Optional<byte[]> tokenKey;
  private final Optional<String> ivSalt;

  ColumnProtection(Optional<String> salt, Optional<String> tokenSecret) {
    this.salt = salt;
    this.tokenKey = tokenSecret.map(secret -> digest("medalla-token-key:" + secret));
    this.ivSalt =
        tokenSecret.map(secret -> HexFormat.of().formatHex(digest("medalla-token-iv:" + secret)));
    ivSalt.ifPresent(Redaction::register);
    tokenKey.ifPresent(key -> Redaction.register(HexFormat.of().formatHex(key)));
  }

  /** {@code clear}, a column of {@code type}, under {@code masking}. */
  Column apply(Masking masking, Column clear, DataType type) {
    return switch (masking) {
      case CLEAR -> clear;
      case NULL -> lit(null).cast(type);
      case MASK -> mask(text(clear, type));
      case HASH -> sha2(concat(lit(salt.orElseThrow()), text(clear, type)), 256);
      case TOKEN -> token(text(clear, type));
    };
  }

  /**
   * The clear value of a column stored as {@code storedAs}: a token decrypted, anything else as is.
   */
  Column reveal(Column stored, StoredAs storedAs) {
    if (storedAs.masking() != Masking.TOKEN) {
      return stored;
    }
    byte[] key = tokenKey.orElseThrow();
    Column text =
        aes_decrypt(
                unbase64(substring(stored, TOKEN_PREFIX.length() + 1, Integer.MAX_VALUE)),
                lit(key),
                lit("CBC"),
                lit("PKCS"))
            .cast(DataTypes.StringType);
    DataType type = storedAs.clearType();
    return when(stored.startsWith(TOKEN_PREFIX), fromText(text, type));
  }

  /** A text that may be a token (a quarantined record), in clear. */
  Column revealText(Column stored) {
    if (tokenKey.isEmpty()) {
      return stored;
    }
    return when(
            stored.startsWith(TOKEN_PREFIX),
            reveal(stored, new StoredAs(Masking.TOKEN, DataTypes.StringType)))
        .otherwise(stored);
  }

  private Column token(Column text) {
    byte[] key = tokenKey.orElseThrow();
    Column iv = unhex(substring(sha2(concat(lit(ivSalt.orElseThrow()), text), 256), 1, 32));
    return when(
        text.isNotNull(),
        concat(
            lit(TOKEN_PREFIX), base64(aes_encrypt(text, lit(key), lit("CBC"), lit("PKCS"), iv))));
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

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
