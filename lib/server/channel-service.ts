/**
 * Channel behaviour on top of a ChannelStore (who is a member, attributes, limits, cluster-wide)
 * and a ChannelBroker (where the events go): the join sequence, leaving (by request, by switching
 * channel, by the end of a session), channel messages, attributes and the two special channels.
 * Events to the acting session are sequenced before its RESULT; events to the members are one
 * publish each, which every node delivers to its own members, encoded once per node.
 *
 * Large channels: above `memberEventsLimit` members nobody is told of joins and leaves, else
 * filling a channel of N members would cost N^2/2 events (members follow the size through
 * `_member_num` and the queries instead). Nothing here copies or scans a whole member list per
 * join, leave or message: the store answers counts and the most recent members, and a publish
 * carries no member list.
 */
import { MAX_MESSAGE_BYTES } from '../protocol/constants';
import { EventKind } from '../protocol/ops';
import {
  attrRefusal,
  builtinValueRefusal,
  CHANNEL_EVENT_CHANNEL,
  channelNameRefusal,
  DEFAULT_MAX_CHANNEL_TTL_SECONDS,
  isSpecialChannel,
  USER_ONLINE_CHANNEL,
} from './state/channel-rules';
import { decimalBytes } from './decimal';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { failure, Reply, success } from './reply';
import { RequestSender } from './request-sender';
import type { ChannelBroker } from './state/channel-broker';
import type { ChannelMember, ChannelStore, JoinOutcome, RecentMembers, Refusal } from './state/channel-store';
import { MemoryChannelBroker } from './state/memory-channel-broker';
import { isPromise, then, MaybePromise } from './state/maybe-promise';
import type { MessageRouter } from './state/message-router';
import { latin1 } from './state/latin1';

const UPDATE = bytes('update');
const DEL = bytes('del');
const CLEAR = bytes('clear');
const EMPTY = new Uint8Array(0);
const ONE = bytes('1');
const ZERO = bytes('0');

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

function utf8(key: string): string {
  return Buffer.from(key, 'latin1').toString('utf8');
}

/**
 * The default bound of member events: the vendor's successor SDK stops its member-joined/left
 * callbacks above 512 members too.
 */
export const DEFAULT_MEMBER_EVENTS_LIMIT = 512;

/** Bounds the service checks itself (the store checks those of what it holds). */
export interface ChannelServiceLimits {
  /** Largest `_channel_ttl`, in seconds. */
  maxChannelTtlSeconds: number;
  /** Largest frame body the server sends: CHANNEL_USER_LIST lists the most recent members that fit. */
  maxFrameBytes: number;
}

const DEFAULT_SERVICE_LIMITS: ChannelServiceLimits = { maxChannelTtlSeconds: DEFAULT_MAX_CHANNEL_TTL_SECONDS, maxFrameBytes: 1024 * 1024 };

/** An EVENT's bytes besides its fields (type, seq, kind, field count), at most. */
const EVENT_HEADER_BYTES = 16;

/** A field's bytes in a frame: its length varint and itself. */
function fieldBytes(field: Uint8Array): number {
  return field.length + (field.length < 0x80 ? 1 : field.length < 0x4000 ? 2 : 3);
}

/**
 * The most recent of `recent` (oldest first) whose CHANNEL_USER_LIST fits in `maxFrameBytes`:
 * 200 members of 128-byte accounts take about 28 KiB, more than a small configured frame.
 */
function fittingMembers(channel: Uint8Array, recent: readonly ChannelMember[], maxFrameBytes: number): readonly ChannelMember[] {
  let size = EVENT_HEADER_BYTES + fieldBytes(channel) + 4;
  let first = recent.length;
  while (first > 0) {
    const m = recent[first - 1];
    const more = fieldBytes(m.accountBytes) + fieldBytes(m.uidBytes);
    if (size + more > maxFrameBytes) break;
    size += more;
    first--;
  }
  return first === 0 ? recent : recent.slice(first);
}

/** Who a special channel's message is about (a session of this node, or one of a node that died). */
type EventSender = Pick<RequestSender, 'appId' | 'account' | 'accountBytes' | 'uid' | 'uidBytes'>;

