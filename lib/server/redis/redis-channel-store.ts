/**
 * Channels in Redis (a single server or a Redis Cluster), shared by every node: the same behaviour
 * as MemoryChannelStore, each operation on a channel one Lua script (channel-scripts.ts) over the
 * keys of that channel's hash tag. Rules, defaults and refusal texts come from channel-policy.ts.
 *
 * What lives outside the channel's hash tag, each one more command beside the channel's script:
 * - the per-user rate windows (channel messages, peer-to-peer messages), one key per user under
 *   the account's hash tag; a message the channel refuses is taken back from its sender's window;
 * - the channels of each session (channelsOf), a set under the account's hash tag;
 * - the App ID's channels with attributes and no members (maxIdleAttrChannelsPerApp), a sorted
 *   set under the App ID's own tag, scored by when each one's TTL runs out. Checked before a write
 *   and updated after it, so concurrent writes on several nodes may pass the bound by a few.
 *
 * `_member_num`: the node whose join, leave or `_auto_update_num` write claims the channel's next
 * update (a key with an expiry, set in the same script) writes it when it is due and tells its
 * listener; the service publishes the event to every node. One node writes each update.
 */
import { UserMessageRates } from '../state/user-message-rates';
import { BuiltinAttr, isSpecialChannel, USER_LIST_LIMIT } from '../state/channel-rules';
import { Scheduler, ScheduledTask } from '../state/scheduler';
import { ALL_SETTINGS, Bound, ChannelAttrBounds, ChannelRates, ChannelSetting, defaultSetting, NO_ATTR_BOUNDS, refusalOf, settingOf } from '../state/channel-policy';
import type { ChannelAttr, ChannelMember, ChannelStore, ChannelStoreListener, JoinOutcome, LeaveOutcome, RecentMembers, Refusal } from '../state/channel-store';
import { accountKey, channelKey, hex, KEY_PREFIX } from './keys';
import { redisCall, RedisClient } from './redis-connection';
import * as scripts from './channel-scripts';

/** The per-channel keys, in the order the scripts take them (channel-scripts.ts). */
const CHANNEL_KEYS = ['m', 's', 'a', 'o', 'i', 'w', 'n'] as const;

/** A session's set of channels outlives a node that dies without cleaning up for this long. */
const SESSION_CHANNELS_TTL_MS = 7 * 24 * 3600 * 1000;

/** The key of an App ID's channels with attributes and no members (its own hash tag). */
export function idleChannelsKey(appId: string): string {
  return `${KEY_PREFIX}{i${hex(appId)}}:idle-channels`;
}

type Reply = (Buffer | number | null | Reply)[];
type ScriptFn = (...args: (string | Buffer | number)[]) => Promise<unknown>;

const SCRIPTS = {
  sigChJoin: scripts.JOIN,
  sigChLeave: scripts.LEAVE,
  sigChRecent: scripts.RECENT,
  sigChAttrs: scripts.ATTRS,
  sigChSetAttr: scripts.SET_ATTR,
  sigChDelAttr: scripts.DEL_ATTR,
  sigChClearAttrs: scripts.CLEAR_ATTRS,
  sigChAdmit: scripts.ADMIT_MESSAGE,
  sigChMemberNum: scripts.MEMBER_NUM,
} as const;

function latin1(buffer: Buffer | null | undefined): string {
  return buffer === null || buffer === undefined ? '' : buffer.toString('latin1');
}

function key(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(latin1(value as Buffer));
}

/** A member as the scripts store it: account, and "<sessionId>:<uid>". */
function memberOf(account: Buffer, entry: Buffer | null): ChannelMember {
  const text = latin1(entry);
  const sep = text.indexOf(':');
  const uid = Number(text.slice(sep + 1));
  return {
    account: account.toString('latin1'),
    accountBytes: new Uint8Array(account),
    uid,
    uidBytes: new Uint8Array(Buffer.from(String(uid), 'latin1')),
    sessionId: text.slice(0, sep),
  };
}

function membersFrom(reply: Reply, from: number, pairs: number): ChannelMember[] {
  const list: ChannelMember[] = [];
  for (let i = 0; i < pairs; i++) list.push(memberOf(reply[from + 2 * i] as Buffer, reply[from + 2 * i + 1] as Buffer | null));
  return list;
}

