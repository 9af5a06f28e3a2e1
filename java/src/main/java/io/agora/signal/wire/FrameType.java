package io.agora.signal.wire;

/**
 * The frame types of docs/protocol.md and the fields of each, in wire order: {@code u} a varint,
 * {@code s} a byte string, {@code l} a list of byte strings.
 */
public final class FrameType {
  public static final int HELLO = 0x01;
  public static final int WELCOME = 0x02;
  public static final int PING = 0x03;
  public static final int PONG = 0x04;
  public static final int BYE = 0x05;
  public static final int ACK = 0x06;
  public static final int LOGIN = 0x10;
  public static final int LOGIN_OK = 0x11;
  public static final int LOGIN_FAIL = 0x12;
  public static final int RESUME = 0x13;
  public static final int RESUME_OK = 0x14;
  public static final int RESUME_FAIL = 0x15;
  public static final int LOGOUT = 0x16;
  public static final int LOGGED_OUT = 0x17;
  public static final int REQUEST = 0x20;
  public static final int RESULT = 0x21;
  public static final int EVENT = 0x22;

  /** The protocol version this client speaks (HELLO). */
  public static final int PROTOCOL_VERSION = 1;

  private static final String[] SCHEMAS = new String[256];

  static {
    SCHEMAS[HELLO] = "us";
    SCHEMAS[WELCOME] = "uuuu";
    SCHEMAS[PING] = "u";
    SCHEMAS[PONG] = "u";
    SCHEMAS[BYE] = "us";
    SCHEMAS[ACK] = "u";
    SCHEMAS[LOGIN] = "sssus";
    SCHEMAS[LOGIN_OK] = "us";
    SCHEMAS[LOGIN_FAIL] = "us";
    SCHEMAS[RESUME] = "su";
    SCHEMAS[RESUME_OK] = "u";
    SCHEMAS[RESUME_FAIL] = "us";
    SCHEMAS[LOGOUT] = "";
    SCHEMAS[LOGGED_OUT] = "us";
    SCHEMAS[REQUEST] = "uul";
    SCHEMAS[RESULT] = "uuusl";
    SCHEMAS[EVENT] = "uul";
  }

  private FrameType() {}

  /** The field kinds of {@code type}, or null for a type the protocol does not define. */
  public static String schema(int type) {
    return type >= 0 && type < SCHEMAS.length ? SCHEMAS[type] : null;
  }
}
