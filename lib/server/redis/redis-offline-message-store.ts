/**
 * Held messages on Redis, with the behaviour of MemoryOfflineMessageStore (docs/cluster.md, "Held
 * messages"). Per account, under its hash tag: a list of message ids in sending order and a hash
 * id -> message. The bounds per App ID and for every App ID together are counted in one shared hash,
 * and the expiry deadlines in one shared sorted set; both live under one other hash tag, so the
 * counters and the deadlines change together. A message is counted (reserved) before it enters
 * its account and uncounted after it leaves, so the counters never undercount.
 *
 * Deliver-or-hold: the script that appends a message answers 'online' instead when the account's
 * directory entry exists at that moment; a login registers that entry before it takes the held
 * messages, so a message lands either before the take (and is taken) or meets the entry (and the
 * sender delivers it again).
 */
import type { Refusal } from '../state/channel-store';
import { accountHoldsMost, appHoldsMost, serverHoldsMost } from '../state/held-message-refusals';
import type { OfflineBounds } from '../state/memory-offline-message-store';
import type { HeldMessage, OfflineMessageListener, OfflineMessageStore } from '../state/offline-message-store';
import { DeadlinePoller, DeadlinePollerOptions, deadlineMember } from './deadline-poller';
import { accountKey, hex, sharedKey } from './keys';
import type { RedisClient } from './redis-connection';
import { RedisScript, text } from './redis-script';

export const HELD_USAGE_KEY = sharedKey('held', 'usage');
export const HELD_DEADLINES_KEY = sharedKey('held', 'deadlines');

/** KEYS: usage, deadlines. ARGV: app's message field, app's byte field, bytes, 4 bounds, member, due. */
const RESERVE = new RedisScript(`
local len = tonumber(ARGV[3])
local am = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local ab = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if am >= tonumber(ARGV[4]) or ab + len > tonumber(ARGV[5]) then return 'app' end
local tm = tonumber(redis.call('HGET', KEYS[1], 'm') or '0')
local tb = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
local maxTm, maxTb = tonumber(ARGV[6]), tonumber(ARGV[7])
if (maxTm > 0 and tm >= maxTm) or (maxTb > 0 and tb + len > maxTb) then return 'total' end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HINCRBY', KEYS[1], ARGV[2], len)
redis.call('HINCRBY', KEYS[1], 'm', 1)
redis.call('HINCRBY', KEYS[1], 'b', len)
redis.call('ZADD', KEYS[2], ARGV[9], ARGV[8])
return 'ok'
`);

/** KEYS: usage, deadlines. ARGV: app's message field, app's byte field, messages, bytes, members... */
const RELEASE = new RedisScript(`
local n, len = tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('HINCRBY', KEYS[1], ARGV[1], -n) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HINCRBY', KEYS[1], ARGV[2], -len)
end
redis.call('HINCRBY', KEYS[1], 'm', -n)
redis.call('HINCRBY', KEYS[1], 'b', -len)
for i = 5, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
return 'ok'
`);

/** KEYS: session, held. ARGV: per-account bound. Answers what a push would answer now. */
const CHECK = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'online' end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[1]) then return 'full' end
return 'ok'
`);

/** KEYS: session, held, messages. ARGV: per-account bound, id, encoded message. */
const PUSH = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'online' end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[1]) then return 'full' end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 'ok'
`);

/** KEYS: held, messages. Answers every encoded message, oldest first, and removes them. */
const TAKE_ALL = new RedisScript(`
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local m = redis.call('HGET', KEYS[2], id)
  if m then out[#out + 1] = m end
end
redis.call('DEL', KEYS[1], KEYS[2])
return out
`);

/** KEYS: held, messages. ARGV: id. Answers the encoded message and removes it, or nil. */
const TAKE_ONE = new RedisScript(`
local m = redis.call('HGET', KEYS[2], ARGV[1])
if not m then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('LREM', KEYS[1], 1, ARGV[1])
return m
`);

/** A held message as one Redis value: a JSON line of its fields, then the message bytes. */
function encode(message: HeldMessage): Buffer {
  const head = JSON.stringify({
    i: message.serverMsgId,
    a: hex(message.fromAccount),
    ab: Buffer.from(message.fromAccountBytes).toString('base64'),
    u: message.fromUid,
    s: message.fromSessionId,
    e: message.expiresAtMs,
  });
  return Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), Buffer.from(message.msg)]);
}

function decode(value: Buffer): HeldMessage {
  const newline = value.indexOf(0x0a);
  const head = JSON.parse(value.subarray(0, newline).toString('utf8')) as { i: number; a: string; ab: string; u: number; s: string; e: number };
  return {
    serverMsgId: head.i,
    fromAccount: Buffer.from(head.a, 'hex').toString('latin1'),
    fromAccountBytes: new Uint8Array(Buffer.from(head.ab, 'base64')),
    fromUid: head.u,
    fromSessionId: head.s,
    msg: new Uint8Array(value.subarray(newline + 1)),
    expiresAtMs: head.e,
  };
}

export interface RedisOfflineMessageStoreOptions {
  /** The expiry poller's timing (DeadlinePoller). */
  poller?: DeadlinePollerOptions;
  /** Told of Redis errors of the expiry poller (it keeps polling) and of releasing what was taken. */
  onError?: (e: unknown) => void;
  now?: () => number;
}

