/**
 * Invitations on Redis, with the behaviour of MemoryInviteStore (docs/cluster.md, "Invitations").
 *
 * An invitation's keys span its App ID, channel, caller and callee, its parties' sessions and the
 * account it waits for, so on a Redis Cluster they cannot share one slot. What decides is one key:
 * the invitation's hash (under a hash tag of its id). Every state change (ring, accept, remove,
 * expiry) is one script on that hash that checks the state it expects, so of two nodes racing for
 * one invitation (an accept and its timeout) exactly one changes it. The other keys are indexes
 * kept after the deciding step and read with a check against the hash:
 * - the slot key of (App ID, channel, caller, callee) holds the live invitation's id; `SET NX`
 *   makes the 701 check atomic. The hash is written before its slot key, so a slot key naming a
 *   missing hash is a leftover of a removal and is replaced;
 * - the sets of ids per session and per waited-for account may name an invitation that changed or
 *   ended a moment ago: answers keep only what the hash confirms;
 * - both deadlines of each invitation are members of one sorted set polled by every node
 *   (DeadlinePoller); the expiry itself is the script on the hash.
 * `count` and `countOf` come from a counter hash changed by whoever added or ended an invitation;
 * this node's figures are exact after its own changes and refreshed every second from Redis.
 */
import type { Invitation, InviteExpiry, InviteHolder, InviteState, InviteStore, InviteStoreListener } from '../state/invite-store';
import { DeadlinePoller, DeadlinePollerOptions, deadlineMember } from './deadline-poller';
import { accountKey, hex, invitationKey, invitationSlotKey, sessionKey, sharedKey } from './keys';
import type { RedisClient } from './redis-connection';
import { RedisScript, text } from './redis-script';

export const INVITE_DEADLINES_KEY = sharedKey('invites', 'deadlines');
export const INVITE_SEQ_KEY = sharedKey('invites', 'seq');
export const INVITE_COUNTS_KEY = sharedKey('invites', 'counts');

/** How long past its answer deadline an unaccepted invitation's hash outlives it in Redis. */
const ORPHAN_GRACE_MS = 60_000;

const FIELDS = `
local function fields(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return false end
  return flat
end`;

/** KEYS: invitation. ARGV: holder session, holder uid. waiting -> ringing. */
const RING = new RedisScript(`${FIELDS}
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return false end
redis.call('HSET', KEYS[1], 'state', 'ringing', 'hsid', ARGV[1], 'huid', ARGV[2])
return fields(KEYS[1])
`);

/** KEYS: invitation. ringing -> accepted. */
const ACCEPT = new RedisScript(`${FIELDS}
if redis.call('HGET', KEYS[1], 'state') ~= 'ringing' then return false end
redis.call('HSET', KEYS[1], 'state', 'accepted')
redis.call('PERSIST', KEYS[1])
return fields(KEYS[1])
`);

/** KEYS: invitation. Removes it and answers its fields, or nil. */
const REMOVE = new RedisScript(`${FIELDS}
local flat = fields(KEYS[1])
if flat then redis.call('DEL', KEYS[1]) end
return flat
`);

/**
 * KEYS: invitation. ARGV: offline | timeout. Removes it when that deadline still applies (offline:
 * still waiting; timeout: not accepted) and answers its fields; answers nil otherwise.
 */
const EXPIRE = new RedisScript(`${FIELDS}
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return false end
if ARGV[1] == 'offline' and state ~= 'waiting' then return false end
if ARGV[1] == 'timeout' and state == 'accepted' then return false end
local flat = fields(KEYS[1])
redis.call('DEL', KEYS[1])
return flat
`);

/** KEYS: slot. ARGV: id. Deletes the slot key only while it names this invitation. */
const FREE_SLOT = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
`);

/** KEYS: deadlines, counts. ARGV: app hex, +1 | -1, members to add (score, member)... or to remove. */
const INDEX = new RedisScript(`
local delta = tonumber(ARGV[2])
if delta > 0 then
  for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
else
  for i = 3, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
