package io.agora.signal.wire;

/** The error codes (AGORA_E_CODE) of docs/protocol.md that this SDK raises itself. */
public final class ErrorCode {
  public static final int LOGOUT_E_OTHER = 100;
  public static final int LOGOUT_E_USER = 101;
  public static final int LOGOUT_E_NET = 102;
  public static final int LOGOUT_E_PACKET = 104;
  public static final int LOGOUT_E_TOKENEXPIRED = 105;
  public static final int LOGOUT_E_OLDVERSION = 106;
  public static final int LOGOUT_E_TOKENWRONG = 107;
  public static final int LOGIN_E_NET = 201;
  public static final int LOGIN_E_TOKENEXPIRED = 204;
  public static final int LOGIN_E_OLDVERSION = 205;
  public static final int LOGIN_E_TOKENWRONG = 206;
  public static final int LOGIN_E_INVALID_USER = 209;
  public static final int SENDMESSAGE_E_TIMEOUT = 401;
  public static final int GENERAL_E_NOT_LOGIN = 1003;
  public static final int GENERAL_E_WRONG_PARAM = 1004;
  public static final int GENERAL_E_LARGE_PARAM = 1005;

  private ErrorCode() {}
}
