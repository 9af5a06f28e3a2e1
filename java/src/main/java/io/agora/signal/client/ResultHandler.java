package io.agora.signal.client;

import java.util.List;

/** Receives the one RESULT of a request (or the code that ended it unanswered). */
public interface ResultHandler {
  /** {@code code} 0 is success; {@code values} are the RESULT's values as UTF-8 texts. */
  void onResult(int code, String text, List<String> values);
}
