/** TCP listener for native clients: each frame is a 4-byte big-endian length, then the body. */
import * as net from 'node:net';
import { LengthPrefixedReader, ProtocolError } from '../protocol';
import type { Connection } from './connection';
import type { Logger } from './logger';
import { CLOSE_GRACE_MS, FrameTransport } from './transport';

export type ConnectionFactory = (transport: FrameTransport) => Connection;

/** One TCP socket. Writes of one event-loop turn are corked and leave in one writev. */
class TcpFrameTransport implements FrameTransport {
  readonly remote: string;
  private corked = false;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly socket: net.Socket, private readonly maxBufferedBytes: number) {
    this.remote = `tcp ${socket.remoteAddress}:${socket.remotePort}`;
  }

  send(body: Uint8Array): void {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(body.length, 0);
    socket.write(header);
    socket.write(body);
    // A client that stops reading must not make the server buffer without bound.
    if (socket.writableLength > this.maxBufferedBytes) socket.destroy();
  }

  end(): void {
    if (this.socket.destroyed || this.closeTimer !== null) return;
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.closeTimer.unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  closed(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}

export class TcpTransport {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly logger: Logger,
    private readonly maxFrameBytes: number,
    private readonly maxBufferedBytes: number,
    private readonly accept: ConnectionFactory,
  ) {
    this.server = net.createServer((socket) => this.onSocket(socket));
    this.server.on('error', (e) => this.logger.error(`tcp listener: ${e.message}`));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
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
    socket.setNoDelay(true);
    const transport = new TcpFrameTransport(socket, this.maxBufferedBytes);
    const reader = new LengthPrefixedReader(this.maxFrameBytes);
    const connection = this.accept(transport);
    this.logger.debug(`${transport.remote}: connected`);
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
    socket.on('error', (e) => this.logger.debug(`${transport.remote}: socket error: ${e.message}`));
    socket.on('close', () => {
      this.sockets.delete(socket);
      transport.closed();
      connection.transportClosed();
    });
  }
}
