/**
 * The logged-in user a request comes from, as the services see it (a Session, or the admin API's
 * system sender).
 */
import type { Delivery, SessionEndpoint } from './state/session-endpoint';

export interface RequestSender {
  readonly appId: string;
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  /** `uid` as decimal ASCII, encoded once per session. */
  readonly uidBytes: Uint8Array;
  readonly sessionId: string;
  /** The channel the sender is a member of (latin1 key), or null. */
  joinedChannel: string | null;
  /** Sequences an EVENT for the sender itself (it comes before the RESULT of the request). */
  deliverEvent(kind: number, fields: Uint8Array[]): Delivery;
  /**
   * Sequences a small notice past the kept bound (CHANNEL_LEFT to a member removed because it
   * could not keep up): without it the client could not know what it missed.
   */
  deliverNotice?(kind: number, fields: Uint8Array[]): void;
  /** True once the session is over (a request still in the state layer then must undo what it did). */
  readonly ended?: boolean;
  /** The sender's session as routers deliver to it, when it lives in this process. */
  readonly endpoint?: SessionEndpoint;
}
