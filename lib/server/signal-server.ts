/**
 * The signaling server: TCP and WebSocket listeners, login and resume, and the sessions of this
 * process. Who is online and where events go is behind SessionDirectory and MessageRouter, so a
 * clustered store can replace the in-memory one.
 */
import { encodeFrame } from '../protocol/codec';
import { PROTOCOL_VERSION } from '../protocol/constants';
import { LoginFrame, ResumeFrame } from '../protocol/frame';
import { FrameType } from '../protocol/frame-type';
import { EventKind } from '../protocol/ops';
import { utf8Encode } from '../protocol/text';
import { AppMessageHub } from './app-message-hub';
import { AppRegistry } from './app-registry';
import { ChannelService } from './channel-service';
import { decimalBytes } from './decimal';
import { resolveConfig, ServerConfig, ServerConfigInput } from './config';
import { Connection, ConnectionHost } from './connection';
import { ConnectionLimits } from './connection-limits';
import { RefusalLog } from './refusal-log';
import { newSessionId } from './session-id';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { dispatchRequest, requestMayOverlap } from './handlers/dispatch';
import { gatewayResolver } from './invite-config';
import { InviteService } from './invite-service';
import type { Reply } from './reply';
import type { AppStats, MessageLimits, RequestServices, ServerStats } from './handlers/request-handler';
import { checkLogin } from './login-check';
import { createLogger, Logger, logEvent } from './logger';
import { TrafficCounters } from './ops/traffic-counters';
import { MemoryBudget } from './state/memory-budget';
import { Scheduler } from './state/scheduler';
import { IN_FLIGHT_FACTOR, Session, SessionHost, SessionLimits } from './session';
import type { ChannelBroker } from './state/channel-broker';
import type { ChannelStore } from './state/channel-store';
import { isPromise, MaybePromise, then } from './state/maybe-promise';
import { MemoryChannelStore } from './state/memory-channel-store';
import { MemoryOfflineMessageStore } from './state/memory-offline-message-store';
import { MemoryUserAttrStore } from './state/memory-user-attr-store';
import type { HeldMessage, OfflineMessageStore } from './state/offline-message-store';
import type { InviteStore } from './state/invite-store';
import { MemoryInviteStore } from './state/memory-invite-store';
import type { UserAttrStore } from './state/user-attr-store';
import { MemoryMessageRouter } from './state/memory-message-router';
import { MemorySessionDirectory } from './state/memory-session-directory';
import type { MessageRouter } from './state/message-router';
import type { SessionDirectory } from './state/session-directory';
import { TcpTransport } from './tcp-transport';
import { loadTlsCredentials } from './tls-credentials';
import type { FrameTransport } from './transport';
import { WebSocketTransport } from './websocket-transport';
import { latin1 } from './state/latin1';
import type { ClusterNode } from './redis/cluster-state';
import { StoreUnavailable } from './state/store-unavailable';
import type { ClusterHost, GoneSession } from './redis/redis-node';
import type { RequestSender } from './request-sender';
import type { SessionSnapshot } from './session-snapshot';

export interface SignalServerOptions {
  /** Where log lines go; by default stderr at config.logLevel. */
  logger?: Logger;
  /** Shared state; both default to one in-memory store. */
  directory?: SessionDirectory;
  router?: MessageRouter;
  /** Channels, user attributes and held messages; each defaults to an in-memory store. */
  channels?: ChannelStore;
  userAttrs?: UserAttrStore;
  offlineMessages?: OfflineMessageStore;
  /** Call invitations; defaults to an in-memory store. */
  invites?: InviteStore;
  /** The node of a Redis cluster this server runs as (redis/cluster-state.ts); none = a single process. */
  cluster?: ClusterNode;
  /** Channel fan-out across nodes (a RedisChannelBroker beside a RedisChannelStore); defaults to this process's. */
  broker?: ChannelBroker;
}

export interface ListeningAddress {
  host: string;
  tcpPort: number;
  wsPort: number;
  /** Both listeners speak TLS (tls:// and wss://). */
  tls: boolean;
}

