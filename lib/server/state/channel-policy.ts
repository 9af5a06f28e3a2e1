/**
 * The rules of channels that every ChannelStore enforces, in one place: what each built-in
 * attribute sets, the defaults that apply without one, and the codes and texts of every refusal.
 * A store keeps only numbers: when a built-in attribute is written, `settingOf` turns it into a
 * setting (a number, or "back to the default"); the stores compare counters against settings and
 * bounds and report which one was hit, and the texts come from here. So the in-memory store and
 * the Redis store's Lua scripts hold mechanics (counters, windows, expiry), never a rule of their
 * own: a new built-in, a new default or a reworded refusal is a change to this file only.
 */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { BuiltinAttr } from './channel-rules';
import type { Refusal } from './channel-store';

/** The server-wide rates and TTL (config keys of the same names). */
export interface ChannelRates {
  /** Channel messages one user may send per second, all channels together. */
  userMessagesPerSecond: number;
  /** Messages one channel carries per second unless its `_sendmsg_limit` says otherwise. */
  channelMessagesPerSecond: number;
  /** Seconds a channel outlives its last member unless its `_channel_ttl` says otherwise. */
  defaultChannelTtlSeconds: number;
  /** Peer-to-peer messages one user may send per second; 0 or absent = no limit. */
  userP2pMessagesPerSecond?: number;
}

/** What channel attributes may hold (docs/server.md, "Memory budget"); 0 = no bound. */
export interface ChannelAttrBounds {
  /** Attributes of one channel, built-ins included. */
  maxAttrsPerChannel: number;
  /** Bytes of one channel's attribute names and values. */
  maxAttrBytesPerChannel: number;
  /** Channels of one App ID with attributes and no members (each kept for its TTL). */
  maxIdleAttrChannelsPerApp: number;
}

export const NO_ATTR_BOUNDS: ChannelAttrBounds = { maxAttrsPerChannel: 0, maxAttrBytesPerChannel: 0, maxIdleAttrChannelsPerApp: 0 };

/** The settings a channel's built-in attributes give it; a store keeps each as a plain number. */
export enum ChannelSetting {
  /** `_sendmsg_limit`: messages per second (default: the server's `channelMessagesPerSecond`). */
  MessagesPerSecond = 'msg',
  /** `_setattr_limit`: writes of one attribute per second (default: none). */
  AttrWritesPerSecond = 'attrw',
  /** `_channel_ttl`: milliseconds the channel outlives its last member (default: the server's). */
  TtlMs = 'ttl',
  /** `_auto_update_num`: milliseconds between `_member_num` updates (default: none). */
  MemberNumEveryMs = 'autonum',
}

const SETTING_OF_ATTR: ReadonlyMap<string, ChannelSetting> = new Map([
  [BuiltinAttr.SendMsgLimit, ChannelSetting.MessagesPerSecond],
  [BuiltinAttr.SetAttrLimit, ChannelSetting.AttrWritesPerSecond],
  [BuiltinAttr.ChannelTtl, ChannelSetting.TtlMs],
  [BuiltinAttr.AutoUpdateNum, ChannelSetting.MemberNumEveryMs],
]);

/** A setting a write of an attribute makes: `value` null = the setting falls back to its default. */
export interface SettingChange {
  readonly setting: ChannelSetting;
  readonly value: number | null;
}

/**
 * The setting that writing `value` to attribute `name` makes (value null: the attribute is
 * deleted), or null when `name` is no built-in. A limit of 0 means "no limit of its own" (the
 * default applies); a `_channel_ttl` of 0 is a TTL of 0.
 */
export function settingOf(name: string, value: Uint8Array | null): SettingChange | null {
  const setting = SETTING_OF_ATTR.get(name);
  if (setting === undefined) return null;
  const n = value === null ? NaN : Number(Buffer.from(value).toString('latin1'));
  if (!Number.isFinite(n)) return { setting, value: null };
  switch (setting) {
    case ChannelSetting.TtlMs:
      return { setting, value: n >= 0 ? Math.floor(n * 1000) : null };
    case ChannelSetting.MemberNumEveryMs:
      return { setting, value: n > 0 ? Math.floor(n * 1000) : null };
    default:
      return { setting, value: n > 0 ? n : null };
  }
}

