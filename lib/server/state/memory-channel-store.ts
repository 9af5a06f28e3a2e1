import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Scheduler, ScheduledTask } from '../scheduler';
import { BuiltinAttr, isSpecialChannel, USER_LIST_LIMIT } from '../channel-rules';
import type { ChannelAttr, ChannelMember, ChannelStore, ChannelStoreListener, JoinOutcome, LeaveOutcome, RecentMembers, Refusal } from './channel-store';
import { JoinOrderedMembers } from './join-ordered-members';
import { userKey } from './user-key';

export interface ChannelRates {
  /** Channel messages one user may send per second, all channels together. */
  userMessagesPerSecond: number;
  /** Messages one channel carries per second unless its `_sendmsg_limit` says otherwise. */
  channelMessagesPerSecond: number;
  /** Seconds a channel outlives its last member unless its `_channel_ttl` says otherwise. */
  defaultChannelTtlSeconds: number;
}

/** A fixed one-second window counter. */
interface Window {
  second: number;
  count: number;
}

class Channel {
  readonly members = new JoinOrderedMembers();
  readonly attrs = new Map<string, Uint8Array>();
  ttlTask: ScheduledTask | null = null;
  memberNumTask: ScheduledTask | null = null;
  readonly messages: Window = { second: 0, count: 0 };
  attrWritesSecond = 0;
  readonly attrWrites = new Map<string, number>();

  constructor(readonly appId: string, readonly name: string, readonly special: boolean) {}

  numberAttr(name: string): number | undefined {
    const raw = this.attrs.get(name);
    if (raw === undefined) return undefined;
    const n = Number(Buffer.from(raw).toString('latin1'));
    return Number.isFinite(n) ? n : undefined;
  }
}

const NO_MEMBERS: readonly ChannelMember[] = [];
const NO_RECENT: RecentMembers = { total: 0, members: NO_MEMBERS };
const NO_ATTRS: readonly ChannelAttr[] = [];

function latin1Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Channels in this process's memory; timers through the shared Scheduler, rate windows need none. */
export class MemoryChannelStore implements ChannelStore {
  private readonly channels = new Map<string, Channel>();
  private readonly userMessages = new Map<string, number>();
  private userMessagesSecond = 0;
  private listener: ChannelStoreListener | null = null;

  constructor(private readonly scheduler: Scheduler, private readonly rates: ChannelRates, private readonly now: () => number = Date.now) {}

  get channelCount(): number {
    return this.channels.size;
  }

  setListener(listener: ChannelStoreListener): void {
    this.listener = listener;
  }

  join(appId: string, name: string, member: ChannelMember): JoinOutcome {
    const channel = this.channelOf(appId, name, true)!;
    this.scheduler.cancel(channel.ttlTask);
    channel.ttlTask = null;
    const existing = channel.members.get(member.account);
    const joined = existing === undefined || existing.sessionId !== member.sessionId;
    if (joined) {
      // A stale entry of an earlier session of the account gives way (its leave may come later).
      channel.members.add(member);
      this.membershipChanged(channel);
    }
    return { joined, count: channel.members.size, recent: channel.members.recent(USER_LIST_LIMIT), attrs: attrList(channel) };
  }

  leave(appId: string, name: string, account: string, sessionId: string): LeaveOutcome | null {
    const channel = this.channelOf(appId, name, false);
    const member = channel?.members.get(account);
    if (channel === undefined || member === undefined || member.sessionId !== sessionId) return null;
    channel.members.remove(account);
    this.membershipChanged(channel);
    const count = channel.members.size;
    this.maybeRetire(channel);
    return { left: member, count };
  }

  members(appId: string, name: string): Iterable<ChannelMember> {
    const channel = this.channelOf(appId, name, false);
    return channel === undefined ? NO_MEMBERS : channel.members.values();
  }

  recentMembers(appId: string, name: string, limit: number): RecentMembers {
    const channel = this.channelOf(appId, name, false);
    return channel === undefined ? NO_RECENT : { total: channel.members.size, members: channel.members.recent(limit) };
  }

  count(appId: string, name: string): number {
    return this.channelOf(appId, name, false)?.members.size ?? 0;
  }

  isMember(appId: string, name: string, account: string): boolean {
    return this.channelOf(appId, name, false)?.members.has(account) ?? false;
  }

  attrs(appId: string, name: string): readonly ChannelAttr[] {
    const channel = this.channelOf(appId, name, false);
    return channel === undefined ? NO_ATTRS : attrList(channel);
  }

  setAttr(appId: string, name: string, attr: string, value: Uint8Array): Refusal | null {
    const channel = this.channelOf(appId, name, true)!;
    const refusal = this.countAttrWrite(channel, attr);
    if (refusal !== null) {
      this.maybeRetire(channel);
      return refusal;
    }
    channel.attrs.set(attr, value);
    if (attr === BuiltinAttr.AutoUpdateNum) this.membershipChanged(channel);
    if (attr === BuiltinAttr.ChannelTtl && channel.ttlTask !== null) {
      // A new TTL applies from now on to a channel that is already counting down.
      this.scheduler.cancel(channel.ttlTask);
      channel.ttlTask = null;
    }
    this.maybeRetire(channel);
    return null;
  }

