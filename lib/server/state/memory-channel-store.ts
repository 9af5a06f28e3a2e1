import { UserMessageRates } from './user-message-rates';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { MemoryBudget } from './memory-budget';
import type { Scheduler, ScheduledTask } from './scheduler';
import { BuiltinAttr, isSpecialChannel, USER_LIST_LIMIT } from './channel-rules';
import { attrWriteBound, Bound, ChannelAttrBounds, ChannelRates, ChannelSetting, defaultSetting, NO_ATTR_BOUNDS, refusalOf, SettingChange, settingOf } from './channel-policy';
import type { ChannelAttr, ChannelMember, ChannelStore, ChannelStoreListener, JoinOutcome, LeaveOutcome, RecentMembers, Refusal } from './channel-store';
import { JoinOrderedMembers } from './join-ordered-members';
import { userKey } from './user-key';

export type { ChannelRates, ChannelAttrBounds } from './channel-policy';

/** What the budget is charged for an attribute beyond its name and value (map entry, buffer). */
const ATTR_OVERHEAD_BYTES = 64;

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
  /** Bytes of the attribute names and values. */
  attrBytes = 0;
  /** Counted among its App ID's channels with attributes and no members. */
  idle = false;
  /** What its built-in attributes set (channel-policy.ts); absent = the default. */
  readonly settings = new Map<ChannelSetting, number>();

  constructor(readonly appId: string, readonly name: string, readonly special: boolean) {}
}

const NO_MEMBERS: readonly ChannelMember[] = [];
const NO_RECENT: RecentMembers = { total: 0, members: NO_MEMBERS };
const NO_ATTRS: readonly ChannelAttr[] = [];

function latin1Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** What the budget holds for one attribute. */
function attrCharge(name: string, value: Uint8Array): number {
  return name.length + value.length + ATTR_OVERHEAD_BYTES;
}

