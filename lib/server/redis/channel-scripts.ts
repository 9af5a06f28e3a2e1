/**
 * The Lua scripts of RedisChannelStore: one script per operation on one channel, so that every
 * node sees the writes of a channel in one order (Redis runs a script alone). The keys of one
 * channel share its hash tag (keys.ts), so each script runs on one Redis Cluster shard.
 *
 * The scripts hold mechanics only (counters, windows, join order, key expiry). Every rule (what a
 * built-in attribute sets, the defaults, the bounds, the refusal texts) comes from
 * state/channel-policy.ts as arguments, and a refusal comes back as the number of the bound hit.
 *
 * KEYS of every channel script, in this order:
 *   m  sorted set: account -> join counter (members in join order)
 *   s  hash: account -> "<sessionId>:<uid>"
 *   a  hash: attribute name -> value
 *   o  sorted set: attribute name -> first-set counter (attributes in first-set order)
 *   i  hash: js (join counter), as (attribute counter), ab (attribute bytes), s:<setting>
 *      (channel-policy.ts ChannelSetting), msec/mcnt (message window), wsec (attribute-write
 *      window), ps (the broker's publish counter)
 *   w  hash: attribute name -> writes in the current second
 *   n  string with an expiry: this channel's next `_member_num` update is claimed by a node
 * ARGV[1] = '1' for a special channel, ARGV[2] = the default TTL in ms; the rest per script.
 */

const PRELUDE = `
local M, S, A, O, I, W, N = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local special = ARGV[1] == '1'
local defaultTtl = tonumber(ARGV[2])
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function setting(name, default)
  local v = redis.call('HGET', I, 's:' .. name)
  if v then return tonumber(v) end
  return default
end
local function applySetting(name, value)
  if name == '' then return end
  if value == '' then redis.call('HDEL', I, 's:' .. name) else redis.call('HSET', I, 's:' .. name, value) end
end
-- The node whose script gets the claim writes the next _member_num (after every ms); the claim
-- outlives that by 10 s so that a node that dies meanwhile blocks the updates no longer.
-- Appends (name, value of name in hash) for every name, one HMGET per 500 names rather than an
-- HGET each (unpack takes a few thousand values at most).
local function withValues(hash, names, out)
  for i = 1, #names, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #names) do chunk[#chunk + 1] = names[j] end
    local values = redis.call('HMGET', hash, unpack(chunk))
    for j = 1, #chunk do
      out[#out + 1] = chunk[j]
      out[#out + 1] = values[j]
    end
  end
end
local function claimMemberNum()
  local every = setting('autonum', 0)
  if every <= 0 then return 0 end
  if redis.call('SET', N, '1', 'NX', 'PX', every + 10000) then return every end
  return 0
end
local function gone()
  redis.call('DEL', M, S, A, O, I, W, N)
  return -1
end
-- After a write: -1 the channel is gone, 0 it lives on (members, or special), else the ms it has
-- left (attributes and no members). A countdown that runs goes on unless restart is asked.
local function settle(restart)
  if redis.call('ZCARD', M) > 0 then return 0 end
  if redis.call('HLEN', A) == 0 then return gone() end
  if special then return 0 end
  local left = redis.call('PTTL', I)
  if restart or left < 0 then left = setting('ttl', defaultTtl) end
  if left <= 0 then return gone() end
  for _, k in ipairs({M, S, A, O, I, W}) do redis.call('PEXPIRE', k, left) end
  return left
end
local function countAttrWrite(name)
  local limit = setting('attrw', 0)
  if limit <= 0 then return nil end
  local second = math.floor(nowMs() / 1000)
  if tonumber(redis.call('HGET', I, 'wsec') or '-1') ~= second then
    redis.call('DEL', W)
    redis.call('HSET', I, 'wsec', second)
  end
  local n = tonumber(redis.call('HGET', W, name) or '0')
  if n >= limit then return {4, limit} end
  redis.call('HINCRBY', W, name, 1)
  return nil
end
`;

/**
 * ARGV[3] account, [4] uid, [5] sessionId, [6] how many recent members to list.
 * Answers {joined, count, position, wasIdle, memberNumDueMs, replacedSessionId, k, k x (account,
 * entry), then (name, value) per attribute in order}.
 */
export const JOIN = `${PRELUDE}
local wasIdle = 0
if not special and redis.call('ZCARD', M) == 0 and redis.call('HLEN', A) > 0 then wasIdle = 1 end
for _, k in ipairs({M, S, A, O, I, W}) do redis.call('PERSIST', k) end
local entry = ARGV[5] .. ':' .. ARGV[4]
local current = redis.call('HGET', S, ARGV[3])
local joined, replaced, due = 0, '', 0
if current ~= entry then
  if current then replaced = string.sub(current, 1, string.find(current, ':', 1, true) - 1) end
  redis.call('ZADD', M, redis.call('HINCRBY', I, 'js', 1), ARGV[3])
  redis.call('HSET', S, ARGV[3], entry)
  joined = 1
  due = claimMemberNum()
end
local out = {joined, redis.call('ZCARD', M), redis.call('HGET', I, 'ps') or '0', wasIdle, due, replaced}
local recent = redis.call('ZRANGE', M, -tonumber(ARGV[6]), -1)
out[#out + 1] = #recent
withValues(S, recent, out)
withValues(A, redis.call('ZRANGE', O, 0, -1), out)
return out
`;

