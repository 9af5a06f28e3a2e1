/** The AGORA_E_CODE values the session client itself reports (docs/protocol.md, "Error codes"). */
export const ClientErrorCode = {
  LogoutOther: 100,
  LogoutUser: 101,
  LogoutNet: 102,
  LogoutKicked: 103,
  LogoutPacket: 104,
  LogoutTokenExpired: 105,
  LogoutOldVersion: 106,
  LogoutTokenWrong: 107,
  LoginNet: 201,
  LoginTokenExpired: 204,
  LoginOldVersion: 205,
  LoginTokenWrong: 206,
  LoginInvalidUser: 209,
  NotLoggedIn: 1003,
  WrongParam: 1004,
  LargeParam: 1005,
} as const;
