package io.agora.signal;

/** What {@link Signal#getStatus} and {@code LoginSession.getStatus} return (the seed's values). */
final class LoginStatus {
  /** Not logged in, or logged out. */
  static final int LOGGED_OUT = 0;
  /** Connecting or logging in (also while reconnecting). */
  static final int CONNECTING = 1;
  static final int LOGGED_IN = 2;
  static final int LOGIN_FAILED = 3;
  /** Before any login. */
  static final int INITIAL = 4;

  private LoginStatus() {}
}
