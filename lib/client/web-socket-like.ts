/**
 * The part of the WebSocket API the session client needs: the browser's WebSocket satisfies it,
 * and so does the `ws` package in Node. Keeping to this small surface is what lets one client run
 * in both.
 */
export interface WebSocketMessageLike {
  readonly data: unknown;
}

export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: WebSocketMessageLike) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Opens a WebSocket to `url` (the browser's `new WebSocket(url)` or an equivalent). */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** WebSocket.OPEN in every implementation. */
export const WEBSOCKET_OPEN = 1;

/** A factory from a WebSocket constructor (the global one in browsers, `ws`'s in Node). */
export function webSocketFactory(ctor: new (url: string) => unknown): WebSocketFactory {
  return (url) => new ctor(url) as WebSocketLike;
}

/** The frame body carried by a received message, or undefined for a text message. */
export function binaryMessageBody(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) {
    // `ws` may hand over fragments as a list of chunks.
    const parts = data.map((part) => binaryMessageBody(part) ?? new Uint8Array(0));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  }
  return undefined;
}