end
local total = redis.call('HINCRBY', KEYS[2], 'total', delta)
local app = redis.call('HINCRBY', KEYS[2], ARGV[1], delta)
if app <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
return {total, app}
`);

interface Body {
  id: string;
  app: string;
  ch: string;
  ca: string;
  cab: string;
  cu: number;
  cs: string;
  ce: string;
  ph: boolean;
  t: string;
  x: string;
  dx: string;
  ad: number;
  od: number;
}

function encodeBody(i: Invitation): string {
  const body: Body = {
    id: i.id,
    app: hex(i.appId),
    ch: hex(i.channel),
    ca: hex(i.caller.account),
    cab: Buffer.from(i.caller.accountBytes).toString('base64'),
    cu: i.caller.uid,
    cs: i.caller.sessionId,
    ce: hex(i.callee),
    ph: i.phone,
    t: hex(i.target),
    x: Buffer.from(i.extra).toString('base64'),
    dx: Buffer.from(i.deliveredExtra).toString('base64'),
    ad: i.answerDeadlineMs,
    od: i.offlineDeadlineMs,
  };
  return JSON.stringify(body);
}

const unhex = (h: string): string => Buffer.from(h, 'hex').toString('latin1');
const unbase64 = (b: string): Uint8Array => new Uint8Array(Buffer.from(b, 'base64'));

interface Stored {
  readonly invitation: Invitation;
  readonly seq: number;
}

/** An HGETALL reply (flat name, value, ...) as the invitation it holds. */
function decode(flat: unknown): Stored | null {
  if (!Array.isArray(flat) || flat.length === 0) return null;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(text(flat[i]), Buffer.isBuffer(flat[i + 1]) ? (flat[i + 1] as Buffer).toString('utf8') : String(flat[i + 1]));
  const b = JSON.parse(map.get('body')!) as Body;
  const hsid = map.get('hsid');
  const invitation: Invitation = {
    id: b.id,
    appId: unhex(b.app),
    channel: unhex(b.ch),
    caller: { account: unhex(b.ca), accountBytes: unbase64(b.cab), uid: b.cu, sessionId: b.cs },
    callee: unhex(b.ce),
    phone: b.ph,
    target: unhex(b.t),
    extra: unbase64(b.x),
    deliveredExtra: unbase64(b.dx),
    state: map.get('state') as InviteState,
    holder: hsid === undefined ? null : { sessionId: hsid, uid: Number(map.get('huid')) },
    answerDeadlineMs: b.ad,
    offlineDeadlineMs: b.od,
  };
  return { invitation, seq: Number(map.get('seq')) };
}

function answerMember(i: Invitation): string {
  return deadlineMember(i.answerDeadlineMs, `timeout:${i.id}`);
}

function offlineMember(i: Invitation): string {
  return deadlineMember(i.offlineDeadlineMs, `offline:${i.id}`);
}

export interface RedisInviteStoreOptions {
  /** The expiry poller's timing (DeadlinePoller). */
  poller?: DeadlinePollerOptions;
  /** Between two refreshes of count and countOf from Redis (default 1000 ms). */
  countRefreshMs?: number;
  /** Told of Redis errors of the background work (expiry, count refresh, index upkeep). */
  onError?: (e: unknown) => void;
}

export class RedisInviteStore implements InviteStore {
  private listener: InviteStoreListener | null = null;
  private readonly poller: DeadlinePoller;
  private readonly refresh: NodeJS.Timeout;
  private total = 0;
  private readonly perApp = new Map<string, number>();

  constructor(private readonly client: RedisClient, private readonly options: RedisInviteStoreOptions = {}) {
    this.poller = new DeadlinePoller(client, INVITE_DEADLINES_KEY, (rest) => this.expire(rest), { onError: options.onError, ...options.poller });
    this.refresh = setInterval(() => this.refreshCounts().catch((e) => this.options.onError?.(e)), options.countRefreshMs ?? 1000);
    this.refresh.unref?.();
    this.refreshCounts().catch((e) => this.options.onError?.(e));
  }

  get count(): number {
    return this.total;
  }

  countOf(appId: string): number {
    return this.perApp.get(appId) ?? 0;
  }

  setListener(listener: InviteStoreListener): void {
    this.listener = listener;
  }

  async add(invitation: Invitation): Promise<Invitation | null> {
    const { appId, channel, caller, callee, id } = invitation;
    const slot = invitationSlotKey(appId, channel, caller.account, callee);
    const hash = invitationKey(id);
    const seq = await this.client.incr(INVITE_SEQ_KEY);
    // Until accepted, an invitation ends by its answer deadline at the latest; the key expiry
    // only clears what a node that died in the middle of this add leaves behind.
    await this.client.multi().hset(hash, 'body', encodeBody(invitation), 'state', 'waiting', 'seq', String(seq)).pexpireat(hash, invitation.answerDeadlineMs + ORPHAN_GRACE_MS).exec();
    for (;;) {
      const existing = await this.client.call('SET', slot, id, 'NX', 'GET');
      if (existing === null) break;
      const live = decode(await this.client.hgetallBuffer(invitationKey(text(existing))).then(flatten));
      if (live !== null) {
        await this.client.del(hash);
        return live.invitation;
      }
      // A removal's leftover: its hash is gone and its slot key not yet.
      await FREE_SLOT.run(this.client, [slot], [text(existing)]);
    }
    const [counts] = await Promise.all([
      INDEX.run(this.client, [INVITE_DEADLINES_KEY, INVITE_COUNTS_KEY], [
        hex(appId), 1, invitation.answerDeadlineMs, answerMember(invitation), invitation.offlineDeadlineMs, offlineMember(invitation),
      ]),
      this.client.sadd(sessionKey(caller.sessionId, 'invites'), id),
      this.client.sadd(accountKey(appId, invitation.target, 'waiting'), id),
    ]);
    this.noteCounts(appId, counts);
    return null;
  }

  async find(appId: string, channel: string, caller: string, callee: string): Promise<Invitation | null> {
    const id = await this.client.get(invitationSlotKey(appId, channel, caller, callee));
    if (id === null) return null;
    return (await this.load(id))?.invitation ?? null;
  }

  async ofSession(sessionId: string): Promise<readonly Invitation[]> {
    const setKey = sessionKey(sessionId, 'invites');
    return this.list(setKey, (i) => i.caller.sessionId === sessionId || i.holder?.sessionId === sessionId);
  }

  async waitingFor(appId: string, account: string): Promise<readonly Invitation[]> {
    const setKey = accountKey(appId, account, 'waiting');
    return this.list(setKey, (i) => i.state === 'waiting' && i.appId === appId && i.target === account);
  }

  async ring(id: string, holder: InviteHolder): Promise<Invitation | null> {
    // Indexed under the holder's session first: when that session ends it must find the
    // invitation, and an entry for a ring that did not happen is filtered out by ofSession.
    const holderSet = sessionKey(holder.sessionId, 'invites');
    await this.client.sadd(holderSet, id);
    const rung = decode(await RING.run(this.client, [invitationKey(id)], [holder.sessionId, holder.uid]));
    if (rung === null) {
      await this.bestEffort(this.client.srem(holderSet, id));
      return null;
    }
    const i = rung.invitation;
    // Readers check the state, so these only tidy up: their failure changes no answer.
    await this.bestEffort(this.client.srem(accountKey(i.appId, i.target, 'waiting'), id), this.client.zrem(INVITE_DEADLINES_KEY, offlineMember(i)));
    return i;
  }

  async accept(id: string): Promise<Invitation | null> {
    const accepted = decode(await ACCEPT.run(this.client, [invitationKey(id)], []));
    if (accepted === null) return null;
    await this.bestEffort(this.client.zrem(INVITE_DEADLINES_KEY, answerMember(accepted.invitation)));
    return accepted.invitation;
  }

  async remove(id: string): Promise<Invitation | null> {
    const removed = decode(await REMOVE.run(this.client, [invitationKey(id)], []));
    if (removed === null) return null;
    await this.bestEffort(this.unindex(removed.invitation));
    return removed.invitation;
  }

  /** Stops this node's expiry poller and count refresh; invitations stay in Redis. The connection is the caller's. */
  close(): void {
    this.poller.close();
    clearInterval(this.refresh);
  }

  private async load(id: string): Promise<Stored | null> {
    return decode(flatten(await this.client.hgetallBuffer(invitationKey(id))));
  }

  private async list(setKey: string, belongs: (i: Invitation) => boolean): Promise<Invitation[]> {
    const ids = await this.client.smembers(setKey);
    const loaded = await Promise.all(ids.map(async (id) => ({ id, stored: await this.load(id) })));
    const gone = loaded.filter((l) => l.stored === null).map((l) => l.id);
    // Ids of ended invitations whose index entries a node did not get to remove.
    if (gone.length > 0) await this.client.srem(setKey, ...gone);
    return loaded
      .map((l) => l.stored)
      .filter((s): s is Stored => s !== null && belongs(s.invitation))
      .sort((a, b) => a.seq - b.seq)
      .map((s) => s.invitation);
  }

  /** The index entries of an invitation that just ended (by whoever's script removed its hash). */
  private async unindex(i: Invitation): Promise<void> {
    const work: Promise<unknown>[] = [
      FREE_SLOT.run(this.client, [invitationSlotKey(i.appId, i.channel, i.caller.account, i.callee)], [i.id]),
      this.client.srem(sessionKey(i.caller.sessionId, 'invites'), i.id),
      this.client.srem(accountKey(i.appId, i.target, 'waiting'), i.id),
      INDEX.run(this.client, [INVITE_DEADLINES_KEY, INVITE_COUNTS_KEY], [hex(i.appId), -1, answerMember(i), offlineMember(i)]).then((c) => this.noteCounts(i.appId, c)),
    ];
    if (i.holder !== null) work.push(this.client.srem(sessionKey(i.holder.sessionId, 'invites'), i.id));
    await Promise.all(work);
  }

  /** `rest`: `<offline|timeout>:<id>`. */
  private async expire(rest: string): Promise<'done'> {
    const colon = rest.indexOf(':');
    const why = rest.slice(0, colon) as InviteExpiry;
    const ended = decode(await EXPIRE.run(this.client, [invitationKey(rest.slice(colon + 1))], [why]));
    // Nothing to do: gone already, or that deadline no longer applies (rung, accepted).
    if (ended === null) return 'done';
    await this.bestEffort(this.unindex(ended.invitation));
    this.listener?.expired(ended.invitation, why);
    return 'done';
  }

  /** Index upkeep after the deciding script: a failure is reported, and the caller still gets what that script decided. */
  private async bestEffort(...work: Promise<unknown>[]): Promise<void> {
    const outcomes = await Promise.allSettled(work);
    for (const o of outcomes) if (o.status === 'rejected') this.options.onError?.(o.reason);
  }

  private noteCounts(appId: string, reply: unknown): void {
    const [total, app] = reply as number[];
    this.total = Math.max(0, Number(total));
    if (Number(app) > 0) this.perApp.set(appId, Number(app));
    else this.perApp.delete(appId);
  }

  private async refreshCounts(): Promise<void> {
    const all = await this.client.hgetall(INVITE_COUNTS_KEY);
    this.total = Math.max(0, Number(all.total ?? 0));
    this.perApp.clear();
    for (const [field, n] of Object.entries(all)) if (field !== 'total' && Number(n) > 0) this.perApp.set(unhex(field), Number(n));
  }
}

/** hgetallBuffer answers an object; the decoder takes HGETALL's flat form (as scripts answer it). */
function flatten(record: Record<string, Buffer>): unknown[] {
  const flat: unknown[] = [];
  for (const [name, value] of Object.entries(record)) flat.push(Buffer.from(name, 'latin1'), value);
  return flat;
}
