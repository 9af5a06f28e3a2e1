/** Checks of invitation arguments: the extra JSON and its options, phone numbers, DTMF digits, uids. */
import { accountProblem } from './account';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { failure, Reply } from './reply';

export const MAX_EXTRA_BYTES = 8192;
/** `_timeout` of the seeds: 0 to 30 seconds. */
export const MAX_TIMEOUT_SECONDS = 30;
export const MAX_DTMF_DIGITS = 128;
export const DTMF_MSG_TYPE = 'DTMF';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const DTMF_DIGITS = /^[0-9*#]+$/;
const UID_TEXT = /^\d{1,10}$/;

/** What an invitation's extra asks of the server. */
export interface InviteOptions {
  requirePeerOnline: boolean;
  /** 0: the server's default. */
  timeoutSeconds: number;
  /** The extra as a JSON object (an empty extra is `{}`), or null when it is other JSON. */
  object: Record<string, unknown> | null;
}

/** True for a failed Reply returned in place of a parsed value. */
export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'code' in value && 'values' in value;
}

/** The JSON value of an extra (undefined when empty), or a 1004/1005 failure. */
export function parseExtra(extra: Uint8Array, what = 'extra'): unknown {
  if (extra.length > MAX_EXTRA_BYTES) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `${what} is ${extra.length} bytes, at most ${MAX_EXTRA_BYTES} allowed`);
  if (extra.length === 0) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(extra);
  } catch {
    return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `${what} is not valid UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The options of INVITE_USER / INVITE_PHONE's extra, or a failure. */
export function inviteOptions(extra: Uint8Array): InviteOptions | Reply {
  const parsed = parseExtra(extra);
  if (isReply(parsed)) return parsed;
  if (parsed === undefined) return { requirePeerOnline: false, timeoutSeconds: 0, object: {} };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { requirePeerOnline: false, timeoutSeconds: 0, object: null };
  const object = parsed as Record<string, unknown>;
  let requirePeerOnline = false;
  const require = object._require_peer_online;
  if (require !== undefined) {
    if (require === 1 || require === true) requirePeerOnline = true;
    else if (require !== 0 && require !== false) {
      return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `extra._require_peer_online must be 0 or 1, got ${JSON.stringify(require)}`);
    }
  }
  let timeoutSeconds = 0;
  const timeout = object._timeout;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_SECONDS) {
      return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `extra._timeout must be a number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}, got ${JSON.stringify(timeout)}`);
    }
    timeoutSeconds = timeout;
  }
  return { requirePeerOnline, timeoutSeconds, object };
}

/** A phone number or source number: the account rule. */
export function numberProblem(value: Uint8Array, what: string): Reply | null {
  const problem = accountProblem(value);
  return problem === null ? null : failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid ${what}: ${problem.replace(/^account/, what)}`);
}

export function dtmfProblem(digits: Uint8Array): Reply | null {
  if (digits.length > MAX_DTMF_DIGITS) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `dtmf is ${digits.length} characters, at most ${MAX_DTMF_DIGITS} allowed`);
  const text = Buffer.from(digits).toString('latin1');
  if (!DTMF_DIGITS.test(text)) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `dtmf must be 1 to ${MAX_DTMF_DIGITS} of the characters 0-9, * and # (got ${JSON.stringify(Buffer.from(digits).toString('utf8'))})`);
  return null;
}

/** A uid argument: decimal ASCII up to 2^32-1, or empty (0). */
export function uidArg(raw: Uint8Array): number | Reply {
  if (raw.length === 0) return 0;
  const text = Buffer.from(raw).toString('latin1');
  const value = UID_TEXT.test(text) ? Number(text) : NaN;
  if (!(value <= 0xffffffff)) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `uid must be a decimal number from 0 to 4294967295, got ${JSON.stringify(Buffer.from(raw).toString('utf8'))}`);
  return value;
}
