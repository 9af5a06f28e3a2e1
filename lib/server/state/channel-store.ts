import type { MaybePromise } from './maybe-promise';
import type { Recipient } from './message-router';

/** A member of a channel: one session of one account. */
export interface ChannelMember extends Recipient {
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  /** `uid` as decimal ASCII. */
  readonly uidBytes: Uint8Array;
  readonly sessionId: string;
}

/** A channel attribute: name (latin1 key) and value bytes. */
export type ChannelAttr = readonly [name: string, value: Uint8Array];

export interface JoinOutcome {
  /** False when the session was already a member (a repeated join changes nothing). */
  readonly joined: boolean;
  /** Every member after the join, in join order (the joiner last unless it was already there). */
  readonly members: readonly ChannelMember[];
  /** The channel's attributes, in the order they were first set. */
  readonly attrs: readonly ChannelAttr[];
}

/** The answer to a write that a limit may refuse: null when done, else why not. */
export interface Refusal {
  readonly code: number;
  readonly text: string;
}

/** Told about changes the store makes by itself (built-in attributes). */
export interface ChannelStoreListener {
  /** The store wrote an attribute (`_member_num` of `_auto_update_num`). */
  attrWrittenBySystem(appId: string, channel: string, name: string, value: Uint8Array): void;
}

/**
 * Channels of every App ID: members, attributes, the built-in attributes' effects (`_channel_ttl`,
 * `_auto_update_num`, `_sendmsg_limit`, `_setattr_limit`) and the message rate limits. Channel
 * names and attribute names are latin1 keys, like accounts.
 *
 * A clustered implementation keeps members in a sorted set per channel (score = join order),
 * attributes in a hash, rate windows in counters that expire after a second, and the TTL as a key
 * expiry; it must apply the writes of one channel in one order (a Lua script per operation), since
 * that order is the order every member sees.
 */
export interface ChannelStore {
  setListener(listener: ChannelStoreListener): void;
  /** Adds the member (ends the channel's TTL countdown). */
  join(appId: string, channel: string, member: ChannelMember): MaybePromise<JoinOutcome>;
  /**
   * Removes the account's membership if it belongs to `sessionId`; answers the removed member and
   * the members left, or null when it was not a member.
   */
  leave(appId: string, channel: string, account: string, sessionId: string): MaybePromise<{ left: ChannelMember; members: readonly ChannelMember[] } | null>;
  /** Every member, in join order. */
  members(appId: string, channel: string): MaybePromise<readonly ChannelMember[]>;
  count(appId: string, channel: string): MaybePromise<number>;
  isMember(appId: string, channel: string, account: string): MaybePromise<boolean>;
  attrs(appId: string, channel: string): MaybePromise<readonly ChannelAttr[]>;
  /** Sets an attribute (creating the channel if need be); refused over `_setattr_limit`. */
  setAttr(appId: string, channel: string, name: string, value: Uint8Array): MaybePromise<Refusal | null>;
  /** Deletes an attribute; refused over `_setattr_limit`. */
  delAttr(appId: string, channel: string, name: string): MaybePromise<Refusal | null>;
  clearAttrs(appId: string, channel: string): MaybePromise<void>;
  /**
   * Counts one channel message of `account` against the per-user and per-channel rates (the
   * latter `_sendmsg_limit` when set); refused (and not counted) over either.
   */
  admitMessage(appId: string, channel: string, account: string): MaybePromise<Refusal | null>;
  /** Channels held (for tests and metrics). */
  readonly channelCount: number;
  close(): void;
}