export class SignalServer implements ConnectionHost, SessionHost, RequestServices, ClusterHost {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly directory: SessionDirectory;
  readonly router: MessageRouter;
  readonly heartbeatMs: number;
  readonly loginTimeoutMs: number;
  readonly frameTimeoutMs: number;
  /** Summary log lines of refused connections and of those closed in bulk. */
  readonly refusals: RefusalLog;
  /** The client sockets held, against maxConnections, maxConnectionsPerAddress, reservedConnections. */
  readonly connectionLimits: ConnectionLimits;
  readonly welcomeBody: Uint8Array;
  readonly limits: SessionLimits;
  /** The one timer queue of channel TTLs, `_member_num` updates and held-message expiry. */
  readonly scheduler: Scheduler;
  readonly channelStore: ChannelStore;
  readonly channels: ChannelService;
  readonly userAttrs: UserAttrStore;
  readonly offlineMessages: OfflineMessageStore;
  /** MSG_APP from users: `server.appMessages.on('message', ({ appId, account, uid, msg }) => ...)`. */
  readonly appMessages = new AppMessageHub();
  readonly messageLimits: MessageLimits;
  readonly inviteStore: InviteStore;
  readonly invites: InviteService;
  /** What clients make this process keep, against `memoryBudgetBytes` (memory-budget.ts). */
  readonly memoryBudget: MemoryBudget;
  /** Frames, requests, deliveries, logins and resumes so far, for /metrics (ops/). */
  readonly counters = new TrafficCounters();

  private readonly apps: AppRegistry;
  private readonly cluster: ClusterNode | null;
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  /** Checks every connection for silence and for a missing login (started when listening). */
  private watchdog: NodeJS.Timeout | null = null;
  /** Both listeners speak TLS (config tlsCert and tlsKey). */
  private readonly tls: boolean;
  private readonly tcp: TcpTransport;
  private readonly websocket: WebSocketTransport;
  private nextUid = 1;
  private serverMsgId = 0;
  private closing = false;
  /** goAway() was called: connections are told to go, new ones at once. */
  private goingAway = false;
  private listening = false;

