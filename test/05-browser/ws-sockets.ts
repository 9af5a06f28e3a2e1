// WebSocket plumbing for the Node tests of lib/client and lib/web: `ws` as the WebSocket
// implementation, with a record of every socket and of every frame the client wrote, so a test can
// cut a connection and see ACKs on the wire.
import WebSocket from 'ws';
import { WebSocketFactory, WebSocketLike } from '../../lib/client';
import { decodeFrame, Frame } from '../../lib/protocol';

export class RecordingSockets {
  readonly sockets: WebSocket[] = [];
  readonly sent: Frame[] = [];

  /** Until then, new connections go to a port nobody listens on (the network is down). */
  private downUntil = 0;

  readonly factory: WebSocketFactory = (url) => {
    const ws = new WebSocket(Date.now() < this.downUntil ? 'ws://127.0.0.1:1' : url);
    this.sockets.push(ws);
    const send = ws.send.bind(ws);
    (ws as unknown as { send: (data: Uint8Array) => void }).send = (data: Uint8Array) => {
      this.sent.push(decodeFrame(data));
      send(data);
    };
    return ws as unknown as WebSocketLike;
  };

  /** Drops the newest connection abruptly, as a network failure would, for `downMs`. */
  cutLatest(downMs = 0): void {
    this.downUntil = Date.now() + downMs;
    this.sockets[this.sockets.length - 1]?.terminate();
  }
}
