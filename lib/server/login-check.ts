import { accountProblem } from './account';
import type { AppRegistry } from './app-registry';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { checkSignalingToken } from './token';
import { latin1 } from './state/latin1';

export type LoginCheck =
  | { ok: true; /** Unix seconds after which the session ends, when the App ID has a certificate. */ expiredTs?: number }
  | { ok: false; code: number; text: string };

const MAX_APP_ID_BYTES = 128;

/** Decides whether a LOGIN may proceed (App ID, account rule, token). */
export function checkLogin(
  apps: AppRegistry,
  appId: Uint8Array,
  account: Uint8Array,
  token: Uint8Array,
  nowMs: number = Date.now(),
): LoginCheck {
  if (appId.length === 0 || appId.length > MAX_APP_ID_BYTES) return { ok: false, code: AGORA_E_CODE.LOGIN_E_TOKENWRONG, text: 'unknown App ID' };
  const app = apps.lookup(latin1(appId));
  if (!app.accepted) return { ok: false, code: AGORA_E_CODE.LOGIN_E_TOKENWRONG, text: 'unknown App ID' };
  const problem = accountProblem(account);
  if (problem !== null) return { ok: false, code: AGORA_E_CODE.LOGIN_E_INVALID_USER, text: `invalid account: ${problem}` };
  // Without a certificate there is nothing to verify a token against: "_no_need_token" or any other is accepted.
  if (app.certificate === undefined) return { ok: true };
  const check = checkSignalingToken(token, appId, app.certificate, account, nowMs);
  switch (check.status) {
    case 'ok':
      return { ok: true, expiredTs: check.expiredTs };
    case 'expired':
      return { ok: false, code: AGORA_E_CODE.LOGIN_E_TOKENEXPIRED, text: `token expired at ${check.expiredTs}` };
    case 'wrong':
      return { ok: false, code: AGORA_E_CODE.LOGIN_E_TOKENWRONG, text: `wrong token: ${check.reason}` };
  }
}