/** The leave codes of AGORA_E_CODE that CHANNEL_LEFT carries. */
export type LeaveCode = AGORA_E_CODE.LEAVECHANNEL_E_BYUSER | AGORA_E_CODE.LEAVECHANNEL_E_LOGOUT | AGORA_E_CODE.LEAVECHANNEL_E_DISCONN | AGORA_E_CODE.LEAVECHANNEL_E_OTHER;

export class ChannelService {
  /** Where the channel's events go: every member on every node (state/channel-broker.ts). */
  private readonly broker: ChannelBroker;
  /** Per sender: settles once its latest channel message is published (or refused). */
  private readonly publishTurns = new WeakMap<RequestSender, Promise<void>>();

  constructor(
    private readonly store: ChannelStore,
    router: MessageRouter,
    private readonly nextServerMsgId: () => number,
    /** CHANNEL_USER_JOINED/LEFT go out while the channel, the member concerned included, has at most this many members; 0 = always. */
    private readonly memberEventsLimit: number = DEFAULT_MEMBER_EVENTS_LIMIT,
    private readonly limits: ChannelServiceLimits = DEFAULT_SERVICE_LIMITS,
    /** By default the single process's: one fan-out over the store's members through `router`. */
    broker?: ChannelBroker,
  ) {
    this.broker = broker ?? new MemoryChannelBroker(store, router);
    store.setListener({
      attrWrittenBySystem: (appId, channel, name, value) => {
        this.toMembers(appId, channel, EventKind.ChannelAttr, [bytes(channel), bytes(name), value, UPDATE]);
      },
    });
  }

  /**
   * CHANNEL_JOIN: leaves the current channel first (CHANNEL_LEFT 602), then CHANNEL_JOINED,
   * CHANNEL_USER_LIST and one CHANNEL_ATTR per attribute to the joiner, CHANNEL_USER_JOINED to the
   * others unless the channel is now over `memberEventsLimit`. A repeated join of the current
   * channel repeats the joiner's sequence only.
   */
  join(user: RequestSender, nameBytes: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const name = latin1(nameBytes);
    const channelBytes = nameBytes.slice();
    const previous = user.joinedChannel;
    const left = previous !== null && previous !== name ? this.leave(user, previous, AGORA_E_CODE.LEAVECHANNEL_E_BYUSER, true) : false;
    const member: ChannelMember = { account: user.account, accountBytes: user.accountBytes, uid: user.uid, uidBytes: user.uidBytes, sessionId: user.sessionId, endpoint: user.endpoint };
    const { appId, sessionId } = user;
    return then(left, () =>
      then(this.broker.expect(appId, name, sessionId), () => {
        if (user.ended === true) return this.abandonJoin(user, name, false);
        return then(this.joinOrForget(appId, name, member), (outcome) => {
          // The session ended while the store joined it: nobody would ever make it leave.
          if (user.ended === true) return this.abandonJoin(user, name, true);
          user.joinedChannel = name;
          user.deliverEvent(EventKind.ChannelJoined, [channelBytes]);
          const recent = fittingMembers(channelBytes, outcome.recent, this.limits.maxFrameBytes);
          const list: Uint8Array[] = [channelBytes, decimalBytes(recent.length)];
          for (const m of recent) list.push(m.accountBytes, m.uidBytes);
          user.deliverEvent(EventKind.ChannelUserList, list);
          for (const [attr, value] of outcome.attrs) user.deliverEvent(EventKind.ChannelAttr, [channelBytes, bytes(attr), value, UPDATE]);
          if (user.endpoint !== undefined) this.broker.admit(appId, name, user.endpoint, outcome.position);
          if (!outcome.joined) return success();
          const told = this.announces(outcome.count)
            ? this.broker.publish(appId, name, EventKind.ChannelUserJoined, [channelBytes, user.accountBytes, user.uidBytes], sessionId)
            : undefined;
          return then(told, () => then(this.channelEvent(user, 'join', name), () => success()));
        });
      }),
    );
  }

  /** The store's join; when it fails, the broker stops holding the channel's events for the session. */
  private joinOrForget(appId: string, name: string, member: ChannelMember): MaybePromise<JoinOutcome> {
    const outcome = this.store.join(appId, name, member);
    if (!isPromise(outcome)) return outcome;
    return outcome.catch((e: unknown) =>
      then(this.broker.remove(appId, name, member.sessionId), () => {
        throw e;
      }),
    );
  }

