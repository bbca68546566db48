package io.medalla.internal.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a text's UTF-8 bytes: configuration fingerprints, audit chains, key derivation. */
public final class Sha256 {
  private Sha256() {}

  /** The digest's bytes. */
  public static byte[] bytes(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** The digest as lower-case hex. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(bytes(text));
  }
}