  constructor(config: ServerConfigInput = {}, options: SignalServerOptions = {}) {
    this.config = resolveConfig(config);
    this.logger = options.logger ?? createLogger(this.config.logLevel, undefined, this.config.logFormat);
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
    this.cluster = options.cluster ?? null;
    this.memoryBudget = new MemoryBudget(this.config.memoryBudgetBytes);
    this.scheduler = new Scheduler(Date.now, (e) => this.logger.error(`scheduled task failed: ${(e as Error)?.stack ?? String(e)}`));
    const settings = this.config;
    this.channelStore =
      options.channels ??
      new MemoryChannelStore(this.scheduler, {
        userMessagesPerSecond: settings.userChannelMessagesPerSecond,
        channelMessagesPerSecond: settings.channelMessagesPerSecond,
        defaultChannelTtlSeconds: settings.defaultChannelTtlSeconds,
        userP2pMessagesPerSecond: settings.userP2pMessagesPerSecond,
      }, Date.now, {
        maxAttrsPerChannel: settings.maxAttrsPerChannel,
        maxAttrBytesPerChannel: settings.maxAttrBytesPerChannel,
        maxIdleAttrChannelsPerApp: settings.maxIdleAttrChannelsPerApp,
      }, this.memoryBudget);
    this.channels = new ChannelService(this.channelStore, this.router, () => this.nextServerMsgId(), settings.memberEventsLimit, {
      maxChannelTtlSeconds: settings.maxChannelTtlSeconds,
      maxFrameBytes: settings.maxFrameBytes,
    }, options.broker);
    this.userAttrs =
      options.userAttrs ??
      new MemoryUserAttrStore(
        { maxAttrsPerAccount: settings.maxUserAttrsPerAccount, maxBytesPerAccount: settings.maxUserAttrBytesPerAccount, maxBytesTotal: settings.maxUserAttrBytesTotal },
        this.memoryBudget,
      );
    this.offlineMessages =
      options.offlineMessages ??
      new MemoryOfflineMessageStore(this.scheduler, {
        maxMessagesPerApp: settings.maxHeldMessagesPerApp,
        maxBytesPerApp: settings.maxHeldBytesPerApp,
        maxMessagesPerAccount: settings.maxHeldMessagesPerAccount,
        maxMessagesTotal: settings.maxHeldMessagesTotal,
        maxBytesTotal: settings.maxHeldBytesTotal,
      }, this.memoryBudget);
    this.offlineMessages.setListener({ expired: (appId, account, message) => this.heldMessageExpired(appId, account, message) });
    this.inviteStore = options.invites ?? new MemoryInviteStore(this.scheduler);
    this.invites = new InviteService(
      this.inviteStore,
      this.directory,
      this.router,
      { ...settings.invite, gatewayOf: gatewayResolver(settings.apps.apps, settings.invite.sipGateway) },
      (what, e) => this.logger.error(`${what} failed: ${(e as Error)?.stack ?? String(e)}`),
    );
    this.cluster?.attach(this);
    this.messageLimits = { maxTtlSeconds: settings.maxMessageTtlSeconds, pushTtlSeconds: settings.pushTtlSeconds };
    this.apps = new AppRegistry(this.config.apps.acceptAnyAppId, this.config.apps.apps);
    this.heartbeatMs = this.config.heartbeatMs;
    this.loginTimeoutMs = this.config.loginTimeoutMs;
    this.frameTimeoutMs = this.config.frameTimeoutMs;
    this.refusals = new RefusalLog(this.logger);
    this.connectionLimits = new ConnectionLimits(this.config, this.refusals);
    this.limits = {
      resumeWindowMs: this.config.resumeWindowMs,
      maxKeptFrames: this.config.maxKeptFrames,
      maxKeptBytes: this.config.maxKeptBytes,
      // Two heartbeats: a client ACKs at every heartbeat, so this is one missed ACK and a margin.
      ackGraceMs: 2 * this.config.heartbeatMs,
      maxQueuedRequests: this.config.maxQueuedRequests,
      maxQueuedRequestBytes: this.config.maxQueuedRequestBytes,
      maxFrameBytes: this.config.maxFrameBytes,
    };
    this.welcomeBody = encodeFrame({
      type: FrameType.Welcome,
      version: PROTOCOL_VERSION,
      heartbeatMs: this.config.heartbeatMs,
      resumeWindowMs: this.config.resumeWindowMs,
      maxFrameBytes: this.config.maxFrameBytes,
    });
    // The unsent output is part of the kept frames: their bytes, a frame header each (a WebSocket
    // header is at most 14 bytes), and a margin of a few maximal frames for unsequenced frames
    // (PONG, BYE) and a RESULT past the bound. A client within what it may keep in flight (twice
    // the kept bound, session.ts) never reaches it.
    const maxBufferedBytes = IN_FLIGHT_FACTOR * (this.config.maxKeptBytes + 16 * this.config.maxKeptFrames) + 4 * this.config.maxFrameBytes;
    const accept = (transport: FrameTransport): Connection => this.accept(transport);
    // Throws ConfigError naming a bad certificate or key file. The TLS handshake is within the
    // handshake deadline (loginTimeoutMs from accept, the connection limits' sweep).
    const tls = loadTlsCredentials(this.config);
    this.tls = tls !== null;
    this.tcp = new TcpTransport(this.logger, this.config.maxFrameBytes, maxBufferedBytes, accept, this.connectionLimits, this.memoryBudget, tls);
    this.websocket = new WebSocketTransport(this.logger, this.config.maxFrameBytes, maxBufferedBytes, accept, this.connectionLimits, undefined, tls, this.config.loginTimeoutMs);
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
    const [tcpScheme, wsScheme] = this.tls ? ['tls', 'wss'] : ['tcp', 'ws'];
    this.logger.info(`listening on ${tcpScheme}://${host}:${tcpPort} and ${wsScheme}://${host}:${wsPort}`);
    this.startWatchdog();
    this.listening = true;
    return { host, tcpPort, wsPort, tls: this.tls };
  }

  /** The HTTP server under the WebSocket endpoint (to serve other things on the same port). */
  get httpServer(): WebSocketTransport['httpServer'] {
    return this.websocket.httpServer;
  }

