/**
 * TCP listener for native clients: each frame is a 4-byte big-endian length, then the body. With
 * TLS credentials it is a tls.Server and the same framing runs inside TLS.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { LengthPrefixedReader } from '../protocol/length-prefixed-reader';
import { ProtocolError } from '../protocol/protocol-error';
import type { Connection } from './connection';
import type { Logger } from './logger';
import { CLOSE_GRACE_MS, FrameTransport } from './transport';
import type { PreparedEvent } from './prepared-event';
import { BatchSink, WriteBatch } from './write-batch';
import type { TlsCredentials } from './tls-credentials';

const LISTEN_BACKLOG = 4096;

export type ConnectionFactory = (transport: FrameTransport) => Connection;

/** One TCP socket. The frames of one event-loop turn leave in one write (write-batch.ts). */
class TcpFrameTransport implements FrameTransport, BatchSink {
  private remoteText: string | null = null;
  private readonly batch = new WriteBatch(this);
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly socket: net.Socket, private readonly maxBufferedBytes: number) {}

  /** For log lines; asked of the kernel only when a line needs it (a login storm logs none). */
  get remote(): string {
    this.remoteText ??= `tcp ${this.socket.remoteAddress}:${this.socket.remotePort}`;
    return this.remoteText;
  }

  send(body: Uint8Array): void {
    if (!this.writable) return;
    this.batch.add(body);
    this.checkBuffered();
  }

  sendEvent(event: PreparedEvent, seq: number, size: number): void {
    if (!this.writable) return;
    this.batch.addEvent(event, seq, size);
    this.checkBuffered();
  }

  writeBatch(bytes: Buffer): void {
    if (this.writable) this.socket.write(bytes);
  }

  end(): void {
    if (this.socket.destroyed || this.closeTimer !== null) return;
    // The last frames (BYE, LOGGED_OUT) of this turn go before the FIN.
    this.batch.flush();
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.closeTimer.unref();
  }

  destroy(): void {
    this.batch.discard();
    this.socket.destroy();
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  closed(): void {
    this.batch.discard();
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }

  private get writable(): boolean {
    return !this.socket.destroyed && !this.socket.writableEnded;
  }

  /** A client that stops reading must not make the server buffer without bound. */
  private checkBuffered(): void {
    if (this.socket.writableLength + this.batch.pendingBytes > this.maxBufferedBytes) this.destroy();
  }
}

export class TcpTransport {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly logger: Logger,
    private readonly maxFrameBytes: number,
    private readonly maxBufferedBytes: number,
    private readonly accept: ConnectionFactory,
    tlsCredentials: TlsCredentials | null = null,
    handshakeTimeoutMs = 10000,
  ) {
    // noDelay at accept, in C++: frames are batched per event-loop turn, never held back for Nagle.
    if (tlsCredentials === null) {
      this.server = net.createServer({ noDelay: true }, (socket) => this.onSocket(socket));
    } else {
      // A client that connects and never finishes the handshake is dropped after handshakeTimeout.
      const secure = tls.createServer({ ...tlsCredentials, noDelay: true, handshakeTimeout: handshakeTimeoutMs }, (socket) => this.onSocket(socket));
      secure.on('tlsClientError', (e, socket) => {
        if (this.logger.enabled('debug')) this.logger.debug(`tls ${socket.remoteAddress}:${socket.remotePort}: handshake failed: ${e.message}`);
        // With a listener here, Node leaves the socket open.
        socket.destroy();
      });
      // A handshake in progress has no connection yet; close() must be able to drop it too.
      secure.on('connection', (raw: net.Socket) => {
        this.sockets.add(raw);
        raw.once('close', () => this.sockets.delete(raw));
      });
      this.server = secure;
    }
    this.server.on('error', (e) => this.logger.error(`tcp listener: ${e.message}`));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      // A login storm opens thousands of connections at once; a SYN dropped from a full accept
      // queue is retried only after a second. The kernel caps this at net.core.somaxconn.
      this.server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops listening and waits until every socket is gone (callers close connections first). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const s of this.sockets) s.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      const force = setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, CLOSE_GRACE_MS);
      force.unref();
    });
  }

  private onSocket(socket: net.Socket): void {
    this.sockets.add(socket);
    const transport = new TcpFrameTransport(socket, this.maxBufferedBytes);
    const reader = new LengthPrefixedReader(this.maxFrameBytes);
    const connection = this.accept(transport);
    if (this.logger.enabled('debug')) this.logger.debug(`${transport.remote}: connected`);
    socket.on('data', (chunk: Buffer) => {
      if (!connection.isOpen) return;
      connection.heard();
      let bodies: Uint8Array[];
      try {
        bodies = reader.push(chunk);
      } catch (e) {
        connection.protocolError(e instanceof ProtocolError ? e.reason : String(e));
        return;
      }
      for (let i = 0; i < bodies.length; i++) connection.receive(bodies[i]);
    });
    socket.on('error', (e) => {
      if (this.logger.enabled('debug')) this.logger.debug(`${transport.remote}: socket error: ${e.message}`);
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      transport.closed();
      connection.transportClosed();
    });
  }
}
