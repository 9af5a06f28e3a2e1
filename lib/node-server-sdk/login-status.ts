// What Signal.getStatus and LoginSession.getStatus return (the Java Server SDK's values).
export enum LoginStatus {
  /** Not logged in, or logged out. */
  LOGGED_OUT = 0,
  /** Connecting or logging in (also while reconnecting). */
  CONNECTING = 1,
  LOGGED_IN = 2,
  LOGIN_FAILED = 3,
  /** Before any login. */
  INITIAL = 4,
}
