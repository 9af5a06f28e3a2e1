/**
 * The signaling server: TCP and WebSocket listeners, login and resume, and the sessions of this
 * process. Who is online and where events go is behind SessionDirectory and MessageRouter, so a
 * clustered store can replace the in-memory one.
 */
import { randomBytes } from 'node:crypto';
import { encodeFrame, FrameType, LoginFrame, PROTOCOL_VERSION, ResumeFrame, utf8Encode } from '../protocol';
import { AppRegistry } from './app-registry';
import { resolveConfig, ServerConfig, ServerConfigInput } from './config';
import { Connection, ConnectionHost } from './connection';
import { ErrorCode } from './error-codes';
import { dispatchRequest } from './handlers/dispatch';
import type { Reply, RequestServices } from './handlers/request-handler';
import { checkLogin } from './login-check';
import { createLogger, Logger } from './logger';
import { Session, SessionHost, SessionLimits } from './session';
import { isPromise, MaybePromise } from './state/maybe-promise';
import { MemoryMessageRouter } from './state/memory-message-router';
import { MemorySessionDirectory } from './state/memory-session-directory';
import type { MessageRouter } from './state/message-router';
import type { SessionDirectory } from './state/session-directory';
import { TcpTransport } from './tcp-transport';
import type { FrameTransport } from './transport';
import { WebSocketTransport } from './websocket-transport';

export interface SignalServerOptions {
  /** Where log lines go; by default stderr at config.logLevel. */
  logger?: Logger;
  /** Shared state; both default to one in-memory store. */
  directory?: SessionDirectory;
  router?: MessageRouter;
}

export interface ListeningAddress {
  host: string;
  tcpPort: number;
  wsPort: number;
}

export class SignalServer implements ConnectionHost, SessionHost, RequestServices {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly directory: SessionDirectory;
  readonly router: MessageRouter;
  readonly heartbeatMs: number;
  readonly welcomeBody: Uint8Array;
  readonly limits: SessionLimits;

  private readonly apps: AppRegistry;
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private readonly tcp: TcpTransport;
  private readonly websocket: WebSocketTransport;
  private nextUid = 1;
  private serverMsgId = 0;
  private closing = false;

  constructor(config: ServerConfigInput = {}, options: SignalServerOptions = {}) {
    this.config = resolveConfig(config);
    this.logger = options.logger ?? createLogger(this.config.logLevel);
    if ((options.directory === undefined) !== (options.router === undefined)) {
      throw new Error('give both a directory and a router, or neither');
    }
    if (options.directory !== undefined && options.router !== undefined) {
      this.directory = options.directory;
      this.router = options.router;
    } else {
      const memory = new MemorySessionDirectory();
      this.directory = memory;
      this.router = new MemoryMessageRouter(memory);
    }
    this.apps = new AppRegistry(this.config.apps.acceptAnyAppId, this.config.apps.apps);
    this.heartbeatMs = this.config.heartbeatMs;
    this.limits = {
      resumeWindowMs: this.config.resumeWindowMs,
      maxKeptFrames: this.config.maxKeptFrames,
      maxKeptBytes: this.config.maxKeptBytes,
    };
    this.welcomeBody = encodeFrame({
      type: FrameType.Welcome,
      version: PROTOCOL_VERSION,
      heartbeatMs: this.config.heartbeatMs,
      resumeWindowMs: this.config.resumeWindowMs,
      maxFrameBytes: this.config.maxFrameBytes,
    });
    // Beyond the kept frames, allow a few maximal frames of socket buffer before calling a client stuck.
    const maxBufferedBytes = this.config.maxKeptBytes + 4 * this.config.maxFrameBytes;
    const accept = (transport: FrameTransport): Connection => this.accept(transport);
    this.tcp = new TcpTransport(this.logger, this.config.maxFrameBytes, maxBufferedBytes, accept);
    this.websocket = new WebSocketTransport(this.logger, this.config.maxFrameBytes, maxBufferedBytes, accept);
  }

  /** Starts both listeners; a port of 0 picks a free one. */
  async listen(): Promise<ListeningAddress> {
    const { host } = this.config;
    const tcpPort = await this.tcp.listen(host, this.config.tcpPort);
    let wsPort: number;
    try {
      wsPort = await this.websocket.listen(host, this.config.wsPort);
    } catch (e) {
      await this.tcp.close();
      throw e;
    }
    this.logger.info(`listening on tcp://${host}:${tcpPort} and ws://${host}:${wsPort}`);
    return { host, tcpPort, wsPort };
  }

  /** The HTTP server under the WebSocket endpoint (to serve other things on the same port). */
  get httpServer(): WebSocketTransport['httpServer'] {
    return this.websocket.httpServer;
  }

