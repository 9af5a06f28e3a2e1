/** Where a session client stands; the numbers are those of the native core's getStatus(). */
export enum ClientStatus {
  LoggedOut = 0,
  LoggingIn = 1,
  LoggedIn = 2,
  Reconnecting = 3,
}