  /** A join whose session ended meanwhile: undone without events (the others were told nothing yet). */
  private abandonJoin(user: RequestSender, name: string, joined: boolean): MaybePromise<Reply> {
    const removed = this.broker.remove(user.appId, name, user.sessionId);
    const left = joined ? then(removed, () => this.store.leave(user.appId, name, user.account, user.sessionId)) : removed;
    return then(left, () => failure(AGORA_E_CODE.JOINCHANNEL_E_OTHER, `the session ended before it joined channel ${utf8(name)}`));
  }

  /** Stops the fan-out (the server is closing). */
  close(): MaybePromise<void> {
    return this.broker.close();
  }

  /** CHANNEL_LEAVE: CHANNEL_LEFT(602) to the leaver, CHANNEL_USER_LEFT to the others (see `announces`). */
  leaveByRequest(user: RequestSender, nameBytes: Uint8Array): MaybePromise<Reply> {
    const name = latin1(nameBytes);
    if (user.joinedChannel !== name) {
      return failure(AGORA_E_CODE.LEAVECHANNEL_E_OTHER, `not a member of channel ${utf8(name)}`);
    }
    return then(this.leave(user, name, AGORA_E_CODE.LEAVECHANNEL_E_BYUSER, true), () => success());
  }

  /**
   * A member that could not take a channel message (its kept frames at their bound) leaves the
   * channel: CHANNEL_LEFT(600) to it, past its bound, after the last channel message it got, and
   * CHANNEL_USER_LEFT to the others. Its session, and everything already promised to it, stays.
   */
  removeSlowMember(user: RequestSender): MaybePromise<void> {
    const current = user.joinedChannel;
    if (current === null) return;
    return then(this.leave(user, current, AGORA_E_CODE.LEAVECHANNEL_E_OTHER, false), (left) => {
      if (left && user.deliverNotice !== undefined) user.deliverNotice(EventKind.ChannelLeft, [bytes(current), decimalBytes(AGORA_E_CODE.LEAVECHANNEL_E_OTHER)]);
    });
  }

  /**
   * A session of another node is over and that node cannot say so (it died): its memberships end,
   * each with the leave events the others would have had (CHANNEL_USER_LEFT, and a leave in
   * `__agora_channel_event`). Answers the channels it left.
   */
  endMembershipsOf(appId: string, account: string, sessionId: string): MaybePromise<string[]> {
    return then(this.store.channelsOf(appId, account, sessionId), (names) => {
      const ended: string[] = [];
      let chain: MaybePromise<unknown> = undefined;
      for (const name of names) {
        chain = then(chain, () =>
          then(this.store.leave(appId, name, account, sessionId), (outcome) => {
            if (outcome === null) return;
            ended.push(name);
            const { left } = outcome;
            const channelBytes = bytes(name);
            const told = this.announces(outcome.count + 1) ? this.toMembers(appId, name, EventKind.ChannelUserLeft, [channelBytes, left.accountBytes, left.uidBytes]) : undefined;
            const sender = { appId, account, accountBytes: left.accountBytes, uid: left.uid, uidBytes: left.uidBytes };
            return then(told, () => this.channelEvent(sender, 'leave', name));
          }),
        );
      }
      return then(chain, () => ended);
    });
  }

  /** The session is over: the others see it leave (the session itself hears nothing). */
  sessionEnded(user: RequestSender): MaybePromise<void> {
    const current = user.joinedChannel;
    if (current === null) return;
    return then(this.leave(user, current, AGORA_E_CODE.LEAVECHANNEL_E_DISCONN, false), () => undefined);
  }