  delAttr(appId: string, name: string, attr: string): Refusal | null {
    const channel = this.channelOf(appId, name, false);
    if (channel === undefined) return null;
    const refusal = this.countAttrWrite(channel, attr);
    if (refusal === null) channel.attrs.delete(attr);
    this.maybeRetire(channel);
    return refusal;
  }

  clearAttrs(appId: string, name: string): void {
    const channel = this.channelOf(appId, name, false);
    if (channel === undefined) return;
    channel.attrs.clear();
    this.maybeRetire(channel);
  }

  admitMessage(appId: string, name: string, account: string): Refusal | null {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.userMessagesSecond) {
      // Every count of an earlier second is stale: one clear replaces per-user expiry timers.
      this.userMessages.clear();
      this.userMessagesSecond = second;
    }
    const user = userKey(appId, account);
    const sent = this.userMessages.get(user) ?? 0;
    const userLimit = this.rates.userMessagesPerSecond;
    if (sent >= userLimit) {
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: a user sends at most ${userLimit} channel messages a second` };
    }
    const channel = this.channelOf(appId, name, false);
    if (channel !== undefined) {
      const window = channel.messages;
      if (window.second !== second) {
        window.second = second;
        window.count = 0;
      }
      const custom = channel.numberAttr(BuiltinAttr.SendMsgLimit);
      const limit = custom !== undefined && custom > 0 ? custom : this.rates.channelMessagesPerSecond;
      if (window.count >= limit) {
        const source = custom !== undefined && custom > 0 ? ' (_sendmsg_limit)' : '';
        return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: channel ${Buffer.from(name, 'latin1').toString('utf8')} carries at most ${limit} messages a second${source}` };
      }
      window.count++;
    }
    this.userMessages.set(user, sent + 1);
    return null;
  }

  close(): void {
    for (const channel of this.channels.values()) {
      this.scheduler.cancel(channel.ttlTask);
      this.scheduler.cancel(channel.memberNumTask);
    }
    this.channels.clear();
  }

  private channelOf(appId: string, name: string, create: boolean): Channel | undefined {
    const key = userKey(appId, name);
    let channel = this.channels.get(key);
    if (channel === undefined && create) {
      channel = new Channel(appId, name, isSpecialChannel(name));
      this.channels.set(key, channel);
    }
    return channel;
  }

  private countAttrWrite(channel: Channel, attr: string): Refusal | null {
    const limit = channel.numberAttr(BuiltinAttr.SetAttrLimit);
    if (limit === undefined || limit <= 0) return null;
    const second = Math.floor(this.now() / 1000);
    if (second !== channel.attrWritesSecond) {
      channel.attrWrites.clear();
      channel.attrWritesSecond = second;
    }
    const writes = channel.attrWrites.get(attr) ?? 0;
    if (writes >= limit) {
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: attribute ${Buffer.from(attr, 'latin1').toString('utf8')} changes at most ${limit} times a second (_setattr_limit)` };
    }
    channel.attrWrites.set(attr, writes + 1);
    return null;
  }

  /** `_auto_update_num` = N: write `_member_num` N seconds after the first change since the last write. */
  private membershipChanged(channel: Channel): void {
    if (channel.memberNumTask !== null) return;
    const every = channel.numberAttr(BuiltinAttr.AutoUpdateNum);
    if (every === undefined || every <= 0) return;
    channel.memberNumTask = this.scheduler.after(every * 1000, () => {
      channel.memberNumTask = null;
      if (this.channels.get(userKey(channel.appId, channel.name)) !== channel) return;
      const current = channel.attrs.get(BuiltinAttr.MemberNum);
      const value = latin1Bytes(String(channel.members.size));
      if (current !== undefined && Buffer.from(current).equals(value)) return;
      channel.attrs.set(BuiltinAttr.MemberNum, value);
      this.listener?.attrWrittenBySystem(channel.appId, channel.name, BuiltinAttr.MemberNum, value);
    });
  }

  /** An empty channel goes at once without attributes, else after its TTL; special ones stay. */
  private maybeRetire(channel: Channel): void {
    if (channel.special || channel.members.size > 0 || channel.ttlTask !== null) return;
    const key = userKey(channel.appId, channel.name);
    if (channel.attrs.size === 0) {
      this.retire(key, channel);
      return;
    }
    const ttl = channel.numberAttr(BuiltinAttr.ChannelTtl);
    const seconds = ttl !== undefined && ttl >= 0 ? ttl : this.rates.defaultChannelTtlSeconds;
    channel.ttlTask = this.scheduler.after(seconds * 1000, () => {
      channel.ttlTask = null;
      if (channel.members.size === 0 && this.channels.get(key) === channel) this.retire(key, channel);
    });
  }

  private retire(key: string, channel: Channel): void {
    this.scheduler.cancel(channel.memberNumTask);
    this.scheduler.cancel(channel.ttlTask);
    this.channels.delete(key);
  }
}

function attrList(channel: Channel): ChannelAttr[] {
  const list: ChannelAttr[] = [];
  for (const entry of channel.attrs) list.push(entry);
  return list;
}
