/**
 * User attributes on Redis, with the behaviour of MemoryUserAttrStore (docs/cluster.md, "User
 * attributes"). Per account, under its hash tag: a hash name -> value, a sorted set of the names
 * scored by when each was first set (the order getAll answers), and a hash of the account's byte
 * count and its next order number; one script checks the per-account bounds and writes all three.
 *
 * The bound over every account (maxBytesTotal) is a counter of its own that no account script can
 * share a slot with on a Redis Cluster. A write that grows an account first reserves its growth on
 * the counter (refused there when the total would pass the bound), then applies it on the account
 * only if the growth is still what was reserved, and gives back what it did not use; a delete
 * gives its bytes back after it. The counter therefore never undercounts, so the bound holds
 * across nodes; a node that dies between the two steps leaves it over by that write's bytes.
 */
import type { Refusal } from '../state/channel-store';
import type { UserAttrBounds } from '../state/memory-user-attr-store';
import { accountUserAttrsTooBig, tooManyUserAttrs, userAttrsTotalReached } from '../state/user-attr-refusals';
import type { UserAttr, UserAttrStore } from '../state/user-attr-store';
import { accountKey, sharedKey } from './keys';
import type { RedisClient } from './redis-connection';
import { RedisScript, bytes, text } from './redis-script';

/** Bytes of the names and values of every account. */
export const USER_ATTR_TOTAL_KEY = sharedKey('userattrs', 'bytes');

/**
 * KEYS: attrs, order, meta. ARGV: name, value, max attributes, max account bytes, bytes reserved
 * on the total (-1: no total bound). Answers {'count'}, {'bytes', account bytes it would make},
 * {'reserve', growth} (more than reserved: nothing written) or {'ok', growth}.
 */
const SET = new RedisScript(`
local name, value = ARGV[1], ARGV[2]
local maxAttrs, maxBytes, reserved = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local previous = redis.call('HGET', KEYS[1], name)
local growth
if previous then
  growth = #value - #previous
else
  if redis.call('HLEN', KEYS[1]) >= maxAttrs then return {'count'} end
  growth = #name + #value
end
local accountBytes = tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0') + growth
if maxBytes > 0 and growth > 0 and accountBytes > maxBytes then return {'bytes', accountBytes} end
if reserved >= 0 and growth > reserved then return {'reserve', growth} end
redis.call('HSET', KEYS[1], name, value)
if not previous then redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[3], 'seq', 1), name) end
redis.call('HINCRBY', KEYS[3], 'bytes', growth)
return {'ok', growth}
`);

/** KEYS: attrs, order, meta. ARGV: name. Answers the bytes freed (0: it was not set). */
const DELETE = new RedisScript(`
local previous = redis.call('HGET', KEYS[1], ARGV[1])
if not previous then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local freed = #ARGV[1] + #previous
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
else
  redis.call('HINCRBY', KEYS[3], 'bytes', -freed)
end
return freed
`);

/** KEYS: attrs, order. Answers name, value, name, value, ... in first-set order. */
const GET_ALL = new RedisScript(`
local names = redis.call('ZRANGE', KEYS[2], 0, -1)
local out = {}
for _, name in ipairs(names) do
  local value = redis.call('HGET', KEYS[1], name)
  if value then out[#out + 1] = name; out[#out + 1] = value end
end
return out
`);

/** KEYS: total. ARGV: bytes, bound. Adds them unless the total would pass the bound (answers 0). */
const RESERVE = new RedisScript(`
local total = tonumber(redis.call('GET', KEYS[1]) or '0')
if total + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
return 1
`);

/** Another writer changing the same attribute between reserving and applying makes us reserve again; this many times at most. */
const MAX_RESERVE_ROUNDS = 8;

export class RedisUserAttrStore implements UserAttrStore {
  constructor(private readonly client: RedisClient, private readonly bounds: UserAttrBounds) {}

  async set(appId: string, account: string, name: string, value: Uint8Array): Promise<Refusal | null> {
    const keys = this.keys(appId, account);
    const nameBytes = Buffer.from(name, 'latin1');
    if (value.length === 0) {
      const freed = Number(await DELETE.run(this.client, keys, [nameBytes]));
      if (freed > 0) await this.client.decrby(USER_ATTR_TOTAL_KEY, freed);
      return null;
    }
    const { maxAttrsPerAccount, maxBytesPerAccount, maxBytesTotal } = this.bounds;
    const valueBytes = Buffer.from(value);
    let reserved = maxBytesTotal > 0 ? 0 : -1;
    for (let round = 0; ; round++) {
      const reply = (await SET.run(this.client, keys, [nameBytes, valueBytes, maxAttrsPerAccount, maxBytesPerAccount, reserved])) as unknown[];
      const outcome = text(reply[0]);
      const figure = Number(reply[1] ?? 0);
      if (outcome === 'ok') {
        // Without a total bound nothing was reserved: the counter follows the change itself.
        const unused = reserved < 0 ? -figure : reserved - figure;
        if (unused !== 0) await this.client.decrby(USER_ATTR_TOTAL_KEY, unused);
        return null;
      }
      if (reserved > 0) await this.client.decrby(USER_ATTR_TOTAL_KEY, reserved);
      if (outcome === 'count') return tooManyUserAttrs(maxAttrsPerAccount);
      if (outcome === 'bytes') return accountUserAttrsTooBig(figure, maxBytesPerAccount);
      if (round >= MAX_RESERVE_ROUNDS) throw new Error(`user attribute ${JSON.stringify(name)}: the account kept changing while its bytes were reserved`);
      reserved = 0;
      if (Number(await RESERVE.run(this.client, [USER_ATTR_TOTAL_KEY], [figure, maxBytesTotal])) === 0) return userAttrsTotalReached(maxBytesTotal);
      reserved = figure;
    }
  }

  async get(appId: string, account: string, name: string): Promise<Uint8Array | undefined> {
    const value = await this.client.hgetBuffer(accountKey(appId, account, 'attrs'), Buffer.from(name, 'latin1'));
    return value === null ? undefined : new Uint8Array(value);
  }

  async getAll(appId: string, account: string): Promise<readonly UserAttr[]> {
    const flat = (await GET_ALL.run(this.client, this.keys(appId, account).slice(0, 2), [])) as unknown[];
    const out: UserAttr[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([text(flat[i]), bytes(flat[i + 1])]);
    return out;
  }

  private keys(appId: string, account: string): string[] {
    return [accountKey(appId, account, 'attrs'), accountKey(appId, account, 'attrorder'), accountKey(appId, account, 'attrmeta')];
  }
}
