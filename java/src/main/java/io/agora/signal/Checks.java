package io.agora.signal;

import java.nio.charset.StandardCharsets;

/** The input checks the SDK makes before it sends anything (docs/protocol.md, "Login checks"). */
final class Checks {
  private Checks() {}

  /** Null when {@code account} is 1 to 128 bytes of visible characters, else what is wrong. */
  static String account(String account) {
    if (account == null || account.isEmpty()) return "the account is empty";
    byte[] bytes = account.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 128) return "the account is over 128 bytes";
    for (byte b : bytes) {
      int v = b & 0xff;
      if (v < 0x21 || v == 0x7f) return "the account has a space or a control character";
    }
    return null;
  }
}
