/** The AGORA_E_CODE values the server sends (docs/protocol.md, "Error codes"). */
export enum ErrorCode {
  LogoutOther = 100,
  LogoutUser = 101,
  LogoutNet = 102,
  LogoutKicked = 103,
  LogoutPacket = 104,
  LogoutTokenExpired = 105,
  LogoutOldVersion = 106,
  LoginTokenExpired = 204,
  LoginTokenWrong = 206,
  LoginAlreadyLogin = 208,
  LoginInvalidUser = 209,
  SendMessageOther = 400,
  General = 1000,
  GeneralUnknown = 1002,
  GeneralWrongParam = 1004,
  GeneralLargeParam = 1005,
}
