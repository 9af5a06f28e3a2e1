/**
 * The admin REST API for the application back end (docs/admin-api.yaml): messages as a named
 * system sender, presence, channels, attributes, ending sessions, tokens, App IDs and their load.
 * It goes through the state-layer interfaces and the request handlers, so it behaves as an SDK's
 * request would and works unchanged over a clustered store (every call may answer a promise).
 */
import { MAX_MESSAGE_BYTES } from '../../protocol/constants';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { utf8Decode } from '../../protocol/text';
import { accountProblem } from '../account';
import { attrRefusal, channelNameRefusal } from '../state/channel-rules';
import { handleMessageInstant } from '../handlers/p2p';
import type { Reply } from '../reply';
import { attrObject, setUserAttr } from '../handlers/user-attrs';
import { logEvent } from '../logger';
import type { SignalServer } from '../signal-server';
import type { MaybePromise } from '../state/maybe-promise';
import { makeSignalingToken } from '../token';
import { SystemSender } from './system-sender';

export interface AdminRequest {
  method: string;
  /** The path's segments after the version, URL-decoded. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** For log lines. */
  address: string;
}

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface AdminApiOptions {
  /**
   * Ends the session of (appId, account) when it lives on another node (cluster mode): resolves
   * true when one was ended. Without it only sessions of this process can be ended.
   */
  endRemoteSession?(appId: string, account: string, code: number, reason: string): MaybePromise<boolean>;
  /**
   * Sessions per App ID (latin1 key) on every node of the cluster: GET /v1/apps then lists them
   * as `clusterSessions` beside this process's own counts.
   */
  sessionsPerApp?(): Promise<ReadonlyMap<string, number>>;
}

/** Accounts one presence query may ask about. */
export const MAX_STATUS_ACCOUNTS = 1000;
/** Members a channel query lists by default, and at most. */
export const DEFAULT_MEMBER_LIMIT = 1000;
export const MAX_MEMBER_LIMIT = 10000;
/** A minted token is valid at most this long (a year). */
const MAX_TOKEN_SECONDS = 365 * 24 * 3600;

/** A request the API refuses: an HTTP status, a reason and, where one applies, the SDK's code. */
export class AdminError extends Error {
  constructor(readonly status: number, message: string, readonly code?: number) {
    super(message);
  }
}

