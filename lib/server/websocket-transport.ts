/**
 * WebSocket listener for browsers: each binary message is one frame body; a text message is a
 * protocol error. It runs on a plain http.Server that also serves the browser SDK and the demo page
 * (static-files.ts); with TLS credentials on an https.Server (wss://, the files over https).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConnectionLimits } from './connection-limits';
import type { Logger } from './logger';
import { defaultStaticFolders, serveStatic, StaticFolders } from './static-files';
import type { ConnectionFactory } from './tcp-transport';
import type { PreparedEvent } from './state/prepared-event';
import { CLOSE_GRACE_MS, FrameTransport, MAX_FRAME_BYTES_BEFORE_LOGIN } from './transport';

/** The answer to a socket over a connection limit, written before its request is read. */
const SERVICE_UNAVAILABLE =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  'Content-Length: 33\r\n\r\nThe server has too many clients.\n';

/** Fields of ws's Receiver (ws 8) this file reads or sets; absent ones are treated as 0. */
interface WsReceiverInternals {
  _maxPayload?: number;
  _bufferedBytes?: number;
  _totalPayloadLength?: number;
}
import type { TlsCredentials } from './tls-credentials';

class WebSocketFrameTransport implements FrameTransport {
  readonly remote: string;
  private corked = false;
  private closeTimer: NodeJS.Timeout | null = null;
  /** Told once when the unsent output passes the bound (the connection says BYE and closes). */
  onOverflow: ((bufferedBytes: number) => void) | null = null;

  readonly acceptedMs: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: net.Socket,
    private readonly maxBufferedBytes: number,
    private readonly maxFrameBytes: number,
    private readonly limits: ConnectionLimits,
  ) {
    this.remote = `ws ${socket.remoteAddress}:${socket.remotePort}`;
    this.acceptedMs = limits.acceptedMs(socket);
  }

  /** Date.now() when the watchdog first saw input that is not a whole message yet, or 0. */
  private partialSince = 0;

  sessionStarted(): void {
    // ws has one maxPayload per server; its receiver checks this field of its own per message.
    const receiver = this.receiver;
    if (receiver !== undefined && receiver._maxPayload !== undefined) receiver._maxPayload = this.maxFrameBytes;
    this.limits.sessionStarted(this.socket);
  }

  /** A whole message arrived: nothing is trickling. */
  messageArrived(): void {
    this.partialSince = 0;
  }

  /**
   * ws keeps unparsed bytes and message fragments to itself; the watchdog looks at its receiver's
   * counts (ws 8) at each sweep. A client that completes messages resets the clock every message.
   */
  partialFrameSinceMs(): number {
    const receiver = this.receiver;
    const pending = (receiver?._bufferedBytes ?? 0) + (receiver?._totalPayloadLength ?? 0);
    if (pending === 0) this.partialSince = 0;
    else if (this.partialSince === 0) this.partialSince = Date.now();
    return this.partialSince;
  }

  private get receiver(): WsReceiverInternals | undefined {
    return (this.ws as unknown as { _receiver?: WsReceiverInternals })._receiver;
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
    // As over TCP: the bound is the kept frames' plus a margin (tcp-transport.ts, checkBuffered).
    if (this.ws.bufferedAmount > this.maxBufferedBytes && this.onOverflow !== null) {
      const tell = this.onOverflow;
      this.onOverflow = null;
      tell(this.ws.bufferedAmount);
    }
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
  /** Raw sockets in their TLS handshake, by peer address and port (to pair with their TLS socket). */
  private readonly handshaking = new Map<string, net.Socket>();

  constructor(
    private readonly logger: Logger,
    private readonly maxFrameBytes: number,
    private readonly maxBufferedBytes: number,
    private readonly accept: ConnectionFactory,
    private readonly limits: ConnectionLimits,
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
    const kind = tlsCredentials === null ? 'ws' : 'wss';
    this.httpServer.on('error', (e) => this.logger.error(`websocket listener: ${e.message}`));
    // Sockets are counted from accept, before their HTTP request (and TLS handshake): a refused one
    // is answered 503 at once, or closed when it speaks TLS (it could not read a plain answer).
    this.httpServer.on('connection', (socket: net.Socket) => {
      if (this.limits.admit(socket, kind) === null) {
        if (tlsCredentials !== null) this.trackTls(socket);
        return;
      }
      socket.on('error', () => undefined);
      if (tlsCredentials !== null) {
        socket.destroy();
        return;
      }
      socket.end(SERVICE_UNAVAILABLE);
      socket.destroySoon();
    });
    if (tlsCredentials !== null) {
      // The TLS socket speaks for the raw one counted at accept (same peer address and port).
      this.httpServer.on('secureConnection', (secure: net.Socket) => {
        const key = `${secure.remoteAddress}:${secure.remotePort}`;
        const raw = this.handshaking.get(key);
        if (raw === undefined) return;
        this.handshaking.delete(key);
        this.limits.alias(secure, raw);
      });
    }
    // Before login only a small message is accepted (raised per socket in sessionStarted).
    this.wss = new WebSocketServer({ server: this.httpServer, maxPayload: MAX_FRAME_BYTES_BEFORE_LOGIN, perMessageDeflate: false });
    this.wss.on('connection', (ws, req) => this.onWebSocket(ws, req.socket as net.Socket));
    this.wss.on('error', (e) => this.logger.error(`websocket server: ${e.message}`));
  }

  /** A raw socket under TLS: dropped by close() even mid-handshake, paired with its TLS socket. */
  private trackTls(raw: net.Socket): void {
    const key = `${raw.remoteAddress}:${raw.remotePort}`;
    this.tlsSockets.add(raw);
    this.handshaking.set(key, raw);
    raw.once('close', () => {
      this.tlsSockets.delete(raw);
      if (this.handshaking.get(key) === raw) this.handshaking.delete(key);
    });
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
    const transport = new WebSocketFrameTransport(ws, socket, this.maxBufferedBytes, this.maxFrameBytes, this.limits);
    this.limits.connected(socket);
    const connection = this.accept(transport);
    transport.onOverflow = (buffered) => connection.outputOverflow(buffered, this.maxBufferedBytes);
    this.logger.debug(`${transport.remote}: connected`);
    ws.on('message', (data, isBinary) => {
      if (!connection.isOpen) return;
      connection.heard();
      if (!isBinary) {
        connection.protocolError('text message (frames travel as binary WebSocket messages)');
        return;
      }
      const body = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      transport.messageArrived();
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