/** Held messages on Redis; each node's instance polls the shared deadlines and expires its share. */
export class RedisOfflineMessageStore implements OfflineMessageStore {
  private listener: OfflineMessageListener | null = null;
  private readonly poller: DeadlinePoller;
  private readonly now: () => number;
  private readonly onError: ((e: unknown) => void) | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly bounds: OfflineBounds,
    options: RedisOfflineMessageStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError;
    this.poller = new DeadlinePoller(client, HELD_DEADLINES_KEY, (rest) => this.expire(rest), {
      now: this.now,
      onError: options.onError,
      ...options.poller,
    });
  }

  setListener(listener: OfflineMessageListener): void {
    this.listener = listener;
  }

  async hold(appId: string, account: string, message: HeldMessage): Promise<Refusal | null | 'online'> {
    const { maxMessagesPerApp, maxBytesPerApp, maxMessagesPerAccount } = this.bounds;
    const maxMessagesTotal = this.bounds.maxMessagesTotal ?? 0;
    const maxBytesTotal = this.bounds.maxBytesTotal ?? 0;
    const appHex = hex(appId);
    const member = deadlineMember(message.expiresAtMs, `${appHex}:${hex(account)}:${message.serverMsgId}`);
    const accountKeys = [accountKey(appId, account, 'session'), accountKey(appId, account, 'held')];
    const len = message.msg.length;
    const release = (): Promise<unknown> => RELEASE.run(this.client, [HELD_USAGE_KEY, HELD_DEADLINES_KEY], [`m:${appHex}`, `b:${appHex}`, 1, len, member]);
    // The account's check and the shared reservation go out together: one round trip, and the
    // account's answer still comes first, as the memory store checks the account first.
    const [checked, reservation] = await Promise.allSettled([
      CHECK.run(this.client, accountKeys, [maxMessagesPerAccount]).then(text),
      RESERVE.run(this.client, [HELD_USAGE_KEY, HELD_DEADLINES_KEY], [
        `m:${appHex}`, `b:${appHex}`, len, maxMessagesPerApp, maxBytesPerApp, maxMessagesTotal, maxBytesTotal, member, message.expiresAtMs,
      ]).then(text),
    ]);
    if (checked.status === 'rejected') {
      if (reservation.status === 'fulfilled' && reservation.value === 'ok') await release().catch((e) => this.onError?.(e));
      throw checked.reason;
    }
    if (reservation.status === 'rejected') throw reservation.reason;
    const check = checked.value;
    const reserved = reservation.value;
    const refuse = async (why: string): Promise<Refusal | null | 'online'> => {
      if (reserved === 'ok') await release();
      if (why === 'online') return 'online';
      if (why === 'full') return accountHoldsMost(maxMessagesPerAccount);
      if (why === 'app') return appHoldsMost(maxMessagesPerApp, maxBytesPerApp);
      return serverHoldsMost(maxMessagesTotal, maxBytesTotal);
    };
    if (check !== 'ok') return refuse(check);
    if (reserved !== 'ok') return refuse(reserved);
    const pushed = text(await PUSH.run(this.client, [...accountKeys, accountKey(appId, account, 'heldmsgs')], [maxMessagesPerAccount, String(message.serverMsgId), encode(message)]));
    return pushed === 'ok' ? null : refuse(pushed);
  }

  async takeAll(appId: string, account: string): Promise<readonly HeldMessage[]> {
    const taken = ((await TAKE_ALL.run(this.client, [accountKey(appId, account, 'held'), accountKey(appId, account, 'heldmsgs')], [])) as Buffer[]).map(decode);
    if (taken.length === 0) return [];
    // They are out of Redis now: whatever happens next, the caller must get them.
    await this.release(appId, account, taken).catch((e) => this.onError?.(e));
    // The poller runs a little after each deadline; what is due already expires, as it would have.
    const now = this.now();
    const live = taken.filter((m) => m.expiresAtMs > now);
    for (const message of taken) if (message.expiresAtMs <= now) this.listener?.expired(appId, account, message);
    return live;
  }

  /** Stops this node's expiry poller; what is held stays in Redis. The connection is the caller's. */
  close(): void {
    this.poller.close();
  }

  private release(appId: string, account: string, messages: readonly HeldMessage[]): Promise<unknown> {
    const appHex = hex(appId);
    const bytes = messages.reduce((sum, m) => sum + m.msg.length, 0);
    const members = messages.map((m) => deadlineMember(m.expiresAtMs, `${appHex}:${hex(account)}:${m.serverMsgId}`));
    return RELEASE.run(this.client, [HELD_USAGE_KEY, HELD_DEADLINES_KEY], [`m:${appHex}`, `b:${appHex}`, messages.length, bytes, ...members]);
  }

  /** `rest`: `<app hex>:<account hex>:<id>`. Only the node whose script removes the message tells the listener. */
  private async expire(rest: string): Promise<'done' | 'retry'> {
    const [appHex, accountHex, id] = rest.split(':');
    const appId = Buffer.from(appHex, 'hex').toString('latin1');
    const account = Buffer.from(accountHex, 'hex').toString('latin1');
    const value = await TAKE_ONE.run(this.client, [accountKey(appId, account, 'held'), accountKey(appId, account, 'heldmsgs')], [id]);
    // Not there: taken by a login (whose release drops the deadline), or not appended yet.
    if (!Buffer.isBuffer(value)) return 'retry';
    const message = decode(value);
    await this.release(appId, account, [message]).catch((e) => this.onError?.(e));
    this.listener?.expired(appId, account, message);
    return 'done';
  }
}
