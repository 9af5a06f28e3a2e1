package io.agora.signal.wire;

/** A malformed frame; the message contains the docs/protocol.md wording ("truncated", "bad length", ...). */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
