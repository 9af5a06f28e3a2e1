/**
 * TCP listener for native clients: each frame is a 4-byte big-endian length, then the body. With
 * TLS credentials each accepted socket is wrapped in a server-side TLSSocket and the same framing runs inside TLS.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { LengthPrefixedReader } from '../protocol/length-prefixed-reader';
import { ProtocolError } from '../protocol/protocol-error';
import type { Connection } from './connection';
import type { ConnectionLimits } from './connection-limits';
import type { Logger } from './logger';
import type { MemoryBudget } from './state/memory-budget';
import { CLOSE_GRACE_MS, FrameTransport, MAX_FRAME_BYTES_BEFORE_LOGIN } from './transport';
import type { PreparedEvent } from './state/prepared-event';
import { BatchSink, WriteBatch } from './write-batch';
import type { TlsCredentials } from './tls-credentials';

const LISTEN_BACKLOG = 4096;

export type ConnectionFactory = (transport: FrameTransport) => Connection;

/** One TCP socket. The frames of one event-loop turn leave in one write (write-batch.ts). */
class TcpFrameTransport implements FrameTransport, BatchSink {
  /**
   * For log lines. Taken at accept: once the socket is destroyed (its output over the bound, say)
   * Node no longer knows the peer, and a line written then said `undefined:undefined`.
   */
  readonly remote: string;
  private readonly batch = new WriteBatch(this);
  private closeTimer: NodeJS.Timeout | null = null;
  /** Told once when the unsent output passes the bound (the connection says BYE and closes). */
  onOverflow: ((bufferedBytes: number) => void) | null = null;

  readonly acceptedMs: number;
  /** The bytes of a partial frame charged to the memory budget (`inputBuffers`). */
  private chargedInput = 0;
  private partialSince = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly maxBufferedBytes: number,
    readonly reader: LengthPrefixedReader,
    private readonly maxFrameBytes: number,
    private readonly limits: ConnectionLimits,
    private readonly budget: MemoryBudget,
  ) {
    this.acceptedMs = limits.acceptedMs(socket);
    this.remote = `tcp ${socket.remoteAddress}:${socket.remotePort}`;
  }

  sessionStarted(): void {
    this.reader.setMaxFrameBytes(this.maxFrameBytes);
    this.limits.sessionStarted(this.socket);
  }

  partialFrameSinceMs(): number {
    return this.partialSince;
  }

  /** After each chunk: what the reader holds of an unfinished frame, and since when. */
  inputRead(): void {
    const pending = this.reader.pendingBytes;
    if (pending === this.chargedInput) return;
    if (pending > this.chargedInput) this.budget.charge('inputBuffers', pending - this.chargedInput);
    else this.budget.release('inputBuffers', this.chargedInput - pending);
    this.chargedInput = pending;
    this.partialSince = pending === 0 ? 0 : this.partialSince === 0 ? Date.now() : this.partialSince;
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
    if (this.chargedInput > 0) this.budget.release('inputBuffers', this.chargedInput);
    this.chargedInput = 0;
    this.batch.discard();
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }

  private get writable(): boolean {
    return !this.socket.destroyed && !this.socket.writableEnded;
  }

  /**
   * A client that stops reading must not make the server buffer without bound. The unsent output
   * is (a part of) the kept frames, and the bound is theirs plus a margin, so only a client that
   * is over its kept bound can reach it (session.ts decides about those).
   */
  private checkBuffered(): void {
    const buffered = this.socket.writableLength + this.batch.pendingBytes;
    if (buffered <= this.maxBufferedBytes || this.onOverflow === null) return;
    const tell = this.onOverflow;
    this.onOverflow = null;
    tell(buffered);
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
    private readonly limits: ConnectionLimits,
    private readonly budget: MemoryBudget,
    tlsCredentials: TlsCredentials | null = null,
  ) {
    // noDelay at accept, in C++: frames are batched per event-loop turn, never held back for Nagle.
    // With TLS the raw socket is counted at accept and wrapped here (not by a tls.Server), so that
    // the connection limits and the handshake deadline (the limits' sweep at loginTimeoutMs from
    // accept) see the socket from its first moment, and know which raw socket a session's is.
    const secureContext = tlsCredentials === null ? null : tls.createSecureContext(tlsCredentials);
    this.server = net.createServer({ noDelay: true }, (socket) => {
      if (secureContext === null) this.onSocket(socket, socket);
      else this.onTlsSocket(socket, secureContext);
    });
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

  /** Counts the raw socket, then runs its TLS handshake; the connection starts once it is done. */
  private onTlsSocket(raw: net.Socket, secureContext: tls.SecureContext): void {
    if (this.limits.admit(raw, 'tls') !== null) {
      raw.destroy();
      return;
    }
    // Until the handshake is done only close() can reach it.
    this.sockets.add(raw);
    raw.once('close', () => this.sockets.delete(raw));
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
    secure.once('secure', () => {
      this.limits.alias(secure, raw);
      this.onSocket(secure, raw);
    });
    secure.on('error', (e) => {
      if (this.logger.enabled('debug')) this.logger.debug(`tls ${raw.remoteAddress}:${raw.remotePort}: ${e.message}`);
      secure.destroy();
    });
  }

  /** `socket` carries the frames; `raw` is what was counted at accept (the same without TLS). */
  private onSocket(socket: net.Socket, raw: net.Socket): void {
    // Refused at once, without a word: the client has not said HELLO, and a flood costs least so.
    if (socket === raw && this.limits.admit(socket, 'tcp') !== null) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    // Before login only a small frame is accepted (raised in sessionStarted).
    const reader = new LengthPrefixedReader(MAX_FRAME_BYTES_BEFORE_LOGIN);
    const transport = new TcpFrameTransport(socket, this.maxBufferedBytes, reader, this.maxFrameBytes, this.limits, this.budget);
    this.limits.connected(socket);
    const connection = this.accept(transport);
    transport.onOverflow = (buffered) => connection.outputOverflow(buffered, this.maxBufferedBytes);
    if (this.logger.enabled('debug')) this.logger.debug(`${transport.remote}: connected`);
    socket.on('data', (chunk: Buffer) => {
      if (!connection.isOpen) return;
      connection.heard();
      let bodies: Uint8Array[];
      try {
        bodies = reader.push(chunk);
      } catch (e) {
        const reason = e instanceof ProtocolError ? e.reason : String(e);
        connection.protocolError(connection.session === null ? `${reason} (at most ${MAX_FRAME_BYTES_BEFORE_LOGIN} bytes before login)` : reason);
        return;
      }
      transport.inputRead();
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
