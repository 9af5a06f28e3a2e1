package io.agora.signal.client;

/** The reconnection limits of docs/native-core.md, shared by every SDK of the project. */
public final class Backoff {
  /** Tries after a loss (and connection tries of the first login) of {@code login}. */
  public static final int DEFAULT_RETRY_COUNT = 3;
  /** Seconds after a loss (or after the login started) during which tries are made. */
  public static final int DEFAULT_RETRY_TIME_S = 30;

  private Backoff() {}

  /** Delay before try {@code n} (1-based): 250 ms doubling up to 4 s. */
  public static long delayMs(int n) {
    return Math.min(4000L, 250L << Math.min(5, Math.max(0, n - 1)));
  }
}
