package io.agora.signal.client;

import java.util.List;

/** What a {@link SessionClient} tells the layer above, on the session's thread. */
public interface SessionListener {
  void loginSuccess(long uid);

  void loginFailed(int code, String text);

  /** The session is over (101 by logout, 102 reconnection given up, 103 kicked, 105, ...). */
  void logout(int code, String text);

  void reconnecting(int attempt);

  /** {@code resumed} false: the old session was gone and this is a fresh login (its state is lost). */
  void reconnected(boolean resumed);

  /** The old session was gone (RESUME_FAIL): called before the fresh login is sent. */
  void sessionLost();

  /** An EVENT, each field a UTF-8 text; called once per event, in the server's order. */
  void event(int kind, List<String> fields);

  void log(String text);
}
