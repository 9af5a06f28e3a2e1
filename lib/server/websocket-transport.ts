/**
 * WebSocket listener for browsers: each binary message is one frame body; a text message is a
 * protocol error. It runs on a plain http.Server that also serves the browser SDK and the demo page
 * (static-files.ts); with TLS credentials on an https.Server (wss://, the files over https).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from './logger';
import { defaultStaticFolders, serveStatic, StaticFolders } from './static-files';
import type { ConnectionFactory } from './tcp-transport';
import type { PreparedEvent } from './prepared-event';
import { CLOSE_GRACE_MS, FrameTransport } from './transport';
import type { TlsCredentials } from './tls-credentials';

class WebSocketFrameTransport implements FrameTransport {
  readonly remote: string;
  private corked = false;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly ws: WebSocket, private readonly socket: net.Socket, private readonly maxBufferedBytes: number) {
    this.remote = `ws ${socket.remoteAddress}:${socket.remotePort}`;
  }

  send(body: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // ws corks per message; an outer cork per event-loop turn batches all messages into one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.ws.send(body, { binary: true });
    if (this.ws.bufferedAmount > this.maxBufferedBytes) this.ws.terminate();
  }

  sendEvent(event: PreparedEvent, seq: number): void {
    if (this.ws.readyState === WebSocket.OPEN) this.send(event.withSeq(seq));
  }

  end(): void {
    if (this.closeTimer !== null) return;
    this.ws.close(1000);
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.closeTimer.unref();
  }

  destroy(): void {
    this.ws.terminate();
  }

  /** ws pauses the underlying net socket and stops emitting the messages it still has parsed. */
  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  closed(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}

export class WebSocketTransport {
  /** The HTTP server the WebSocket endpoint lives on; other handlers may be added to it. */
  readonly httpServer: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  /** Every TLS socket until it closes: one whose handshake is under way is no HTTP connection yet, which closeAllConnections misses. */
  private readonly tlsSockets = new Set<net.Socket>();

  constructor(
    private readonly logger: Logger,
    maxFrameBytes: number,
    private readonly maxBufferedBytes: number,
    private readonly accept: ConnectionFactory,
    staticFolders: StaticFolders = defaultStaticFolders(),
    tlsCredentials: TlsCredentials | null = null,
    handshakeTimeoutMs = 10000,
  ) {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      if (serveStatic(staticFolders, req, res)) return;
      const known = req.url === '/' || req.url === '';
      if (!known) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found.\n');
        return;
      }
      res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
      res.end('This port speaks the signaling protocol over WebSocket.\n');
    };
    this.httpServer = tlsCredentials === null
      ? http.createServer(onRequest)
      : https.createServer({ ...tlsCredentials, handshakeTimeout: handshakeTimeoutMs }, onRequest);
    if (tlsCredentials !== null) {
      this.httpServer.on('connection', (raw: net.Socket) => {
        this.tlsSockets.add(raw);
        raw.once('close', () => this.tlsSockets.delete(raw));
      });
    }
    this.httpServer.on('error', (e) => this.logger.error(`websocket listener: ${e.message}`));
    this.wss = new WebSocketServer({ server: this.httpServer, maxPayload: maxFrameBytes, perMessageDeflate: false });
    this.wss.on('connection', (ws, req) => this.onWebSocket(ws, req.socket as net.Socket));
    this.wss.on('error', (e) => this.logger.error(`websocket server: ${e.message}`));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.httpServer.once('error', onError);
      this.httpServer.listen(port, host, () => {
        this.httpServer.off('error', onError);
        resolve((this.httpServer.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops every remaining client (callers close connections first). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const ws of this.wss.clients) ws.terminate();
        this.httpServer.closeAllConnections();
        for (const raw of this.tlsSockets) raw.destroy();
      }, CLOSE_GRACE_MS);
      force.unref();
      this.wss.close(() => {
        if (!this.httpServer.listening) {
          clearTimeout(force);
          resolve();
          return;
        }
        this.httpServer.close(() => {
          clearTimeout(force);
          resolve();
        });
        this.httpServer.closeIdleConnections();
      });
    });
  }

  private onWebSocket(ws: WebSocket, socket: net.Socket): void {
    const transport = new WebSocketFrameTransport(ws, socket, this.maxBufferedBytes);
    const connection = this.accept(transport);
    this.logger.debug(`${transport.remote}: connected`);
    ws.on('message', (data, isBinary) => {
      if (!connection.isOpen) return;
      connection.heard();
      if (!isBinary) {
        connection.protocolError('text message (frames travel as binary WebSocket messages)');
        return;
      }
      const body = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      connection.receive(body);
    });
    ws.on('ping', () => connection.heard());
    ws.on('error', (e) => this.logger.warn(`${transport.remote}: websocket error: ${e.message}`));
    ws.on('close', () => {
      transport.closed();
      connection.transportClosed();
    });
  }
}