  /** Number of sessions of this process (connected or in their resume window). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The sessions of this process, connected or in their resume window (admin API, metrics). */
  localSessions(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** The client connections of this process, logged in or not (metrics). */
  localConnections(): ReadonlySet<Connection> {
    return this.connections;
  }

  /** Both listeners are up and the server is not shutting down (readiness, /readyz). */
  get isListening(): boolean {
    return this.listening && !this.goingAway && !this.closing;
  }

  /** True once goAway() or close() was called. */
  get isStopping(): boolean {
    return this.goingAway || this.closing;
  }

  /**
   * The first step of a graceful shutdown (ops/graceful-shutdown.ts): every client, and every
   * one that connects from now on, gets BYE(100, "server going away") and reconnects (to another
   * node behind the same address, or to this one once it is back). On one process the sessions
   * leave the directory at once: nothing can resume them any more, and a message with a time to
   * live sent meanwhile is held for the account's next login instead of being kept by a session
   * that is about to be dropped. On a node of a cluster they stay, to move to the node their
   * clients resume on.
   */
  goAway(): void {
    if (this.goingAway || this.closing) return;
    this.goingAway = true;
    for (const connection of [...this.connections]) connection.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'server going away');
    // One process: nothing can resume the sessions elsewhere, so they leave the directory now. A
    // node of a cluster keeps them registered: their clients resume on another node, which takes
    // each session over with everything sent to it meanwhile (the drain waits for that).
    if (this.cluster !== null) return;
    for (const session of this.sessions.values()) this.settle(this.directory.unregister(session), () => `${session.label}: unregister failed`);
  }

  /** A node of a cluster: its sessions can move to another node (resume elsewhere). */
  get clustered(): boolean {
    return this.cluster !== null;
  }