function bad(reason: string, code: number = AGORA_E_CODE.GENERAL_E_WRONG_PARAM): AdminError {
  return new AdminError(400, reason, code);
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** UTF-8 text -> the latin1 key the state layer uses (one character per byte). */
function key(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function fromKey(k: string): string {
  return Buffer.from(k, 'latin1').toString('utf8');
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the body must be a JSON object');
  return body as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw bad(`missing field "${name}"`);
    return undefined;
  }
  if (typeof value !== 'string') throw bad(`field "${name}" must be a string`);
  return value;
}

function integerField(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`field "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkedAccount(text: string, what: string): Uint8Array {
  const bytes = utf8(text);
  const problem = accountProblem(bytes);
  if (problem !== null) throw bad(`${what}: ${problem}`);
  return bytes;
}

function checkedChannel(text: string): Uint8Array {
  const bytes = utf8(text);
  const refusal = channelNameRefusal(bytes);
  if (refusal !== null) throw bad(`channel: ${refusal.text}`, refusal.code);
  return bytes;
}

function checkedAttrName(text: string, value: Uint8Array | null): Uint8Array {
  const bytes = utf8(text);
  const refusal = attrRefusal(bytes, value);
  if (refusal !== null) throw bad(`attribute: ${refusal.text}`, refusal.code);
  return bytes;
}

/** A handler's failed Reply as an answer: bad arguments are 400, anything else 409 (refused by a rule or bound). */
function failedReply(reply: Reply): AdminError {
  const badArgument = reply.code === AGORA_E_CODE.GENERAL_E_WRONG_PARAM || reply.code === AGORA_E_CODE.GENERAL_E_LARGE_PARAM;
  return new AdminError(badArgument ? 400 : 409, reply.text, reply.code);
}

function ok(body: Record<string, unknown> = {}): AdminAnswer {
  return { status: 200, body };
}

export class AdminApi {
  constructor(private readonly server: SignalServer, private readonly options: AdminApiOptions = {}) {}

  /** Answers one request; an AdminError becomes its status and reason, anything else a 500. */
  async handle(request: AdminRequest): Promise<AdminAnswer> {
    const [first, appIdText, collection, name, sub, subName, extra] = request.segments;
    const m = request.method;
    if (first !== 'apps') throw new AdminError(404, 'no such route');
    if (appIdText === undefined) {
      if (m === 'GET') return this.listApps();
      throw this.wrongMethod(m, ['GET']);
    }
    const appId = this.knownApp(appIdText);
    if (collection === 'tokens' && name === undefined) return this.only(m, 'POST', () => this.mintToken(appIdText, bodyObject(request.body)));
    if (collection === 'messages' && name === undefined) return this.only(m, 'POST', () => this.sendPeerMessage(appId, bodyObject(request.body)));
    if (collection === 'online' && name === undefined) return this.only(m, 'POST', () => this.onlineStatus(appId, bodyObject(request.body)));
    if (collection === 'channels' && name !== undefined) {
      const channel = checkedChannel(name);
      if (sub === undefined) return this.only(m, 'GET', () => this.channelInfo(appId, channel, request.query));
      if (sub === 'messages' && subName === undefined) return this.only(m, 'POST', () => this.sendChannelMessage(appId, channel, bodyObject(request.body)));
      if (sub === 'attributes' && subName === undefined) return this.only(m, 'DELETE', () => this.clearChannelAttrs(appId, channel));
      if (sub === 'attributes' && extra === undefined && subName !== undefined) {
        if (m === 'PUT') return this.setChannelAttr(appId, channel, subName, bodyObject(request.body));
        if (m === 'DELETE') return this.delChannelAttr(appId, channel, subName);
        throw this.wrongMethod(m, ['PUT', 'DELETE']);
      }
    }
    if (collection === 'users' && name !== undefined) {
      const account = checkedAccount(name, 'account');
      if (sub === 'attributes' && subName === undefined) return this.only(m, 'GET', () => this.userAttrs(appId, account));
      if (sub === 'attributes' && extra === undefined && subName !== undefined) {
        if (m === 'PUT') return this.setUserAttr(appId, account, subName, bodyObject(request.body));
        if (m === 'DELETE') return this.setUserAttr(appId, account, subName, { value: '' });
        throw this.wrongMethod(m, ['PUT', 'DELETE']);
      }
      if (sub === 'session' && subName === undefined) return this.only(m, 'DELETE', () => this.endSession(appId, account, bodyObject(request.body), request.address));
    }
    throw new AdminError(404, 'no such route');
  }

  private only(method: string, allowed: string, run: () => Promise<AdminAnswer>): Promise<AdminAnswer> {
    if (method !== allowed) throw this.wrongMethod(method, [allowed]);
    return run();
  }

  private wrongMethod(method: string, allowed: string[]): AdminError {
    return new AdminError(405, `${method} is not allowed here (allowed: ${allowed.join(', ')})`);
  }

  /** The App ID's latin1 key, when the server serves it. */
  private knownApp(appIdText: string): string {
    if (appIdText.length === 0) throw bad('empty App ID');
    const configured = this.server.config.apps.apps.some((a) => a.appId === appIdText);
    if (!configured && !this.server.config.apps.acceptAnyAppId) throw new AdminError(404, `unknown App ID ${appIdText}`, AGORA_E_CODE.LOGIN_E_TOKENWRONG);
    return key(appIdText);
  }

  /**
   * Configured App IDs and those with sessions in this process (or, in a cluster, on any node),
   * with their load here and, in a cluster, their sessions on every node.
   */
  private async listApps(): Promise<AdminAnswer> {
    const ids = new Map<string, { configured: boolean; certificate: boolean }>();
    for (const app of this.server.config.apps.apps) ids.set(key(app.appId), { configured: true, certificate: app.certificate !== undefined });
    for (const session of this.server.localSessions()) if (!ids.has(session.appId)) ids.set(session.appId, { configured: false, certificate: false });
    const everywhere = await this.clusterSessions();
    for (const appId of everywhere?.keys() ?? []) if (!ids.has(appId)) ids.set(appId, { configured: false, certificate: false });
    const apps = [...ids].map(([appId, facts]) => {
      const load = this.server.appStats(appId);
      const here = { appId: fromKey(appId), configured: facts.configured, certificate: facts.certificate, sessions: load.sessions, channels: load.channels, invitations: load.invitations };
      return everywhere === null ? here : { ...here, clusterSessions: everywhere.get(appId) ?? 0 };
    });
    return ok({ acceptAnyAppId: this.server.config.apps.acceptAnyAppId, apps });
  }

  /** Sessions per App ID on every node; null outside a cluster. Redis away: 503. */
  private async clusterSessions(): Promise<ReadonlyMap<string, number> | null> {
    if (this.options.sessionsPerApp === undefined) return null;
    try {
      return await this.options.sessionsPerApp();
    } catch (e) {
      throw new AdminError(503, `cannot count the cluster's sessions: ${(e as Error)?.message ?? String(e)}`, AGORA_E_CODE.GENERAL_E_UNKNOWN);
    }
  }

  private async mintToken(appIdText: string, body: Record<string, unknown>): Promise<AdminAnswer> {
    const certificate = this.server.config.apps.apps.find((a) => a.appId === appIdText)?.certificate;
    if (certificate === undefined) throw new AdminError(409, `App ID ${appIdText} has no certificate: its logins take any token`);
    const account = stringField(body, 'account', true) as string;
    checkedAccount(account, 'account');
    const validSeconds = integerField(body, 'validSeconds', 1, MAX_TOKEN_SECONDS);
    const expiredTs = integerField(body, 'expiredTs', 1, 999999999999999);
    if (validSeconds !== undefined && expiredTs !== undefined) throw bad('give validSeconds or expiredTs, not both');
    const expiry = expiredTs ?? Math.floor(Date.now() / 1000) + (validSeconds ?? 3600);
    return ok({ token: makeSignalingToken(appIdText, certificate, account, expiry), expiredTs: expiry });
  }

  /** MSG_INSTANT as the named sender: delivered now, held for an offline account (ttl > 0), or failed. */
  private async sendPeerMessage(appId: string, body: Record<string, unknown>): Promise<AdminAnswer> {
    const from = checkedAccount(stringField(body, 'from', true) as string, 'from');
    const to = checkedAccount(stringField(body, 'to', true) as string, 'to');
    const message = utf8(stringField(body, 'message', true) as string);
    if (message.length > MAX_MESSAGE_BYTES) throw bad(`message is ${message.length} bytes, at most ${MAX_MESSAGE_BYTES} allowed`, AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    const ttl = integerField(body, 'ttl', 0, this.server.messageLimits.maxTtlSeconds) ?? 0;
    const options = ttl > 0 ? utf8(JSON.stringify({ ttl })) : new Uint8Array(0);
    const sender = new SystemSender(appId, from);
    const reply = await handleMessageInstant(this.server, sender, [to, sender.uidBytes, message, options]);
    if (reply.code === AGORA_E_CODE.GENERAL_E_WRONG_PARAM || reply.code === AGORA_E_CODE.GENERAL_E_LARGE_PARAM) throw failedReply(reply);
    if (reply.code !== 0) return ok({ result: 'failed', code: reply.code, reason: reply.text });
    const serverMsgId = Number(utf8Decode(reply.values[0]));
    if (reply.values.length >= 3) return ok({ result: 'held', serverMsgId, ttl: Number(utf8Decode(reply.values[2])) });
    return ok({ result: 'delivered', serverMsgId });
  }

  /** MSG_CHANNEL_FORCE as the named sender: every member gets it, no membership needed. */
  private async sendChannelMessage(appId: string, channel: Uint8Array, body: Record<string, unknown>): Promise<AdminAnswer> {
    const from = checkedAccount(stringField(body, 'from', true) as string, 'from');
    const message = utf8(stringField(body, 'message', true) as string);
    const reply = await this.server.channels.sendMessage(new SystemSender(appId, from), channel, message, true);
    if (reply.code !== 0) throw failedReply(reply);
    return ok({ serverMsgId: Number(utf8Decode(reply.values[0])) });
  }

  private async onlineStatus(appId: string, body: Record<string, unknown>): Promise<AdminAnswer> {
    const accounts = body.accounts;
    if (!Array.isArray(accounts) || accounts.some((a) => typeof a !== 'string')) throw bad('field "accounts" must be a list of account names');
    if (accounts.length > MAX_STATUS_ACCOUNTS) throw bad(`at most ${MAX_STATUS_ACCOUNTS} accounts at once, got ${accounts.length}`, AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    for (const a of accounts as string[]) checkedAccount(a, `account ${JSON.stringify(a)}`);
    const answers = await Promise.all((accounts as string[]).map((a) => this.server.directory.isOnline(appId, key(a))));
    const online: Record<string, boolean> = Object.create(null);
    (accounts as string[]).forEach((a, i) => (online[a] = answers[i]));
    return ok({ online });
  }

  private async channelInfo(appId: string, channel: Uint8Array, query: URLSearchParams): Promise<AdminAnswer> {
    const raw = query.get('limit');
    let limit = DEFAULT_MEMBER_LIMIT;
    if (raw !== null) {
      if (!/^\d{1,6}$/.test(raw) || Number(raw) > MAX_MEMBER_LIMIT) throw bad(`limit must be an integer from 0 to ${MAX_MEMBER_LIMIT}, got ${JSON.stringify(raw)}`);
      limit = Number(raw);
    }
    const name = Buffer.from(channel).toString('latin1');
    const [recent, attrs] = await Promise.all([this.server.channels.recentMembers(appId, name, limit), this.server.channelStore.attrs(appId, name)]);
    return ok({
      channel: fromKey(name),
      count: recent.total,
      members: recent.members.map((m) => ({ account: Buffer.from(m.accountBytes).toString('utf8'), uid: m.uid })),
      attributes: attrObject(attrs),
    });
  }

  private async setChannelAttr(appId: string, channel: Uint8Array, nameText: string, body: Record<string, unknown>): Promise<AdminAnswer> {
    const value = utf8(stringField(body, 'value', true) as string);
    const attr = checkedAttrName(nameText, value);
    const reply = await this.server.channels.setAttr(new SystemSender(appId, utf8('')), channel, attr, value);
    if (reply.code !== 0) throw failedReply(reply);
    return ok();
  }

  private async delChannelAttr(appId: string, channel: Uint8Array, nameText: string): Promise<AdminAnswer> {
    const attr = checkedAttrName(nameText, null);
    const reply = await this.server.channels.delAttr(new SystemSender(appId, utf8('')), channel, attr);
    if (reply.code !== 0) throw failedReply(reply);
    return ok();
  }

  private async clearChannelAttrs(appId: string, channel: Uint8Array): Promise<AdminAnswer> {
    const reply = await this.server.channels.clearAttrs(new SystemSender(appId, utf8('')), channel);
    if (reply.code !== 0) throw failedReply(reply);
    return ok();
  }

  private async userAttrs(appId: string, account: Uint8Array): Promise<AdminAnswer> {
    const attrs = await this.server.userAttrs.getAll(appId, Buffer.from(account).toString('latin1'));
    return ok({ account: Buffer.from(account).toString('utf8'), attributes: attrObject(attrs) });
  }

  /** USER_SET_ATTR as the account itself; an empty value deletes the attribute. */
  private async setUserAttr(appId: string, account: Uint8Array, nameText: string, body: Record<string, unknown>): Promise<AdminAnswer> {
    const value = utf8(stringField(body, 'value', true) as string);
    const name = checkedAttrName(nameText, value);
    const reply = await setUserAttr(this.server, new SystemSender(appId, account), name, value);
    if (reply.code !== 0) throw failedReply(reply);
    return ok();
  }

  /** Ends the account's session with LOGGED_OUT(code): the SDK reports onLogout(code) and does not reconnect. */
  private async endSession(appId: string, account: Uint8Array, body: Record<string, unknown>, address: string): Promise<AdminAnswer> {
    const code = integerField(body, 'code', AGORA_E_CODE.LOGOUT_E_OTHER, AGORA_E_CODE.LOGOUT_E_ALREADY_LOGOUT) ?? AGORA_E_CODE.LOGOUT_E_KICKED;
    const reason = stringField(body, 'reason', false) ?? 'ended by the application';
    if (Buffer.byteLength(reason) > 256) throw bad('reason is over 256 bytes', AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    const accountKey = Buffer.from(account).toString('latin1');
    const fields = { appId: fromKey(appId), account: Buffer.from(account).toString('utf8'), address, code };
    for (const session of this.server.localSessions()) {
      if (session.appId === appId && session.account === accountKey && !session.ended) {
        session.end(code, reason);
        logEvent(this.server.logger, 'info', 'admin_end_session', fields, `admin ${address}: ended ${session.label} (${code})`);
        return ok({ ended: true });
      }
    }
    if (this.options.endRemoteSession !== undefined && (await this.options.endRemoteSession(appId, accountKey, code, reason))) {
      logEvent(this.server.logger, 'info', 'admin_end_session', fields, `admin ${address}: ended the session of ${fields.account} on another node (${code})`);
      return ok({ ended: true });
    }
    if (await this.server.directory.isOnline(appId, accountKey)) throw new AdminError(409, `the session of ${fields.account} lives on another node`);
    throw new AdminError(404, `${fields.account} is offline`);
  }
}