  /** Number of sessions of this process (connected or in their resume window). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Says BYE(100) to every client, forgets every session and stops listening. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const connection of [...this.connections]) connection.close(ErrorCode.LogoutOther, 'server shutting down');
    for (const session of [...this.sessions.values()]) {
      session.dispose();
      const unregistered = this.directory.unregister(session);
      if (isPromise(unregistered)) await unregistered.catch(() => undefined);
    }
    this.sessions.clear();
    await Promise.all([this.tcp.close(), this.websocket.close()]);
    this.logger.info('stopped');
  }

  // --- ConnectionHost -----------------------------------------------------------------------

  login(connection: Connection, frame: LoginFrame): MaybePromise<void> {
    if (connection.session !== null) {
      connection.sendFrame({ type: FrameType.LoginFail, code: ErrorCode.LoginAlreadyLogin, text: utf8Encode('already logged in') });
      return;
    }
    const check = checkLogin(this.apps, frame.appId, frame.account, frame.token);
    if (!check.ok) {
      this.logger.info(`${connection.remote}: login refused (${check.code} ${check.text})`);
      connection.finish({ type: FrameType.LoginFail, code: check.code, text: utf8Encode(check.text) });
      return;
    }
    const session = new Session(this, {
      sessionId: randomBytes(16).toString('hex'),
      uid: this.assignUid(),
      // Copies: the frame's fields are views into a receive buffer that must not stay pinned.
      appIdBytes: frame.appId.slice(),
      accountBytes: frame.account.slice(),
      tokenExpiredTs: check.expiredTs,
    });
    if (session.ended) {
      // The token ran out between the check and now.
      connection.finish({ type: FrameType.LoginFail, code: ErrorCode.LoginTokenExpired, text: utf8Encode('token expired') });
      return;
    }
    this.sessions.set(session.sessionId, session);
    const registered = this.directory.register(session);
    const start = (): void => {
      if (session.ended) return;
      if (!connection.isOpen) {
        // The client left while the login was being registered: it may still resume.
        session.detach(connection);
        return;
      }
      connection.sendFrame({ type: FrameType.LoginOk, uid: session.uid, sessionId: utf8Encode(session.sessionId) });
      session.attach(connection);
      this.logger.info(`${session.label}: logged in from ${connection.remote} as uid ${session.uid}`);
    };
    if (isPromise(registered)) {
      return registered.then(start, (e: unknown) => {
        session.dispose();
        this.sessions.delete(session.sessionId);
        throw e;
      });
    }
    start();
  }

  resume(connection: Connection, frame: ResumeFrame): void {
    const sessionId = Buffer.from(frame.sessionId.buffer, frame.sessionId.byteOffset, frame.sessionId.byteLength).toString('latin1');
    const session = this.sessions.get(sessionId);
    const problem = session === undefined ? 'unknown session (the resume window is over or the server restarted)' : session.resumeProblem(frame.lastSeq);
    if (session === undefined || problem !== null) {
      this.logger.info(`${connection.remote}: resume refused: ${problem}`);
      connection.sendFrame({ type: FrameType.ResumeFail, code: ErrorCode.LogoutNet, text: utf8Encode(problem ?? '') });
      return;
    }
    session.resume(connection, frame.lastSeq);
  }

  connectionClosed(connection: Connection): void {
    this.connections.delete(connection);
  }

  // --- SessionHost ---------------------------------------------------------------------------

  handleRequest(session: Session, op: number, args: Uint8Array[]): MaybePromise<Reply> {
    return dispatchRequest(this, session, op, args);
  }

  sessionEnded(session: Session): void {
    if (this.sessions.get(session.sessionId) === session) this.sessions.delete(session.sessionId);
    const unregistered = this.directory.unregister(session);
    if (isPromise(unregistered)) {
      unregistered.catch((e: unknown) => this.logger.error(`${session.label}: unregister failed: ${String(e)}`));
    }
  }

  // --- RequestServices -----------------------------------------------------------------------

  nextServerMsgId(): number {
    return ++this.serverMsgId;
  }

  // -------------------------------------------------------------------------------------------

  private accept(transport: FrameTransport): Connection {
    const connection = new Connection(this, transport);
    this.connections.add(connection);
    if (this.closing) connection.close(ErrorCode.LogoutOther, 'server shutting down');
    return connection;
  }

  /** 32-bit, never 0, unique per login while fewer than 2^32-1 logins happened. */
  private assignUid(): number {
    const uid = this.nextUid;
    this.nextUid = this.nextUid >= 0xffffffff ? 1 : this.nextUid + 1;
    return uid;
  }
}