  /** Says BYE(100) to every client, forgets every session and stops listening. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
    this.refusals.flush();
    for (const connection of [...this.connections]) connection.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'server shutting down');
    if (this.cluster !== null) {
      // The other nodes share the channels and invitations of these sessions: they see them end.
      const ending: Promise<unknown>[] = [];
      for (const session of this.sessions.values()) {
        const ended = then(this.channels.sessionEnded(session), () =>
          then(this.channels.userOnline(session, 'logout', AGORA_E_CODE.LOGOUT_E_OTHER), () => this.invites.sessionEnded(session, AGORA_E_CODE.LOGOUT_E_OTHER)),
        );
        if (isPromise(ended)) ending.push(ended.catch((e: unknown) => this.logger.warn(`${session.label}: ending its channel and invitations at shutdown failed: ${String(e)}`)));
      }
      await Promise.all(ending);
    }
    // All at once: with Redis away, each waits for its command timeout.
    const unregistering: Promise<void>[] = [];
    for (const session of [...this.sessions.values()]) {
      session.dispose();
      const unregistered = this.directory.unregister(session);
      if (isPromise(unregistered)) unregistering.push(unregistered.catch(() => undefined));
    }
    await Promise.all(unregistering);
    this.sessions.clear();
    this.scheduler.stop();
    this.channelStore.close();
    await this.channels.close();
    this.offlineMessages.close();
    this.inviteStore.close();
    await Promise.all([this.tcp.close(), this.websocket.close()]);
    if (this.cluster !== null) await this.cluster.close();
    this.logger.info('stopped');
  }

  // --- ConnectionHost -----------------------------------------------------------------------

  login(connection: Connection, frame: LoginFrame): MaybePromise<void> {
    if (connection.session !== null) {
      connection.sendFrame({ type: FrameType.LoginFail, code: AGORA_E_CODE.LOGIN_E_ALREADY_LOGIN, text: utf8Encode('already logged in') });
      return;
    }
    const check = checkLogin(this.apps, frame.appId, frame.account, frame.token);
    if (!check.ok) {
      this.counters.login(check.code);
      logEvent(this.logger, 'info', 'login_refused', { address: connection.remote, code: check.code }, `${connection.remote}: login refused (${check.code} ${check.text})`);
      connection.finish({ type: FrameType.LoginFail, code: check.code, text: utf8Encode(check.text) });
      return;
    }
    let uid: number;
    try {
      uid = this.assignUid();
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      this.refuseLogin(connection, e);
      return;
    }
    const session = new Session(this, {
      sessionId: newSessionId(this.cluster?.sessionIdPrefix),
      uid,
      // Copies: the frame's fields are views into a receive buffer that must not stay pinned.
      appIdBytes: frame.appId.slice(),
      accountBytes: frame.account.slice(),
      tokenExpiredTs: check.expiredTs,
    });
    if (session.ended) {
      // The token ran out between the check and now.
      this.counters.login(AGORA_E_CODE.LOGIN_E_TOKENEXPIRED);
      connection.finish({ type: FrameType.LoginFail, code: AGORA_E_CODE.LOGIN_E_TOKENEXPIRED, text: utf8Encode('token expired') });
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
      this.counters.login(0);
      if (this.logger.enabled('info')) {
        const fields = { appId: latin1Text(session.appId), account: latin1Text(session.account), address: connection.remote, uid: session.uid };
        logEvent(this.logger, 'info', 'login', fields, `${session.label}: logged in from ${connection.remote} as uid ${session.uid}`);
      }
      this.afterLogin(session);
    };
    if (isPromise(registered)) {
      return registered.then(start, (e: unknown) => {
        session.dispose();
        this.sessions.delete(session.sessionId);
        if (!(e instanceof StoreUnavailable)) throw e;
        this.refuseLogin(connection, e);
        // Listed in Redis perhaps: a compare-and-delete now, or a survivor's sweep if this node dies.
        this.settle(this.directory.unregister(session), 'unregistering a refused login');
      });
    }
    start();
  }

  resume(connection: Connection, frame: ResumeFrame): MaybePromise<void> {
    const sessionId = latin1(frame.sessionId);
    const session = this.sessions.get(sessionId);
    if (session === undefined && this.cluster !== null) {
      // Perhaps a session of another node whose client reconnected here: it moves here first.
      const lastSeq = frame.lastSeq;
      return this.cluster.bringHere(sessionId, lastSeq).then((outcome) => {
        if (!connection.isOpen) return;
        const here = this.sessions.get(sessionId);
        const problem = !outcome.ok ? outcome.problem : here === undefined ? 'the session ended while moving to this server' : here.resumeProblem(lastSeq);
        if (here === undefined || problem !== null) {
          this.logger.info(`${connection.remote}: resume refused: ${problem}`);
          connection.sendFrame({ type: FrameType.ResumeFail, code: AGORA_E_CODE.LOGOUT_E_NET, text: utf8Encode(problem ?? '') });
          return;
        }
        here.resume(connection, lastSeq);
      });
    }
    const problem = session === undefined ? 'unknown session (the resume window is over or the server restarted)' : session.resumeProblem(frame.lastSeq);
    this.counters.resumed(session !== undefined && problem === null);
    if (session === undefined || problem !== null) {
      logEvent(this.logger, 'info', 'resume_refused', { address: connection.remote }, `${connection.remote}: resume refused: ${problem}`);
      connection.sendFrame({ type: FrameType.ResumeFail, code: AGORA_E_CODE.LOGOUT_E_NET, text: utf8Encode(problem ?? '') });
      return;
    }
    session.resume(connection, frame.lastSeq);
  }

  connectionClosed(connection: Connection): void {
    this.connections.delete(connection);
  }

  // --- SessionHost ---------------------------------------------------------------------------

  mayOverlap(op: number): boolean {
    return requestMayOverlap(op);
  }

  /** The session counts the answer (TrafficCounters.answered) as it sends it. */
  handleRequest(session: Session, op: number, args: Uint8Array[]): MaybePromise<Reply> {
    this.counters.request(op);
    return dispatchRequest(this, session, op, args);
  }

  memberCannotKeepUp(session: Session): void {
    this.settle(this.channels.removeSlowMember(session), () => `${session.label}: removing it from its channel failed`);
  }

  sessionEnded(session: Session): void {
    if (this.sessions.get(session.sessionId) === session) this.sessions.delete(session.sessionId);
    this.settle(
      then(this.channels.sessionEnded(session), () => this.channels.userOnline(session, 'logout', session.endCode ?? undefined)),
      () => `${session.label}: leaving its channel failed`,
    );
    this.settle(this.invites.sessionEnded(session, session.endCode ?? AGORA_E_CODE.LOGOUT_E_OTHER), () => `${session.label}: ending its invitations failed`);
    const unregistered = this.directory.unregister(session);
    if (isPromise(unregistered)) {
      unregistered.catch((e: unknown) => this.logger.error(`${session.label}: unregister failed: ${String(e)}`));
    }
  }

  // --- RequestServices -----------------------------------------------------------------------

