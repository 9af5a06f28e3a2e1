package io.agora.signal.wire;

/** The event kinds of docs/protocol.md ("Events (kind)"). */
public final class EventKind {
  public static final int INSTANT_MSG = 1;
  public static final int CHANNEL_JOINED = 10;
  public static final int CHANNEL_LEFT = 11;
  public static final int CHANNEL_USER_LIST = 12;
  public static final int CHANNEL_USER_JOINED = 13;
  public static final int CHANNEL_USER_LEFT = 14;
  public static final int CHANNEL_MSG = 15;
  public static final int CHANNEL_ATTR = 16;
  public static final int INVITE_RECEIVED = 20;
  public static final int INVITE_RECEIVED_BY_PEER = 21;
  public static final int INVITE_ACCEPTED_BY_PEER = 22;
  public static final int INVITE_REFUSED_BY_PEER = 23;
  public static final int INVITE_FAILED = 24;
  public static final int INVITE_END_BY_PEER = 25;
  public static final int INVITE_END_BY_MYSELF = 26;
  public static final int INVITE_MSG = 27;
  public static final int APP_MSG = 30;
  public static final int MSG_DELIVERED = 31;
  public static final int MSG_EXPIRED = 32;

  private EventKind() {}
}