/** Channels in this process's memory; timers through the shared Scheduler, rate windows need none. */
export class MemoryChannelStore implements ChannelStore {
  private readonly channels = new Map<string, Channel>();
  private readonly userMessages: UserMessageRates;
  private readonly peerMessages: UserMessageRates;
  /** Channels per App ID, and those with attributes and no members. */
  private readonly channelsByApp = new Map<string, number>();
  private readonly idleByApp = new Map<string, number>();
  private listener: ChannelStoreListener | null = null;
  /** The channels of each session (userKey + session id), for channelsOf. */
  private readonly sessionChannels = new Map<string, Set<string>>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rates: ChannelRates,
    private readonly now: () => number = Date.now,
    private readonly bounds: ChannelAttrBounds = NO_ATTR_BOUNDS,
    /** Charged for every attribute held (category channelAttrs); unbounded unless the server's. */
    private readonly budget: MemoryBudget = new MemoryBudget(0),
  ) {
    this.userMessages = new UserMessageRates(now);
    this.peerMessages = new UserMessageRates(now);
  }

  get channelCount(): number {
    return this.channels.size;
  }

  channelCountOf(appId: string): number {
    return this.channelsByApp.get(appId) ?? 0;
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
      if (existing !== undefined) this.noteMembership(appId, existing.account, existing.sessionId, name, false);
      channel.members.add(member);
      this.noteMembership(appId, member.account, member.sessionId, name, true);
      this.membershipChanged(channel);
      this.updateIdle(channel);
    }
    return { joined, count: channel.members.size, recent: channel.members.recent(USER_LIST_LIMIT), attrs: attrList(channel) };
  }

  leave(appId: string, name: string, account: string, sessionId: string): LeaveOutcome | null {
    const channel = this.channelOf(appId, name, false);
    const member = channel?.members.get(account);
    if (channel === undefined || member === undefined || member.sessionId !== sessionId) return null;
    channel.members.remove(account);
    this.noteMembership(appId, account, sessionId, name, false);
    this.membershipChanged(channel);
    const count = channel.members.size;
    this.maybeRetire(channel);
    return { left: member, count };
  }

  channelsOf(appId: string, account: string, sessionId: string): readonly string[] {
    const channels = this.sessionChannels.get(sessionKey(appId, account, sessionId));
    return channels === undefined ? NO_CHANNELS : [...channels];
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
    const previous = channel.attrs.get(attr);
    const growth = previous === undefined ? attrCharge(attr, value) : value.length - previous.length;
    let refusal = this.attrBoundRefusal(channel, attr, value, previous);
    if (refusal === null && growth > 0 && !this.budget.tryCharge('channelAttrs', growth)) {
      refusal = {
        code: AGORA_E_CODE.GENERAL_E_FAILED,
        text: `the server's memory budget (${this.budget.limitBytes} bytes) is used up; channel attributes hold ${this.budget.snapshot().byCategory.channelAttrs} bytes of it`,
      };
    } else if (refusal === null) {
      refusal = this.countAttrWrite(channel, attr);
      if (refusal !== null && growth > 0) this.budget.release('channelAttrs', growth);
    }
    if (refusal !== null) {
      this.maybeRetire(channel);
      return refusal;
    }
    if (growth < 0) this.budget.release('channelAttrs', -growth);
    channel.attrBytes += previous === undefined ? attr.length + value.length : value.length - previous.length;
    channel.attrs.set(attr, value);
    applySetting(channel, settingOf(attr, value));
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
    const value = channel.attrs.get(attr);
    if (refusal === null && value !== undefined) {
      channel.attrs.delete(attr);
      applySetting(channel, settingOf(attr, null));
      channel.attrBytes -= attr.length + value.length;
      this.budget.release('channelAttrs', attrCharge(attr, value));
    }
    this.maybeRetire(channel);
    return refusal;
  }

  clearAttrs(appId: string, name: string): void {
    const channel = this.channelOf(appId, name, false);
    if (channel === undefined) return;
    this.releaseAttrs(channel);
    this.maybeRetire(channel);
  }

  admitPeerMessage(appId: string, account: string): Refusal | null {
    const limit = this.rates.userP2pMessagesPerSecond ?? 0;
    if (limit <= 0) return null;
    return this.peerMessages.take(appId, account, limit) ? null : refusalOf(Bound.PeerMessageRate, { n: limit });
  }

  admitMessage(appId: string, name: string, account: string): Refusal | null {
    const userLimit = this.rates.userMessagesPerSecond;
    if (!this.userMessages.take(appId, account, userLimit)) return refusalOf(Bound.UserMessageRate, { n: userLimit });
    const channel = this.channelOf(appId, name, false);
    if (channel !== undefined) {
      const second = Math.floor(this.now() / 1000);
      const window = channel.messages;
      if (window.second !== second) {
        window.second = second;
        window.count = 0;
      }
      const custom = channel.settings.get(ChannelSetting.MessagesPerSecond);
      const limit = custom ?? defaultSetting(ChannelSetting.MessagesPerSecond, this.rates);
      if (window.count >= limit) {
        this.userMessages.giveBack(appId, account);
        return refusalOf(Bound.ChannelMessageRate, { channel: name, n: limit, custom: custom !== undefined });
      }
      window.count++;
    }
    return null;
  }

  close(): void {
    for (const channel of this.channels.values()) {
      this.scheduler.cancel(channel.ttlTask);
      this.scheduler.cancel(channel.memberNumTask);
      this.releaseAttrs(channel);
    }
    this.channels.clear();
    this.sessionChannels.clear();
    this.channelsByApp.clear();
    this.idleByApp.clear();
  }

  private noteMembership(appId: string, account: string, sessionId: string, name: string, member: boolean): void {
    const key = sessionKey(appId, account, sessionId);
    let channels = this.sessionChannels.get(key);
    if (member) {
      if (channels === undefined) this.sessionChannels.set(key, (channels = new Set()));
      channels.add(name);
    } else if (channels !== undefined) {
      channels.delete(name);
      if (channels.size === 0) this.sessionChannels.delete(key);
    }
  }

  private channelOf(appId: string, name: string, create: boolean): Channel | undefined {
    const key = userKey(appId, name);
    let channel = this.channels.get(key);
    if (channel === undefined && create) {
      channel = new Channel(appId, name, isSpecialChannel(name));
      this.channels.set(key, channel);
      this.channelsByApp.set(appId, (this.channelsByApp.get(appId) ?? 0) + 1);
    }
    return channel;
  }

  /**
   * Why setting `attr` to `value` would pass a bound: 1005 the channel's attribute count or bytes,
   * 1001 its App ID's channels with attributes and no members (this one would be one more).
   */
  private attrBoundRefusal(channel: Channel, attr: string, value: Uint8Array, previous: Uint8Array | undefined): Refusal | null {
    const bytes = channel.attrBytes + value.length + (previous === undefined ? attr.length : -previous.length);
    const idle = this.idleByApp.get(channel.appId) ?? 0;
    const state = { special: channel.special, members: channel.members.size, attrs: channel.attrs.size, attrBytes: channel.attrBytes };
    const bound = attrWriteBound(state, previous === undefined, bytes, idle, this.bounds);
    return bound === null ? null : refusalOf(bound, { channel: channel.name, n: bound === Bound.AttrBytes ? bytes : idle }, this.bounds);
  }

  /** Drops every attribute and gives their bytes back to the budget. */
  private releaseAttrs(channel: Channel): void {
    if (channel.attrs.size === 0) return;
    this.budget.release('channelAttrs', channel.attrBytes + ATTR_OVERHEAD_BYTES * channel.attrs.size);
    channel.attrs.clear();
    channel.settings.clear();
    channel.attrBytes = 0;
  }

  /** Keeps the count of the App ID's channels with attributes and no members. */
  private updateIdle(channel: Channel): void {
    const idle = !channel.special && channel.members.size === 0 && channel.attrs.size > 0;
    if (idle === channel.idle) return;
    channel.idle = idle;
    const count = (this.idleByApp.get(channel.appId) ?? 0) + (idle ? 1 : -1);
    if (count === 0) this.idleByApp.delete(channel.appId);
    else this.idleByApp.set(channel.appId, count);
  }

  private countAttrWrite(channel: Channel, attr: string): Refusal | null {
    const limit = channel.settings.get(ChannelSetting.AttrWritesPerSecond) ?? defaultSetting(ChannelSetting.AttrWritesPerSecond, this.rates);
    if (limit <= 0) return null;
    const second = Math.floor(this.now() / 1000);
    if (second !== channel.attrWritesSecond) {
      channel.attrWrites.clear();
      channel.attrWritesSecond = second;
    }
    const writes = channel.attrWrites.get(attr) ?? 0;
    if (writes >= limit) return refusalOf(Bound.AttrWriteRate, { attr, n: limit });
    channel.attrWrites.set(attr, writes + 1);
    return null;
  }

  /** `_auto_update_num` = N: write `_member_num` N seconds after the first change since the last write. */
  private membershipChanged(channel: Channel): void {
    if (channel.memberNumTask !== null) return;
    const every = channel.settings.get(ChannelSetting.MemberNumEveryMs) ?? defaultSetting(ChannelSetting.MemberNumEveryMs, this.rates);
    if (every <= 0) return;
    channel.memberNumTask = this.scheduler.after(every, () => {
      channel.memberNumTask = null;
      if (this.channels.get(userKey(channel.appId, channel.name)) !== channel) return;
      const current = channel.attrs.get(BuiltinAttr.MemberNum);
      const value = latin1Bytes(String(channel.members.size));
      if (current !== undefined && Buffer.from(current).equals(value)) return;
      // Written by the server, not refused: a few bytes the channel's own `_auto_update_num` asked for.
      this.budget.charge('channelAttrs', current === undefined ? attrCharge(BuiltinAttr.MemberNum, value) : value.length - current.length);
      channel.attrBytes += value.length - (current === undefined ? -BuiltinAttr.MemberNum.length : current.length);
      channel.attrs.set(BuiltinAttr.MemberNum, value);
      this.listener?.attrWrittenBySystem(channel.appId, channel.name, BuiltinAttr.MemberNum, value);
    });
  }

  /**
   * An empty channel goes at once without attributes (also while a TTL counts down: a channel
   * whose attributes were deleted or cleared must not linger for it), else after its TTL; special
   * ones stay.
   */
  private maybeRetire(channel: Channel): void {
    this.updateIdle(channel);
    if (channel.special || channel.members.size > 0) return;
    const key = userKey(channel.appId, channel.name);
    if (channel.attrs.size === 0) {
      this.retire(key, channel);
      return;
    }
    if (channel.ttlTask !== null) return;
    const ttlMs = channel.settings.get(ChannelSetting.TtlMs) ?? defaultSetting(ChannelSetting.TtlMs, this.rates);
    channel.ttlTask = this.scheduler.after(ttlMs, () => {
      channel.ttlTask = null;
      if (channel.members.size === 0 && this.channels.get(key) === channel) this.retire(key, channel);
    });
  }

  private retire(key: string, channel: Channel): void {
    this.scheduler.cancel(channel.memberNumTask);
    this.scheduler.cancel(channel.ttlTask);
    this.channels.delete(key);
    this.releaseAttrs(channel);
    this.updateIdle(channel);
    const count = (this.channelsByApp.get(channel.appId) ?? 1) - 1;
    if (count === 0) this.channelsByApp.delete(channel.appId);
    else this.channelsByApp.set(channel.appId, count);
  }
}

const NO_CHANNELS: readonly string[] = [];

function sessionKey(appId: string, account: string, sessionId: string): string {
  return `${userKey(appId, account)}\u0000${sessionId}`;
}

function applySetting(channel: Channel, change: SettingChange | null): void {
  if (change === null) return;
  if (change.value === null) channel.settings.delete(change.setting);
  else channel.settings.set(change.setting, change.value);
}

function attrList(channel: Channel): ChannelAttr[] {
  const list: ChannelAttr[] = [];
  for (const entry of channel.attrs) list.push(entry);
  return list;
}