  /**
   * MSG_CHANNEL (members only) and MSG_CHANNEL_FORCE (any user of the App ID): CHANNEL_MSG to every
   * member, the sender included when a member, in one order; the RESULT carries the serverMsgId.
   */
  sendMessage(user: RequestSender, nameBytes: Uint8Array, msg: Uint8Array, force: boolean): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    if (msg.length > MAX_MESSAGE_BYTES) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `message is ${msg.length} bytes, at most ${MAX_MESSAGE_BYTES} allowed`);
    const name = latin1(nameBytes);
    if (!force && user.joinedChannel !== name) {
      return failure(AGORA_E_CODE.SENDMESSAGE_E_OTHER, `not a member of channel ${utf8(name)} (join it, or send with MSG_CHANNEL_FORCE)`);
    }
    const publish = (limited: Refusal | null): MaybePromise<Reply> => {
      if (limited !== null) return failure(limited.code, limited.text);
      const serverMsgId = decimalBytes(this.nextServerMsgId());
      const fields = [nameBytes, user.accountBytes, user.uidBytes, msg, serverMsgId];
      return then(this.toMembers(user.appId, name, EventKind.ChannelMsg, fields), () => success([serverMsgId]));
    };
    const admitted = this.store.admitMessage(user.appId, name, user.account);
    if (!isPromise(admitted)) return publish(admitted);
    // A sender's channel messages may be processed together (they overlap while a shared store
    // answers): each is published only once the one before it was, so that every member gets
    // them in the order sent. Only the publish waits: not the answer to the one before.
    let published!: () => void;
    const turn = new Promise<void>((resolve) => (published = resolve));
    const before = this.publishTurns.get(user);
    this.publishTurns.set(user, turn);
    const ready = before === undefined ? admitted : Promise.all([admitted, before]).then(([limited]) => limited);
    return ready.then(
      (limited) => {
        try {
          return publish(limited);
        } finally {
          published();
        }
      },
      (e: unknown) => {
        published();
        throw e;
      },
    );
  }

  /** CHANNEL_SET_ATTR: no membership needed; CHANNEL_ATTR(update) to the members. */
  setAttr(user: RequestSender, nameBytes: Uint8Array, attrBytes: Uint8Array, value: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes) ?? attrRefusal(attrBytes, value) ?? builtinValueRefusal(latin1(attrBytes), value, this.limits.maxChannelTtlSeconds);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const name = latin1(nameBytes);
    const kept = value.slice();
    return then(this.store.setAttr(user.appId, name, latin1(attrBytes), kept), (limited) => {
      if (limited !== null) return failure(limited.code, limited.text);
      return then(this.toMembers(user.appId, name, EventKind.ChannelAttr, [nameBytes, attrBytes, kept, UPDATE]), () => success());
    });
  }

  /** CHANNEL_DEL_ATTR: CHANNEL_ATTR(name, "", "del") to the members. */
  delAttr(user: RequestSender, nameBytes: Uint8Array, attrBytes: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes) ?? attrRefusal(attrBytes, null);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const name = latin1(nameBytes);
    return then(this.store.delAttr(user.appId, name, latin1(attrBytes)), (limited) => {
      if (limited !== null) return failure(limited.code, limited.text);
      return then(this.toMembers(user.appId, name, EventKind.ChannelAttr, [nameBytes, attrBytes, EMPTY, DEL]), () => success());
    });
  }

  /** CHANNEL_CLEAR_ATTR: CHANNEL_ATTR("", "", "clear") to the members. */
  clearAttrs(user: RequestSender, nameBytes: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const name = latin1(nameBytes);
    return then(this.store.clearAttrs(user.appId, name), () =>
      then(this.toMembers(user.appId, name, EventKind.ChannelAttr, [nameBytes, EMPTY, EMPTY, CLEAR]), () => success()),
    );
  }

  /** CHANNEL_QUERY_NUM: values [channel, num]. */
  queryNum(user: RequestSender, nameBytes: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    return then(this.store.count(user.appId, latin1(nameBytes)), (n) => success([nameBytes, decimalBytes(n)]));
  }

  /** CHANNEL_QUERY_ISIN: values [channel, account, "1" | "0"]. */
  queryIsIn(user: RequestSender, nameBytes: Uint8Array, account: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(nameBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    return then(this.store.isMember(user.appId, latin1(nameBytes), latin1(account)), (yes) => success([nameBytes, account, yes ? ONE : ZERO]));
  }

  /** Counts a peer-to-peer message of the sender against its rate limit (the store's counters). */
  admitPeerMessage(user: RequestSender): MaybePromise<Refusal | null> {
    return this.store.admitPeerMessage(user.appId, user.account);
  }

  /** The total and the `limit` most recent members (oldest first), for the RPC user lists. */
  recentMembers(appId: string, name: string, limit: number): MaybePromise<RecentMembers> {
    return this.store.recentMembers(appId, name, limit);
  }

  /** A login or logout of the App ID, told to the members of `__agora_user_online`. */
  userOnline(user: RequestSender, event: 'login' | 'logout', code?: number): MaybePromise<void> {
    const detail: Record<string, unknown> = { event, account: utf8(user.account), uid: user.uid };
    if (code !== undefined) detail.code = code;
    return this.specialMessage(user, USER_ONLINE_CHANNEL, detail);
  }

  private leave(user: RequestSender, name: string, code: LeaveCode, tellSelf: boolean): MaybePromise<boolean> {
    // Out of the fan-out first: nothing published from now on reaches the leaver.
    const removed = this.broker.remove(user.appId, name, user.sessionId);
    return then(then(removed, () => this.store.leave(user.appId, name, user.account, user.sessionId)), (outcome) => {
      if (user.joinedChannel === name) user.joinedChannel = null;
      if (outcome === null) return false;
      const channelBytes = bytes(name);
      if (tellSelf) user.deliverEvent(EventKind.ChannelLeft, [channelBytes, decimalBytes(code)]);
      // The count before the leave, the leaver included, as for a join (the count after it).
      const told = this.announces(outcome.count + 1) ? this.toMembers(user.appId, name, EventKind.ChannelUserLeft, [channelBytes, user.accountBytes, user.uidBytes]) : 0;
      return then(told, () => then(this.channelEvent(user, 'leave', name), () => true));
    });
  }

  /**
   * Whether the members of a channel of `count` members (the one joining or leaving included) are
   * told of the join or leave.
   */
  private announces(count: number): boolean {
    return this.memberEventsLimit === 0 || count <= this.memberEventsLimit;
  }

  /** Every join and leave of an ordinary channel, told to the members of `__agora_channel_event`. */
  private channelEvent(user: EventSender, event: 'join' | 'leave', name: string): MaybePromise<void> {
    if (isSpecialChannel(name)) return;
    return this.specialMessage(user, CHANNEL_EVENT_CHANNEL, { event, channel: utf8(name), account: utf8(user.account), uid: user.uid });
  }

  /** CHANNEL_MSG in a special channel: sent by the user concerned, the message a JSON object. */
  private specialMessage(user: EventSender, channel: string, detail: Record<string, unknown>): MaybePromise<void> {
    return then(this.store.count(user.appId, channel), (n) => {
      if (n === 0) return;
      const fields = [bytes(channel), user.accountBytes, user.uidBytes, new Uint8Array(Buffer.from(JSON.stringify(detail), 'utf8')), decimalBytes(this.nextServerMsgId())];
      return then(this.toMembers(user.appId, channel, EventKind.ChannelMsg, fields), () => undefined);
    });
  }

  /** One publish; each node delivers it to its own members. */
  private toMembers(appId: string, name: string, kind: EventKind, fields: Uint8Array[]): MaybePromise<void> {
    return this.broker.publish(appId, name, kind, fields);
  }

  // --- Resume on another node: the member's channel events move with it ---------------------

  /** This node is about to give the session its channel's events (a session moving here). */
  expectMoved(appId: string, channel: string, sessionId: string): Promise<void> {
    return Promise.resolve(this.broker.expect(appId, channel, sessionId));
  }

  cancelMoved(appId: string, channel: string, sessionId: string): MaybePromise<void> {
    return this.broker.remove(appId, channel, sessionId);
  }

  /** A moved session takes its channel's events from after `position` on. */
  admitMoved(user: RequestSender, position: number): void {
    if (user.joinedChannel === null || user.endpoint === undefined) return;
    this.broker.admit(user.appId, user.joinedChannel, user.endpoint, position);
  }

  settleBroker(): Promise<void> {
    return this.broker.settle?.() ?? Promise.resolve();
  }

  /** The session's channel events stop here: it moves to another node (its membership stays). */
  handOff(user: RequestSender): number {
    if (user.joinedChannel === null) return 0;
    return this.broker.handOff?.(user.appId, user.joinedChannel, user.sessionId) ?? 0;
  }
}
