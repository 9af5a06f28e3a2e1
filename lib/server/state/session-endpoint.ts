import type { PreparedEvent } from './prepared-event';

/** Why a session is kicked when its account logs in again (LOGGED_OUT 103), on any node. */
export const LOGGED_IN_ELSEWHERE = 'logged in elsewhere';

/**
 * A delivery the session refused: its client is not reading (its kept frames are at their bound,
 * docs/server.md, "Frames from others"), or the server's memory budget cannot take the frame.
 * `clause` completes "peer X ...": "is not reading: N frames ... wait", "cannot take more: ...".
 */
export class NotReading {
  constructor(readonly clause: string) {}
}

/** true: sequenced for the client; false: nobody takes it (no such session, or it is over); or why not. */
export type Delivery = boolean | NotReading;

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
   * Returns true when the session holds it within its bound, false when it is over, NotReading
   * when its kept frames are at their bound (the sender is told; nothing is dropped later).
   */
  deliverEvent(kind: number, fields: Uint8Array[]): Delivery;
  /**
   * deliverEvent for an EVENT encoded once for many recipients (channel fan-out). A member at its
   * bound cannot fail the sender's message: it is disconnected and its session ends (false).
   */
  deliverPrepared(event: PreparedEvent): boolean;
  /**
   * Events of the session's channel were lost on their way to this node (its subscription to the
   * shared broker was cut): the member leaves the channel as one that could not keep up
   * (CHANNEL_LEFT 600 after the last channel event it got), so that its client knows.
   */
  missedChannelEvents?(count: number): void;
  /** Ends the session with LOGGED_OUT(code, reason); by default 103: the same account logged in elsewhere. */
  kick(code?: number, reason?: string): void;
}
