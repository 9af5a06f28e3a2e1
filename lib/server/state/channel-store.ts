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

/**
 * What a join answers: enough for the joiner's sequence, nothing that grows with the channel
 * beyond USER_LIST_LIMIT members (a join into a channel of 10,000 must not copy 10,000 members).
 */
export interface JoinOutcome {
  /** False when the session was already a member (a repeated join changes nothing). */
  readonly joined: boolean;
  /** Members after the join. */
  readonly count: number;
  /**
   * The most recent USER_LIST_LIMIT (200) members after the join, oldest first (the joiner last
   * unless it was already there).
   */
  readonly recent: readonly ChannelMember[];
  /** The channel's attributes, in the order they were first set. */
  readonly attrs: readonly ChannelAttr[];
  /**
   * Where the join falls in the channel's order of published events (a networked broker's
   * counter): what was published at or before it predates the member. Absent from stores whose
   * broker delivers synchronously.
   */
  readonly position?: number;
}

/** What a leave answers: the member removed and how many are left (not who: see `members`). */
export interface LeaveOutcome {
  readonly left: ChannelMember;
  /** Members after the leave. */
  readonly count: number;
}

/** A channel's size and its most recent members, for the user lists. */
export interface RecentMembers {
  readonly total: number;
  /** At most the limit asked for, oldest first. */
  readonly members: readonly ChannelMember[];
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
  /** Adds the member (ends the channel's TTL countdown); O(USER_LIST_LIMIT), not O(members). */
  join(appId: string, channel: string, member: ChannelMember): MaybePromise<JoinOutcome>;
  /**
   * Removes the account's membership if it belongs to `sessionId`; answers the removed member and
   * the count left, or null when it was not a member. O(1): the members are not listed.
   */
  leave(appId: string, channel: string, account: string, sessionId: string): MaybePromise<LeaveOutcome | null>;
  /**
   * Every member, in join order. May be a live view rather than a copy (the in-memory store's is,
   * so that a fan-out to a large channel copies nothing): iterate it at once, before any await.
   */
  members(appId: string, channel: string): MaybePromise<Iterable<ChannelMember>>;
  /** The member count and the `limit` most recent members (oldest first); O(limit). */
  recentMembers(appId: string, channel: string, limit: number): MaybePromise<RecentMembers>;
  count(appId: string, channel: string): MaybePromise<number>;
  isMember(appId: string, channel: string, account: string): MaybePromise<boolean>;
  attrs(appId: string, channel: string): MaybePromise<readonly ChannelAttr[]>;
  /**
   * Sets an attribute (creating the channel if need be); refused over `_setattr_limit` and over the
   * store's bounds (attributes and their bytes per channel, channels with attributes and no
   * members per App ID, the memory budget).
   */
  setAttr(appId: string, channel: string, name: string, value: Uint8Array): MaybePromise<Refusal | null>;
  /** Deletes an attribute; refused over `_setattr_limit`. */
  delAttr(appId: string, channel: string, name: string): MaybePromise<Refusal | null>;
  clearAttrs(appId: string, channel: string): MaybePromise<void>;
  /**
   * Counts one channel message of `account` against the per-user and per-channel rates (the
   * latter `_sendmsg_limit` when set); refused (and not counted) over either.
   */
  admitMessage(appId: string, channel: string, account: string): MaybePromise<Refusal | null>;
  /**
   * Counts one peer-to-peer message of `account` against the per-user rate (the server's
   * `userP2pMessagesPerSecond`, 0 = none); refused (and not counted) over it.
   */
  admitPeerMessage(appId: string, account: string): MaybePromise<Refusal | null>;
  /**
   * The channels `sessionId` of the account is a member of (one, for sessions of this protocol),
   * so that a node ending the sessions of a node that died can make each leave with leave events.
   */
  channelsOf(appId: string, account: string, sessionId: string): MaybePromise<readonly string[]>;
  /**
   * Channels held (for tests and metrics). A networked store may answer an approximation (the
   * Redis store: channels this node has members in).
   */
  readonly channelCount: number;
  /** Channels of one App ID held (DBG stats); an approximation where `channelCount` is one. */
  channelCountOf(appId: string): number;
  close(): void;
}
