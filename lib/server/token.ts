/**
 * SignalingToken: "1:" + appId + ":" + expiredTs + ":" + md5hex(account + appId + certificate + expiredTs),
 * expiredTs being an absolute Unix time in seconds.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const NO_NEED_TOKEN = '_no_need_token';

export type TokenCheck =
  | { status: 'ok'; expiredTs: number }
  | { status: 'expired'; expiredTs: number }
  | { status: 'wrong'; reason: string };

type Text = string | Uint8Array;

function bytesOf(value: Text): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function signature(account: Text, appId: Text, certificate: Text, expiredTs: number): string {
  return createHash('md5')
    .update(bytesOf(account))
    .update(bytesOf(appId))
    .update(bytesOf(certificate))
    .update(String(expiredTs))
    .digest('hex');
}

export function makeSignalingToken(appId: string, certificate: string, account: string, expiredTs: number): string {
  if (!Number.isSafeInteger(expiredTs) || expiredTs < 0) throw new RangeError(`expiredTs must be a non-negative integer, got ${expiredTs}`);
  return `1:${appId}:${expiredTs}:${signature(account, appId, certificate, expiredTs)}`;
}

/**
 * Checks `token` for a login of `account` to `appId`. A token whose signature does not match is
 * "wrong" even when its time has passed; a matching one is "expired" once expiredTs is reached.
 */
export function checkSignalingToken(
  token: Text,
  appId: Text,
  certificate: string,
  account: Text,
  nowMs: number = Date.now(),
): TokenCheck {
  const text = bytesOf(token).toString('latin1');
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== '1') return { status: 'wrong', reason: 'not a SignalingToken' };
  const [, tokenAppId, ts, digest] = parts;
  if (!Buffer.from(tokenAppId, 'latin1').equals(bytesOf(appId))) return { status: 'wrong', reason: 'token is for another App ID' };
  if (!/^\d{1,15}$/.test(ts)) return { status: 'wrong', reason: 'bad expiry time in token' };
  if (!/^[0-9a-f]{32}$/i.test(digest)) return { status: 'wrong', reason: 'bad signature in token' };
  const expiredTs = Number(ts);
  const expected = Buffer.from(signature(account, appId, certificate, expiredTs), 'latin1');
  if (!timingSafeEqual(expected, Buffer.from(digest.toLowerCase(), 'latin1'))) {
    return { status: 'wrong', reason: 'token signature does not match' };
  }
  if (expiredTs * 1000 <= nowMs) return { status: 'expired', expiredTs };
  return { status: 'ok', expiredTs };
}