function attrsFrom(reply: Reply, from: number): ChannelAttr[] {
  const list: ChannelAttr[] = [];
  for (let i = from; i + 1 < reply.length; i += 2) list.push([latin1(reply[i] as Buffer), new Uint8Array(reply[i + 1] as Buffer)]);
  return list;
}

export interface RedisChannelStoreOptions {
  /** The server's rates and default TTL (config keys of the same names). */
  rates: ChannelRates;
  bounds?: ChannelAttrBounds;
  /** Runs the `_member_num` updates this node claimed; by default one of the store's own, stopped by close(). */
  scheduler?: Scheduler;
  /** close() also closes the connection. */
  ownsConnection?: boolean;
}

export class RedisChannelStore implements ChannelStore {
  private listener: ChannelStoreListener | null = null;
  private readonly rates: ChannelRates;
  private readonly bounds: ChannelAttrBounds;
  private readonly scheduler: Scheduler;
  private readonly memberNumTasks = new Set<ScheduledTask>();
  /** Local members per channel per App ID: what channelCount approximates with. */
  private readonly localChannels = new Map<string, Map<string, number>>();
  private closed = false;
  private readonly userMessages = new UserMessageRates();
  private readonly peerMessages = new UserMessageRates();

  constructor(private readonly redis: RedisClient, private readonly options: RedisChannelStoreOptions) {
    this.rates = options.rates;
    this.bounds = options.bounds ?? NO_ATTR_BOUNDS;
    this.scheduler = options.scheduler ?? new Scheduler();
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, { numberOfKeys: CHANNEL_KEYS.length, lua });
    }
    if (typeof (redis as unknown as Record<string, unknown>).sigSessionChannels !== 'function') {
      redis.defineCommand('sigSessionChannels', { numberOfKeys: 1, lua: scripts.SESSION_CHANNELS });
    }
  }

  /** Channels this node has members in (each node counts its own). */
  get channelCount(): number {
    let n = 0;
    for (const channels of this.localChannels.values()) n += channels.size;
    return n;
  }

  /** Channels of the App ID this node has members in. */
  channelCountOf(appId: string): number {
    return this.localChannels.get(appId)?.size ?? 0;
  }

  setListener(listener: ChannelStoreListener): void {
    this.listener = listener;
  }

  async join(appId: string, channel: string, member: ChannelMember): Promise<JoinOutcome> {
    // Noted first: a node dying between the two leaves a set entry whose leave answers null,
    // never a membership nobody can find.
    await this.sessionChannels(appId, member.account, member.sessionId, channel, true);
    const reply = (await this.run('sigChJoin', appId, channel, key(member.account), String(member.uid), member.sessionId, String(USER_LIST_LIMIT))) as Reply;
    const joined = reply[0] === 1;
    const count = reply[1] as number;
    const position = num(reply[2]);
    const replaced = latin1(reply[5] as Buffer);
    const k = reply[6] as number;
    const recent = membersFrom(reply, 7, k);
    const attrs = attrsFrom(reply, 7 + 2 * k);
    if (joined) this.countLocal(appId, channel, 1);
    if (reply[3] === 1 && this.bounds.maxIdleAttrChannelsPerApp > 0) await this.redis.zrem(idleChannelsKey(appId), key(channel));
    if (replaced !== '') await this.sessionChannels(appId, member.account, replaced, channel, false);
    this.scheduleMemberNum(appId, channel, reply[4] as number);
    return { joined, count, recent, attrs, position };
  }

  async leave(appId: string, channel: string, account: string, sessionId: string): Promise<LeaveOutcome | null> {
    const reply = (await this.run('sigChLeave', appId, channel, key(account), sessionId)) as Reply;
    await this.sessionChannels(appId, account, sessionId, channel, false);
    if (reply[0] !== 1) return null;
    this.countLocal(appId, channel, -1);
    const uid = num(reply[2]);
    await this.noteIdle(appId, channel, reply[3] as number);
    this.scheduleMemberNum(appId, channel, reply[4] as number);
    const left: ChannelMember = {
      account,
      accountBytes: new Uint8Array(key(account)),
      uid,
      uidBytes: new Uint8Array(Buffer.from(String(uid), 'latin1')),
      sessionId,
    };
    return { left, count: reply[1] as number };
  }

  async channelsOf(appId: string, account: string, sessionId: string): Promise<readonly string[]> {
    const names = await this.redis.smembersBuffer(accountKey(appId, account, `channels:${sessionId}`));
    return names.map((b) => b.toString('latin1'));
  }

  /** Every member in join order: a copy read from Redis (fan-outs go through the broker instead). */
  async members(appId: string, channel: string): Promise<Iterable<ChannelMember>> {
    const reply = (await this.run('sigChRecent', appId, channel, '-1')) as Reply;
    return membersFrom(reply, 1, (reply.length - 1) / 2);
  }

  async recentMembers(appId: string, channel: string, limit: number): Promise<RecentMembers> {
    if (limit <= 0) return { total: await this.count(appId, channel), members: [] };
    const reply = (await this.run('sigChRecent', appId, channel, String(limit))) as Reply;
    return { total: reply[0] as number, members: membersFrom(reply, 1, (reply.length - 1) / 2) };
  }

  count(appId: string, channel: string): Promise<number> {
    return this.redis.zcard(channelKey(appId, channel, 'm'));
  }

  async isMember(appId: string, channel: string, account: string): Promise<boolean> {
    return (await this.redis.hexists(channelKey(appId, channel, 's'), key(account))) === 1;
  }

  async attrs(appId: string, channel: string): Promise<readonly ChannelAttr[]> {
    return attrsFrom((await this.run('sigChAttrs', appId, channel)) as Reply, 0);
  }

  async setAttr(appId: string, channel: string, name: string, value: Uint8Array): Promise<Refusal | null> {
    const { maxAttrsPerChannel, maxAttrBytesPerChannel, maxIdleAttrChannelsPerApp } = this.bounds;
    let idle = 0;
    if (maxIdleAttrChannelsPerApp > 0 && !isSpecialChannel(channel)) {
      const idleKey = idleChannelsKey(appId);
      await this.redis.zremrangebyscore(idleKey, '-inf', Date.now());
      idle = await this.redis.zcard(idleKey);
    }
    const room = maxIdleAttrChannelsPerApp <= 0 || idle < maxIdleAttrChannelsPerApp ? '1' : '0';
    const change = settingOf(name, value);
    const reply = (await this.run(
      'sigChSetAttr',
      appId,
      channel,
      key(name),
      Buffer.from(value.buffer, value.byteOffset, value.length),
      String(maxAttrsPerChannel),
      String(maxAttrBytesPerChannel),
      room,
      change?.setting ?? '',
      change === null || change.value === null ? '' : String(change.value),
      name === BuiltinAttr.ChannelTtl ? '1' : '0',
      name === BuiltinAttr.AutoUpdateNum ? '1' : '0',
    )) as Reply;
    const bound = reply[0] as number;
    if (bound !== 0) return refusalOf(bound as Bound, { channel, attr: name, n: bound === Bound.IdleChannels ? idle : (reply[1] as number) }, this.bounds);
    await this.noteIdle(appId, channel, reply[1] as number);
    this.scheduleMemberNum(appId, channel, reply[2] as number);
    return null;
  }

  async delAttr(appId: string, channel: string, name: string): Promise<Refusal | null> {
    const reply = (await this.run('sigChDelAttr', appId, channel, key(name), settingOf(name, null)?.setting ?? '')) as Reply;
    const bound = reply[0] as number;
    if (bound !== 0) return refusalOf(bound as Bound, { channel, attr: name, n: reply[1] as number }, this.bounds);
    await this.noteIdle(appId, channel, reply[1] as number);
    return null;
  }

  async clearAttrs(appId: string, channel: string): Promise<void> {
    const reply = (await this.run('sigChClearAttrs', appId, channel, ...ALL_SETTINGS)) as Reply;
    await this.noteIdle(appId, channel, reply[0] as number);
  }

  /**
   * The user's rate is counted here, on the node of the user's session (user-message-rates.ts);
   * the channel's, shared by every node, in Redis: one script, issued before this returns, so that
   * one sender's messages are admitted in the order sent.
   */
  admitMessage(appId: string, channel: string, account: string): Refusal | null | Promise<Refusal | null> {
    const userLimit = this.rates.userMessagesPerSecond;
    if (!this.userMessages.take(appId, account, userLimit)) return refusalOf(Bound.UserMessageRate, { n: userLimit });
    return (this.run('sigChAdmit', appId, channel, String(defaultSetting(ChannelSetting.MessagesPerSecond, this.rates))) as Promise<Reply>).then(
      (reply) => {
        if (reply[0] === 0) return null;
        this.userMessages.giveBack(appId, account);
        return refusalOf(Bound.ChannelMessageRate, { channel, n: reply[1] as number, custom: reply[2] === 1 });
      },
      (e: unknown) => {
        this.userMessages.giveBack(appId, account);
        throw e;
      },
    );
  }

  admitPeerMessage(appId: string, account: string): Refusal | null {
    const limit = this.rates.userP2pMessagesPerSecond ?? 0;
    if (limit <= 0) return null;
    return this.peerMessages.take(appId, account, limit) ? null : refusalOf(Bound.PeerMessageRate, { n: limit });
  }

  close(): void {
    this.closed = true;
    for (const task of this.memberNumTasks) this.scheduler.cancel(task);
    this.memberNumTasks.clear();
    this.localChannels.clear();
    if (this.options.scheduler === undefined) this.scheduler.stop();
    if (this.options.ownsConnection) this.redis.disconnect();
  }

  // -------------------------------------------------------------------------------------------

  private run(script: keyof typeof SCRIPTS, appId: string, channel: string, ...args: (string | Buffer)[]): Promise<unknown> {
    const keys = CHANNEL_KEYS.map((what) => channelKey(appId, channel, what));
    const fn = (this.redis as unknown as Record<string, ScriptFn>)[`${script}Buffer`];
    const ttl = defaultSetting(ChannelSetting.TtlMs, this.rates);
    return redisCall(`running ${script} on a channel`, () => fn.call(this.redis, ...keys, isSpecialChannel(channel) ? '1' : '0', String(ttl), ...args));
  }

  private sessionChannels(appId: string, account: string, sessionId: string, channel: string, add: boolean): Promise<unknown> {
    const fn = (this.redis as unknown as Record<string, ScriptFn>).sigSessionChannels;
    return fn.call(this.redis, accountKey(appId, account, `channels:${sessionId}`), key(channel), add ? '1' : '0', String(SESSION_CHANNELS_TTL_MS));
  }

  /** Keeps the App ID's idle channels after a script answered how the channel settled. */
  private async noteIdle(appId: string, channel: string, settled: number): Promise<void> {
    if (this.bounds.maxIdleAttrChannelsPerApp <= 0 || isSpecialChannel(channel)) return;
    if (settled > 0) await this.redis.zadd(idleChannelsKey(appId), Date.now() + settled, key(channel));
    else await this.redis.zrem(idleChannelsKey(appId), key(channel));
  }

  private countLocal(appId: string, channel: string, delta: number): void {
    let channels = this.localChannels.get(appId);
    if (channels === undefined) this.localChannels.set(appId, (channels = new Map()));
    const n = (channels.get(channel) ?? 0) + delta;
    if (n > 0) channels.set(channel, n);
    else channels.delete(channel);
    if (channels.size === 0) this.localChannels.delete(appId);
  }

  /** This node claimed the channel's next `_member_num` update: write it when due. */
  private scheduleMemberNum(appId: string, channel: string, dueMs: number): void {
    if (dueMs <= 0 || this.closed) return;
    const task = this.scheduler.after(dueMs, () => {
      this.memberNumTasks.delete(task);
      this.run('sigChMemberNum', appId, channel, BuiltinAttr.MemberNum).then(
        (reply) => {
          const r = reply as Reply;
          if (r[0] === 1 && !this.closed) this.listener?.attrWrittenBySystem(appId, channel, BuiltinAttr.MemberNum, new Uint8Array(r[1] as Buffer));
        },
        // The claim expires by itself; the next membership change claims the update again.
        () => undefined,
      );
    });
    this.memberNumTasks.add(task);
  }
}
