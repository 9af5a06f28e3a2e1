import type { MaybePromise } from './maybe-promise';
import type { Delivery, SessionEndpoint } from './session-endpoint';

/** One recipient of a fan-out: a session of the router's App ID. */
export interface Recipient {
  /** latin1 account key. */
  readonly account: string;
  /** Only this session of the account takes it (a later login of the same account does not). */
  readonly sessionId: string;
  /**
   * That session itself, when it lives in this process: an in-memory router delivers to it without
   * a lookup per recipient (an ended session refuses the delivery). Shared stores leave it out.
   */
  readonly endpoint?: SessionEndpoint;
}

/**
 * Delivers events to the session of (appId, account), wherever it lives. A clustered
 * implementation looks up the node of the session and publishes the event to that node.
 */
export interface MessageRouter {
  /**
   * Resolves true once the event is sequenced for the recipient, false when nobody takes it,
   * NotReading when the recipient's session is at its kept bound (test `=== true` for success).
   * With `sessionId`, only that session of the account takes it (used for the fate of a held
   * message, which means nothing to a later session of the sender).
   *
   * Order: events to one account are sequenced in the order deliver was called, even when an
   * earlier call has not resolved yet (one sender's p2p sends start without waiting for the
   * answers to the ones before; their per-pair order is this order).
   */
  deliver(appId: string, account: string, kind: number, fields: Uint8Array[], sessionId?: string): MaybePromise<Delivery>;
  /**
   * Delivers one event to many sessions (a channel's members), in the order given; recipients
   * that are gone are skipped. Resolves to the number of sessions that took it. The in-memory
   * router encodes the event once; a clustered one publishes it once per node.
   */
  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): MaybePromise<number>;
}
