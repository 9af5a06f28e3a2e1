package io.agora.signal.wire;

/** The request operations of docs/protocol.md ("Requests (op) and their results") this SDK uses. */
public final class Op {
  public static final int MSG_INSTANT = 1;
  public static final int MSG_CHANNEL = 4;
  public static final int QUERY_USER_STATUS = 7;
  public static final int CHANNEL_JOIN = 10;
  public static final int CHANNEL_LEAVE = 11;
  public static final int CHANNEL_QUERY_NUM = 12;
  public static final int CHANNEL_SET_ATTR = 14;
  public static final int CHANNEL_DEL_ATTR = 15;
  public static final int CHANNEL_CLEAR_ATTR = 16;
  public static final int INVITE_USER = 20;
  public static final int INVITE_DTMF = 22;
  public static final int INVITE_ACCEPT = 23;
  public static final int INVITE_REFUSE = 24;
  public static final int INVITE_END = 25;
  public static final int INVOKE = 40;
  public static final int DBG = 42;

  private Op() {}

  /** Message requests: one of unknown outcome is never sent again (it may have been delivered). */
  public static boolean isMessage(int op) {
    return op == MSG_INSTANT || op == MSG_CHANNEL;
  }
}
