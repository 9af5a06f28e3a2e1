import type { PreparedEvent } from '../prepared-event';

/** What the state layer needs from a live session: deliver to it, or end it because of a login elsewhere. */
export interface SessionEndpoint {
  /** The App ID, one character per byte (latin1), so that any byte string is a key. */
  readonly appId: string;
  /** The account, one character per byte (latin1). */
  readonly account: string;
  readonly sessionId: string;
  readonly uid: number;
  /**
   * Sequences an EVENT for the client: sent now when connected, kept for a resume when not.
   * Returns false when the session cannot take it (it is over, or its kept frames overflowed).
   */
  deliverEvent(kind: number, fields: Uint8Array[]): boolean;
  /** deliverEvent for an EVENT encoded once for many recipients (channel fan-out). */
  deliverPrepared(event: PreparedEvent): boolean;
  /** Ends the session with LOGGED_OUT(103): the same account logged in elsewhere. */
  kick(): void;
}