  nextServerMsgId(): number {
    return this.cluster !== null ? this.cluster.nextServerMsgId() : ++this.serverMsgId;
  }

  stats(): ServerStats {
    return { sessions: this.sessions.size, channels: this.channelStore.channelCount, scheduledTasks: this.scheduler.size, invitations: this.inviteStore.count };
  }

  appStats(appId: string): AppStats {
    let sessions = 0;
    for (const session of this.sessions.values()) if (session.appId === appId) sessions++;
    return { sessions, channels: this.channelStore.channelCountOf(appId), invitations: this.inviteStore.countOf(appId) };
  }

  get maxFrameBytes(): number {
    return this.config.maxFrameBytes;
  }

  /**
   * Sends APP_MSG (onMessageAppReceived) to the session of (appId, account); appId and account as
   * UTF-8 text. Answers whether a session took it (false when the account is offline).
   */
  pushAppMessage(appId: string, account: string, msg: string | Uint8Array): MaybePromise<boolean> {
    const bytes = typeof msg === 'string' ? utf8Encode(msg) : msg.slice();
    return then(this.router.deliver(Buffer.from(appId, 'utf8').toString('latin1'), Buffer.from(account, 'utf8').toString('latin1'), EventKind.AppMsg, [bytes]), (took) => took === true);
  }

  // --- ClusterHost ---------------------------------------------------------------------------

  /**
   * Sessions of a node that died: the other members of their channels see them leave, their
   * invitations end as for a lost connection, `__agora_user_online` hears the logout.
   */
  onSessionsGone(sessions: GoneSession[]): void {
    for (const gone of sessions) {
      const label = () => `session ${gone.sessionId} of a dead node`;
      const ghost: RequestSender = {
        appId: gone.appId,
        account: gone.account,
        accountBytes: Buffer.from(gone.account, 'latin1'),
        uid: gone.uid,
        uidBytes: decimalBytes(gone.uid),
        sessionId: gone.sessionId,
        joinedChannel: null,
        deliverEvent: () => false,
      };
      this.settle(
        then(this.channels.endMembershipsOf(gone.appId, gone.account, gone.sessionId), () => this.channels.userOnline(ghost, 'logout', AGORA_E_CODE.LOGOUT_E_NET)),
        () => `${label()}: leaving its channel failed`,
      );
      this.settle(this.invites.sessionEnded(ghost, AGORA_E_CODE.LOGOUT_E_NET), () => `${label()}: ending its invitations failed`);
    }
  }

  // --- MigrationHost: sessions moving between nodes (resume on another node) ------------------