/** ARGV[3] account, [4] sessionId. Answers {0} (not a member) or {1, count, uid, settled, memberNumDueMs}. */
export const LEAVE = `${PRELUDE}
local current = redis.call('HGET', S, ARGV[3])
if not current then return {0} end
local sep = string.find(current, ':', 1, true)
if string.sub(current, 1, sep - 1) ~= ARGV[4] then return {0} end
redis.call('ZREM', M, ARGV[3])
redis.call('HDEL', S, ARGV[3])
local due = claimMemberNum()
local count = redis.call('ZCARD', M)
return {1, count, string.sub(current, sep + 1), settle(false), due}
`;

/** ARGV[3] limit (-1 = every member). Answers {count, k x (account, entry)}: the most recent k, oldest first. */
export const RECENT = `${PRELUDE}
local limit = tonumber(ARGV[3])
local out = {redis.call('ZCARD', M)}
if limit == 0 then return out end
local from = 0
if limit > 0 then from = -limit end
withValues(S, redis.call('ZRANGE', M, from, -1), out)
return out
`;

/** Answers (name, value) per attribute in first-set order. */
export const ATTRS = `${PRELUDE}
local out = {}
withValues(A, redis.call('ZRANGE', O, 0, -1), out)
return out
`;

/**
 * ARGV[3] name, [4] value, [5] max attributes, [6] max bytes, [7] '0' when the App ID has no room
 * for one more channel with attributes and no members, [8] setting or '', [9] its value or ''
 * (the default), [10] '1' restarts a running TTL, [11] '1' claims a `_member_num` update.
 * Answers {bound, n} refused, or {0, settled, memberNumDueMs}.
 */
export const SET_ATTR = `${PRELUDE}
local name, value = ARGV[3], ARGV[4]
local prev = redis.call('HGET', A, name)
local count = redis.call('HLEN', A)
local maxAttrs, maxBytes = tonumber(ARGV[5]), tonumber(ARGV[6])
if not prev and maxAttrs > 0 and count >= maxAttrs then return {1, 0} end
local bytes = tonumber(redis.call('HGET', I, 'ab') or '0') + #value
if prev then bytes = bytes - #prev else bytes = bytes + #name end
if maxBytes > 0 and bytes > maxBytes then return {2, bytes} end
if ARGV[7] == '0' and not special and count == 0 and redis.call('ZCARD', M) == 0 then return {3, 0} end
local limited = countAttrWrite(name)
if limited then return limited end
redis.call('HSET', A, name, value)
redis.call('HSET', I, 'ab', bytes)
if not prev then redis.call('ZADD', O, redis.call('HINCRBY', I, 'as', 1), name) end
applySetting(ARGV[8], ARGV[9])
local due = 0
if ARGV[11] == '1' then due = claimMemberNum() end
return {0, settle(ARGV[10] == '1'), due}
`;

/** ARGV[3] name, [4] setting or ''. Answers {bound, n} refused, or {0, settled}. */
export const DEL_ATTR = `${PRELUDE}
if redis.call('EXISTS', I) == 0 then return {0, -1} end
local limited = countAttrWrite(ARGV[3])
if limited then return limited end
local prev = redis.call('HGET', A, ARGV[3])
if prev then
  redis.call('HDEL', A, ARGV[3])
  redis.call('ZREM', O, ARGV[3])
  redis.call('HINCRBY', I, 'ab', -(#ARGV[3] + #prev))
  applySetting(ARGV[4], '')
end
return {0, settle(false)}
`;

/** ARGV[3..] every setting. Answers {settled}. */
export const CLEAR_ATTRS = `${PRELUDE}
if redis.call('EXISTS', I) == 0 then return {-1} end
redis.call('DEL', A, O)
redis.call('HSET', I, 'ab', 0)
for k = 3, #ARGV do redis.call('HDEL', I, 's:' .. ARGV[k]) end
return {settle(false)}
`;

/** ARGV[3] the default messages per second. Answers {0} admitted, or {bound, limit, custom}. */
export const ADMIT_MESSAGE = `${PRELUDE}
if redis.call('EXISTS', I) == 0 then return {0} end
local second = math.floor(nowMs() / 1000)
local now = redis.call('HMGET', I, 'msec', 'mcnt', 's:msg')
local custom = now[3]
local limit = tonumber(ARGV[3])
if custom then limit = tonumber(custom) end
local count = 0
if tonumber(now[1] or '-1') == second then count = tonumber(now[2]) end
if count >= limit then
  if custom then return {5, limit, 1} end
  return {5, limit, 0}
end
redis.call('HSET', I, 'msec', second, 'mcnt', count + 1)
return {0}
`;

/** ARGV[3] the attribute's name (`_member_num`). Answers {0} unchanged, or {1, value}. */
export const MEMBER_NUM = `${PRELUDE}
redis.call('DEL', N)
if redis.call('EXISTS', I) == 0 then return {0} end
local value = tostring(redis.call('ZCARD', M))
local name = ARGV[3]
local prev = redis.call('HGET', A, name)
if prev == value then return {0} end
redis.call('HSET', A, name, value)
if prev then
  redis.call('HINCRBY', I, 'ab', #value - #prev)
else
  redis.call('HINCRBY', I, 'ab', #value + #name)
  redis.call('ZADD', O, redis.call('HINCRBY', I, 'as', 1), name)
end
settle(false)
return {1, value}
`;

/** The channels of one session: ARGV[1] channel, ARGV[2] '1' add / '0' remove, ARGV[3] expiry ms. */
export const SESSION_CHANNELS = `
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
else
  redis.call('SREM', KEYS[1], ARGV[1])
end
return 1
`;
