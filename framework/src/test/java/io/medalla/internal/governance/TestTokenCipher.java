package io.medalla.internal.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.api.java.UDF1;
import org.junit.jupiter.api.Test;

/** Tokens: deterministic, reversible with the key only, and never the value itself. */
class TestTokenCipher {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] IV_KEY =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

  private final TokenCipher cipher = new TokenCipher(KEY, IV_KEY);
  private final UDF1<String, String> encrypt = cipher.encryption();
  private final UDF1<String, String> decrypt = cipher.decryption();

  @Test
  void equalValuesGiveEqualTokensThatReadBackWithTheKey() throws Exception {
    String token = encrypt.call("ann@example.com");

    assertThat(token)
        .startsWith("tok:")
        .doesNotContain("ann")
        .isEqualTo(encrypt.call("ann@example.com"));
    assertThat(encrypt.call("bob@example.com")).isNotEqualTo(token);
    assertThat(decrypt.call(token)).isEqualTo("ann@example.com");
    assertThat(decrypt.call(encrypt.call("ünïcode, and a long text that spans several blocks")))
        .isEqualTo("ünïcode, and a long text that spans several blocks");
  }

  @Test
  void anotherKeyCannotReadATokenAndNonTokensGiveNull() throws Exception {
    String token = encrypt.call("42");
    TokenCipher other =
        new TokenCipher(
            "another key of thirty-two bytes!".getBytes(StandardCharsets.UTF_8), IV_KEY);

    assertThat(other.encryption().call("42")).isNotEqualTo(token);
    String read;
    try {
      read = other.decryption().call(token);
    } catch (javax.crypto.BadPaddingException e) {
      read = null;
    }
    assertThat(read).isNotEqualTo("42");
    assertThat(encrypt.call(null)).isNull();
    assertThat(decrypt.call(null)).isNull();
    assertThat(decrypt.call("42")).isNull();
  }
}
