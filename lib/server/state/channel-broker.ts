import type { MaybePromise } from './maybe-promise';
import type { SessionEndpoint } from './session-endpoint';

/**
 * Where a channel's events go: one publish per channel message (and per join, leave or attribute
 * event), and each node delivers it to its own members of the channel. Member lists never travel
 * with a message. The broker keeps the local index of this node's member sessions; the
 * ChannelStore keeps who is a member cluster-wide.
 *
 * A member's life in the index, as ChannelService drives it:
 *   expect (before the store's join) -> admit (after the joiner's own sequence) -> remove.
 * Between expect and admit, what is published to the channel is held for the joiner; admit
 * delivers what was published after the join took effect (JoinOutcome.position) and drops the
 * rest, so a joiner misses nothing published after its join and sees nothing from before it.
 *
 * Every member on every node gets one channel's events in one order. An event published by this
 * node reaches this node's members before publish resolves, so a sender hears its own CHANNEL_MSG
 * before its RESULT, as on one node.
 */
export interface ChannelBroker {
  /** The session is about to join: from now on, hold what is published to the channel for it. */
  expect(appId: string, channel: string, sessionId: string): MaybePromise<void>;
  /**
   * The session joined at `position` (absent: it takes everything from now on): deliver what was
   * held for it from after that position, then every later event.
   */
  admit(appId: string, channel: string, endpoint: SessionEndpoint, position?: number): void;
  /** The session gets nothing more of the channel (it left, or its join was given up). */
  remove(appId: string, channel: string, sessionId: string): MaybePromise<void>;
  /** One event to every member of the channel on every node, except `exceptSessionId`. */
  publish(appId: string, channel: string, kind: number, fields: Uint8Array[], exceptSessionId?: string): MaybePromise<void>;
  close(): MaybePromise<void>;
  /**
   * Resume on another node (a broker that spans nodes): resolves once every event published
   * before now has been delivered on this node, so that handOff answers a position the other node
   * has subscribed from.
   */
  settle?(): Promise<void>;
  /**
   * The session moves to another node: it gets nothing more here, without leaving the channel.
   * Answers the number of the last event of the channel this node delivered (the position the
   * other node admits it from).
   */
  handOff?(appId: string, channel: string, sessionId: string): number;
}