/** Every setting a channel may have: what `clearAttrs` resets. */
export const ALL_SETTINGS: readonly ChannelSetting[] = [...SETTING_OF_ATTR.values()];

/** The value of a setting a channel does not set (0 = off / no limit). */
export function defaultSetting(setting: ChannelSetting, rates: ChannelRates): number {
  switch (setting) {
    case ChannelSetting.MessagesPerSecond:
      return rates.channelMessagesPerSecond;
    case ChannelSetting.TtlMs:
      return Math.floor(rates.defaultChannelTtlSeconds * 1000);
    default:
      return 0;
  }
}

/**
 * What a channel holds (for the attribute bounds) besides the attribute being written: whether it
 * is special, how many members, attributes and attribute bytes it has, and how many channels of
 * its App ID have attributes and no members.
 */
export interface AttrWriteState {
  readonly special: boolean;
  readonly members: number;
  readonly attrs: number;
  readonly attrBytes: number;
}

function utf8(key: string): string {
  return Buffer.from(key, 'latin1').toString('utf8');
}

/** Which bound a write passed: the refusals a store reports, as numbers it can pass around. */
export enum Bound {
  AttrCount = 1,
  AttrBytes = 2,
  IdleChannels = 3,
  AttrWriteRate = 4,
  ChannelMessageRate = 5,
  UserMessageRate = 6,
  PeerMessageRate = 7,
}

/**
 * The refusal of a bound that was hit. `n` is the figure the text reports (the limit, or for
 * AttrBytes the bytes the channel would hold, for IdleChannels the idle channels held);
 * `custom` says a channel's own built-in attribute set the limit.
 */
export function refusalOf(bound: Bound, what: { channel?: string; attr?: string; n: number; custom?: boolean }, bounds: ChannelAttrBounds = NO_ATTR_BOUNDS): Refusal {
  const channel = utf8(what.channel ?? '');
  switch (bound) {
    case Bound.AttrCount:
      return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `channel ${channel} holds at most ${bounds.maxAttrsPerChannel} attributes` };
    case Bound.AttrBytes:
      return {
        code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM,
        text: `channel ${channel} would hold ${what.n} bytes of attributes (names and values), at most ${bounds.maxAttrBytesPerChannel} allowed`,
      };
    case Bound.IdleChannels:
      return {
        code: AGORA_E_CODE.GENERAL_E_FAILED,
        text: `the App ID already has ${what.n} channels with attributes and no members, at most ${bounds.maxIdleAttrChannelsPerApp} allowed (join the channel first)`,
      };
    case Bound.AttrWriteRate:
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: attribute ${utf8(what.attr ?? '')} changes at most ${what.n} times a second (_setattr_limit)` };
    case Bound.ChannelMessageRate:
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: channel ${channel} carries at most ${what.n} messages a second${what.custom ? ' (_sendmsg_limit)' : ''}` };
    case Bound.UserMessageRate:
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: a user sends at most ${what.n} channel messages a second` };
    case Bound.PeerMessageRate:
      return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `rate limit: a user sends at most ${what.n} peer-to-peer messages a second` };
  }
}

/**
 * The bound (if any) that setting an attribute passes, for a store that has the channel's state
 * at hand (the in-memory store; the Redis scripts make the same three comparisons on the numbers
 * they are given): a new attribute over the count, the bytes over their bound, a first attribute
 * of a channel without members over the App ID's idle channels.
 */
export function attrWriteBound(state: AttrWriteState, added: boolean, bytesAfter: number, idleChannels: number, bounds: ChannelAttrBounds): Bound | null {
  if (added && bounds.maxAttrsPerChannel > 0 && state.attrs >= bounds.maxAttrsPerChannel) return Bound.AttrCount;
  if (bounds.maxAttrBytesPerChannel > 0 && bytesAfter > bounds.maxAttrBytesPerChannel) return Bound.AttrBytes;
  if (!state.special && state.members === 0 && state.attrs === 0 && bounds.maxIdleAttrChannelsPerApp > 0 && idleChannels >= bounds.maxIdleAttrChannelsPerApp) return Bound.IdleChannels;
  return null;
}
