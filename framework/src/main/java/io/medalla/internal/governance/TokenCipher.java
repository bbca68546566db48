package io.medalla.internal.governance;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.api.java.UDF1;

/**
 * Deterministic tokens: {@code tok:} and the Base64 of the IV followed by the AES-256-CBC (PKCS#5)
 * encryption of the text, the IV being the first 16 bytes of the text's HMAC-SHA256 under a key of
 * its own (a synthetic IV). Equal texts give equal tokens; the key gives the text back. After the
 * prefix, the bytes are laid out as Spark's {@code aes_encrypt(text, key, 'CBC')} lays them out, so
 * {@code aes_decrypt(unbase64(substr(token, 5)), key, 'CBC')} reads a token too. Each task keeps
 * its own cipher and MAC instead of creating them for every value, as Spark's {@code aes_encrypt}
 * does.
 */
final class TokenCipher implements Serializable {
  static final String PREFIX = "tok:";

  private static final long serialVersionUID = 1L;
  private static final int IV_BYTES = 16;

  private final byte[] key;
  private final byte[] ivKey;
  private transient Cipher cipher;
  private transient Mac mac;

  TokenCipher(byte[] key, byte[] ivKey) {
    this.key = key.clone();
    this.ivKey = ivKey.clone();
  }

  /** The function tokenizing a text; null stays null. */
  UDF1<String, String> encryption() {
    return this::encrypt;
  }

  /** The function giving a token's text back; anything that is not a token gives null. */
  UDF1<String, String> decryption() {
    return this::decrypt;
  }

  private String encrypt(String text) throws GeneralSecurityException {
    if (text == null) {
      return null;
    }
    byte[] clear = text.getBytes(StandardCharsets.UTF_8);
    byte[] iv = Arrays.copyOf(mac().doFinal(clear), IV_BYTES);
    Cipher aes = cipher();
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    byte[] encrypted = aes.doFinal(clear);
    return PREFIX
        + Base64.getEncoder()
            .encodeToString(
                ByteBuffer.allocate(iv.length + encrypted.length).put(iv).put(encrypted).array());
  }

  private String decrypt(String token) throws GeneralSecurityException {
    if (token == null || !token.startsWith(PREFIX)) {
      return null;
    }
    byte[] bytes = Base64.getDecoder().decode(token.substring(PREFIX.length()));
    Cipher aes = cipher();
    aes.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new IvParameterSpec(bytes, 0, IV_BYTES));
    return new String(
        aes.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
  }

  private Cipher cipher() throws GeneralSecurityException {
    if (cipher == null) {
      cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
    }
    return cipher;
  }

  private Mac mac() throws GeneralSecurityException {
    if (mac == null) {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(ivKey, "HmacSHA256"));
    }
    return mac;
  }
}
