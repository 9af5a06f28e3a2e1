package io.agora.signal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Makes SignalingTokens on the application's own server, where the App Certificate is kept: the
 * format of docs/server.md, {@code 1:<appId>:<expiredTs>:<md5hex(account + appId + certificate + expiredTs)>},
 * {@code expiredTs} an absolute Unix time in seconds.
 */
public final class SignalingToken {
  private SignalingToken() {}

  /**
   * The token that lets {@code account} log in to {@code appId} until {@code expiredTsInSeconds}
   * (Unix seconds; the server refuses it from then on with 204, or ends the session with 105).
   */
  public static String getToken(String appId, String certificate, String account, int expiredTsInSeconds)
      throws NoSuchAlgorithmException {
    return getToken(appId, certificate, account, (long) expiredTsInSeconds);
  }

  /** As {@link #getToken(String, String, String, int)}, for times after 2038. */
  public static String getToken(String appId, String certificate, String account, long expiredTsInSeconds)
      throws NoSuchAlgorithmException {
    if (expiredTsInSeconds < 0) throw new IllegalArgumentException("expiredTsInSeconds must be >= 0, got " + expiredTsInSeconds);
    String ts = Long.toString(expiredTsInSeconds);
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    md5.update((account + appId + certificate + ts).getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder(32);
    for (byte b : md5.digest()) hex.append(String.format("%02x", b & 0xff));
    return "1:" + appId + ":" + ts + ":" + hex;
  }
}