  localSession(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  forgetMovedSession(session: Session): void {
    if (this.sessions.get(session.sessionId) === session) this.sessions.delete(session.sessionId);
  }

  adoptSession(snapshot: SessionSnapshot): Session {
    const session = Session.restore(this, snapshot);
    this.sessions.get(session.sessionId)?.dispose();
    this.sessions.set(session.sessionId, session);
    if (session.joinedChannel !== null) this.channels.admitMoved(session, snapshot.channelPosition);
    this.logger.info(`${session.label}: moved here from another server (resumes after seq ${snapshot.lastSeq})`);
    return session;
  }

  expectChannel(appId: string, channel: string, sessionId: string): Promise<void> {
    return this.channels.expectMoved(appId, channel, sessionId);
  }

  cancelChannel(appId: string, channel: string, sessionId: string): void {
    this.settle(this.channels.cancelMoved(appId, channel, sessionId), 'giving up a channel subscription');
  }

  settleChannels(): Promise<void> {
    return this.channels.settleBroker();
  }

  handOffChannel(session: Session): number {
    return this.channels.handOff(session);
  }

  /** The others removed this node's sessions: their clients must log in again (to any node). */
  onDeclaredDead(): void {
    for (const session of [...this.sessions.values()]) session.end(AGORA_E_CODE.LOGOUT_E_NET, 'this server lost its place in the cluster; log in again');
  }

  // -------------------------------------------------------------------------------------------

  /** The login fails with LOGIN_E_NET (201): Redis is needed to log in and could not be reached. */
  private refuseLogin(connection: Connection, e: StoreUnavailable): void {
    this.logger.warn(`${connection.remote}: login refused: ${e.message}`);
    connection.finish({ type: FrameType.LoginFail, code: AGORA_E_CODE.LOGIN_E_NET, text: utf8Encode(e.message) });
  }

  /** Messages held for the account come first, in order; then the login is told to `__agora_user_online`. */
  private afterLogin(session: Session): void {
    const delivered = then(this.offlineMessages.takeAll(session.appId, session.account), (held) => {
      for (const message of held) {
        const serverMsgId = decimalBytes(message.serverMsgId);
        const took = session.deliverEvent(EventKind.InstantMsg, [message.fromAccountBytes, decimalBytes(message.fromUid), message.msg, serverMsgId]);
        if (took === true) {
          this.settle(this.router.deliver(session.appId, message.fromAccount, EventKind.MsgDelivered, [serverMsgId], message.fromSessionId), 'MSG_DELIVERED failed');
        } else {
          // More held than the new session's kept bound takes: the sender hears this one's fate.
          const text = `message to ${Buffer.from(session.account, 'latin1').toString('utf8')} not delivered: ${took === false ? 'its session ended' : `the peer ${took.clause}`}`;
          const fields = [serverMsgId, decimalBytes(AGORA_E_CODE.SENDMESSAGE_E_OTHER), utf8Encode(text)];
          this.settle(this.router.deliver(session.appId, message.fromAccount, EventKind.MsgExpired, fields, message.fromSessionId), 'MSG_EXPIRED failed');
        }
      }
      return then(this.invites.sessionStarted(session), () => this.channels.userOnline(session, 'login'));
    });
    if (isPromise(delivered)) session.holdRequestsUntil(delivered);
    this.settle(delivered, () => `${session.label}: delivering held messages failed`);
  }

  private heldMessageExpired(appId: string, account: string, message: HeldMessage): void {
    const text = `message to ${Buffer.from(account, 'latin1').toString('utf8')} expired: the peer did not log in within its time to live`;
    const fields = [decimalBytes(message.serverMsgId), decimalBytes(AGORA_E_CODE.SENDMESSAGE_E_TIMEOUT), utf8Encode(text)];
    this.settle(this.router.deliver(appId, message.fromAccount, EventKind.MsgExpired, fields, message.fromSessionId), 'MSG_EXPIRED failed');
  }

  /** Logs the failure of work nobody waits for. */
  /** `what` names the work in the log line; a function when building the name costs (per login). */
  private settle(work: MaybePromise<unknown>, what: string | (() => string)): void {
    if (!isPromise(work)) return;
    work.catch((e: unknown) => this.logger.error(`${typeof what === 'string' ? what : what()}: ${(e as Error)?.stack ?? String(e)}`));
  }

  private accept(transport: FrameTransport): Connection {
    const connection = new Connection(this, transport);
    this.connections.add(connection);
    this.startWatchdog();
    if (this.closing) connection.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'server shutting down');
    else if (this.goingAway) connection.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'server going away');
    return connection;
  }

  /** One sweep for every connection (silence, login and frame deadlines) and for sockets not upgraded yet. */
  private startWatchdog(): void {
    if (this.watchdog !== null || this.closing) return;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const c of this.connections) c.checkAlive(now);
      this.connectionLimits.sweep(now, this.loginTimeoutMs);
    }, this.watchdogIntervalMs());
    this.watchdog.unref();
  }

  /**
   * A heartbeat, or less when the login or frame timeout is shorter: a connection without a
   * session, or with a frame trickling in, is closed at most a quarter of the timeout late.
   */
  private watchdogIntervalMs(): number {
    return Math.max(25, Math.min(this.heartbeatMs, Math.floor(this.loginTimeoutMs / 4), Math.floor(this.frameTimeoutMs / 4)));
  }

  /** 32-bit, never 0, unique per login while fewer than 2^32-1 logins happened. */
  private assignUid(): number {
    if (this.cluster !== null) return this.cluster.nextUid();
    const uid = this.nextUid;
    this.nextUid = this.nextUid >= 0xffffffff ? 1 : this.nextUid + 1;
    return uid;
  }
}

/** A latin1 key (one character per byte) as the UTF-8 text it encodes, for log fields. */
function latin1Text(key: string): string {
  return Buffer.from(key, 'latin1').toString('utf8');
}
