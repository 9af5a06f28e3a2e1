import type { PreparedEvent } from './state/prepared-event';

/** One client socket as the transport-neutral connection sees it. */
export interface FrameTransport {
  /** For log lines, e.g. "tcp 127.0.0.1:53412". */
  readonly remote: string;
  /** Queues one frame body; writes issued in one event-loop turn go out together. */
  send(body: Uint8Array): void;
  /** Queues a prepared EVENT with this client's sequence number; its body is `size` bytes. */
  sendEvent(event: PreparedEvent, seq: number, size: number): void;
  /** Flushes queued frames, then closes (destroying the socket if the peer does not finish in time). */
  end(): void;
  /** Closes at once, dropping anything queued. */
  destroy(): void;
  /** Stops reading from the socket (frames already received may still be delivered). */
  pauseReading(): void;
  resumeReading(): void;
  /** Date.now() when the socket was accepted (for a WebSocket: before its HTTP upgrade). */
  readonly acceptedMs?: number;
  /** The connection logged in or resumed: the socket leaves the pre-login pool and bounds. */
  sessionStarted?(): void;
  /**
   * Date.now() when the first bytes of a frame that has not arrived whole came, or 0 (no partial
   * frame, or a transport that cannot tell).
   */
  partialFrameSinceMs?(): number;
}

/** The largest frame a connection may send before it has a session: HELLO and LOGIN are tiny. */
export const MAX_FRAME_BYTES_BEFORE_LOGIN = 16 * 1024;

/** How long a closing socket may take to flush before it is destroyed. */
export const CLOSE_GRACE_MS = 2000;
