/** Settings of invitations: the timers and the SIP gateway account that phone calls go to. */
import { accountProblem } from './account';

export interface InviteConfig {
  /** How long an invitation to an offline callee waits for it to log in (the seeds' 20 s). */
  offlineWaitMs: number;
  /** How long an invitation stays unanswered when its extra sets no `_timeout` (the seeds' 30 s). */
  defaultTimeoutMs: number;
  /** The SIP gateway account of App IDs that name none of their own; empty: none. */
  sipGateway: string;
  /**
   * Live invitations (waiting, ringing or accepted) one session may have made at a time; 0: no
   * bound. Accepted invitations have no timeout, so without a bound one client could fill the
   * server's memory with calls.
   */
  maxPerSession: number;
}

export const DEFAULT_INVITE_CONFIG: Readonly<InviteConfig> = Object.freeze({ offlineWaitMs: 20000, defaultTimeoutMs: 30000, sipGateway: '', maxPerSession: 1000 });

export const INVITE_CONFIG_KEYS: readonly (keyof InviteConfig)[] = ['offlineWaitMs', 'defaultTimeoutMs', 'sipGateway', 'maxPerSession'];

/** Thrown as the config's own error type by the caller. */
export type ConfigProblem = (message: string) => Error;

/** A gateway account: empty (none) or an account by the login rule. */
export function parseGatewayAccount(source: string, raw: unknown, problem: ConfigProblem): string {
  if (typeof raw !== 'string') throw problem(`${source} must be an account name (a string)`);
  if (raw === '') return '';
  const wrong = accountProblem(new Uint8Array(Buffer.from(raw, 'utf8')));
  if (wrong !== null) throw problem(`${source} is not a valid account: ${wrong}`);
  return raw;
}

function parseMs(source: string, raw: unknown, problem: ConfigProblem): number {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3600000) {
    throw problem(`${source} must be an integer from 1 to 3600000, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function parseCount(source: string, raw: unknown, problem: ConfigProblem): number {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000000) {
    throw problem(`${source} must be an integer from 0 (no bound) to 1000000, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** `invite` of the config file or of `new SignalServer`: any subset of InviteConfig. */
export function parseInviteConfig(source: string, raw: unknown, problem: ConfigProblem): Partial<InviteConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw problem(`${source} must be an object { ${INVITE_CONFIG_KEYS.join(', ')} }`);
  const result: Partial<InviteConfig> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (k === 'offlineWaitMs' || k === 'defaultTimeoutMs') result[k] = parseMs(`${source}.${k}`, v, problem);
    else if (k === 'sipGateway') result.sipGateway = parseGatewayAccount(`${source}.sipGateway`, v, problem);
    else if (k === 'maxPerSession') result.maxPerSession = parseCount(`${source}.maxPerSession`, v, problem);
    else throw problem(`${source} has an unknown key "${k}" (known: ${INVITE_CONFIG_KEYS.join(', ')})`);
  }
  return result;
}

/**
 * The SIP gateway account of each App ID: its own `sipGateway`, else the server-wide one. Keys and
 * answers are latin1 (one character per byte), as sessions key accounts.
 */
export function gatewayResolver(apps: readonly { appId: string; sipGateway?: string }[], serverWide: string): (appId: string) => string | null {
  const toKey = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
  const own = new Map<string, string>();
  for (const app of apps) if (app.sipGateway) own.set(toKey(app.appId), toKey(app.sipGateway));
  const fallback = serverWide === '' ? null : toKey(serverWide);
  return (appId) => own.get(appId) ?? fallback;
}
