/** One map key per (appId, account); the length prefix keeps "ab"+"c" apart from "a"+"bc". */
export function userKey(appId: string, account: string): string {
  return `${appId.length}:${appId}${account}`;
}
