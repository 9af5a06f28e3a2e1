// The session client (lib/client) speaks to a WebSocketLike; this is one over the server's TCP
// framing (4-byte big-endian length + body), so the same client code drives TCP connections in the
// soak. It can also stop reading for a while, which is how the soak makes a slow reader: the bytes
// pile up in the kernel and in the server, as with a stalled application.
import * as net from 'node:net';
import { WebSocketFactory, WebSocketLike, WebSocketMessageLike } from '../../lib/client';
import { LengthPrefixedReader } from '../../lib/protocol';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class TcpFrameSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  readyState = CONNECTING;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: WebSocketMessageLike) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private readonly socket: net.Socket;
  private readonly reader = new LengthPrefixedReader();
  private resumeTimer: NodeJS.Timeout | null = null;

  constructor(host: string, port: number) {
    this.socket = net.connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.readyState = OPEN;
      this.onopen?.({});
    });
    this.socket.on('data', (chunk: Buffer) => {
      let bodies: Uint8Array[];
      try {
        bodies = this.reader.push(chunk);
      } catch {
        // A bad length prefix from the server: the connection is unusable, as a WebSocket's would be.
        this.socket.destroy();
        return;
      }
      for (const body of bodies) {
        if (this.readyState !== OPEN) return;
        this.onmessage?.({ data: body });
      }
    });
    this.socket.on('error', (e) => this.onerror?.(e));
    this.socket.on('close', () => {
      this.readyState = CLOSED;
      if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
      this.onclose?.({});
    });
  }

  send(data: Uint8Array): void {
    if (this.readyState !== OPEN) return;
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(data.length, 0);
    this.socket.write(Buffer.concat([header, data]));
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.socket.destroy();
  }

  /** Stops taking bytes off the socket for `ms` (writes go on), then reads again. */
  stopReading(ms: number): void {
    if (this.readyState !== OPEN) return;
    this.socket.pause();
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.socket.resume();
    }, ms);
  }
}

/**
 * A factory for `tcp://host:port` addresses; `opened` hears of every socket made, so the caller
 * can reach the current one (to stall it).
 */
export function tcpFrameSocketFactory(opened?: (socket: TcpFrameSocket) => void): WebSocketFactory {
  return (url) => {
    const match = /^tcp:\/\/([^:/]+):(\d+)/.exec(url);
    if (match === null) throw new Error(`not a tcp:// address: ${url}`);
    const socket = new TcpFrameSocket(match[1], Number(match[2]));
    opened?.(socket);
    return socket;
  };
}
