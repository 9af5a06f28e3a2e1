/**
 * A logged-in session: its sequence numbers, the frames kept until acknowledged, the resume
 * window, the token expiry, and in-order processing of its requests. It outlives connections:
 * when its connection is lost it waits `resumeWindowMs` for the client to RESUME.
 *
 * Flow control. A client can pipeline requests faster than it acknowledges their RESULTs, so the
 * session processes requests only while it keeps fewer unacknowledged frames than the request
 * window (half the kept-frames bound); the others wait, in order, in a queue that ACKs drain.
 * The queue itself is bounded. While the queue is long but can drain without the client (the
 * window is open and an asynchronous store is answering), reading from the socket pauses until it
 * is short again. While the window is closed reading never pauses: the ACKs that would open it
 * may be behind requests still unread (a client writes its ACKs after the requests it already
 * queued), so pausing then could wait forever. A client that keeps sending requests while the
 * window stays closed is disconnected when the queue reaches its bound (pausing at half of it
 * leaves room for what was already read when the window closes).
 *
 * Frames that others address to the session (deliveries) cannot be held back that way. The one
 * rule for them (docs/server.md, "Frames from others") lives in deliverEvent and deliverPrepared:
 * a delivery is taken only while the kept frames stay within their bound, so whatever a sender
 * was told was delivered is kept until acknowledged or the session is over. At the bound, a
 * message from one peer is refused (the sender hears NotReading); a channel message, which one
 * slow member cannot fail, ends that member's session instead (it could not resume without a gap).
 * A connected client at the bound must acknowledge, within `ackGraceMs`, every frame it had been
 * sent by then, else it is disconnected and may resume.
 */
import { StoreUnavailable } from './state/store-unavailable';
import type { TrafficCounters } from './ops/traffic-counters';
import { encodeEvent, encodeResult } from '../protocol/codec';
import { MAX_FRAME_BYTES } from '../protocol/constants';
import { RequestFrame } from '../protocol/frame';
import { FrameType } from '../protocol/frame-type';
import { utf8Encode } from '../protocol/text';
import type { Connection } from './connection';
import { decimalBytes } from './decimal';
import { AGORA_E_CODE } from '../protocol/error-codes';
import type { Reply } from './reply';
import type { RequestSender } from './request-sender';
import { allocateFromSlab, ownedCopy } from './frame-slab';
import { KeptFrames } from './kept-frames';
import type { MemoryBudget } from './state/memory-budget';
import { RequestQueue } from './request-queue';
import { logEvent, type Logger } from './logger';
import { isPromise, MaybePromise } from './state/maybe-promise';
import { Delivery, LOGGED_IN_ELSEWHERE, NotReading, SessionEndpoint } from './state/session-endpoint';
import type { OutgoingFrame, PreparedEvent } from './state/prepared-event';
import { latin1 } from './state/latin1';
import type { SessionSnapshot } from './session-snapshot';

export interface SessionLimits {
  resumeWindowMs: number;
  maxKeptFrames: number;
  maxKeptBytes: number;
  /** How long a connected client over the kept bound has to acknowledge what it was sent. */
  ackGraceMs: number;
  /** Requests received but not processed yet (count bound). */
  maxQueuedRequests: number;
  /** Requests received but not processed yet (bound on their body bytes). */
  maxQueuedRequestBytes: number;
  /** Largest frame body a client takes (WELCOME's maxFrameBytes); nothing larger is sent. Default: the protocol's 1 MiB. */
  maxFrameBytes?: number;
}

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly logger: Logger;
  readonly limits: SessionLimits;
  /** Charged with the bytes of kept frames and queued requests (absent in tests: an account of their own). */
  readonly memoryBudget?: MemoryBudget;
  handleRequest(session: Session, op: number, args: Uint8Array[]): MaybePromise<Reply>;
  /**
   * Whether a request of `op` may start while earlier requests, all of ops for which this is true,
   * wait for their asynchronous answers (their RESULTs are still sent in request order). Absent:
   * every request waits for the one before it.
   */
  mayOverlap?(op: number): boolean;
  /** Called once when the session is over, so the server forgets it. */
  sessionEnded(session: Session): void;
  /** A channel message did not fit in the session's kept bound: it leaves its channel. */
  memberCannotKeepUp?(session: Session): void;
  /** Deliveries by event kind, for /metrics. */
  readonly counters?: TrafficCounters;
}

export interface SessionIdentity {
  sessionId: string;
  uid: number;
  appIdBytes: Uint8Array;
  accountBytes: Uint8Array;
  /** Unix seconds when the login token expires (App IDs with a certificate). */
  tokenExpiredTs?: number;
}

/** A connected session may keep this many times the kept bound (a burst in flight); see atBound. */
export const IN_FLIGHT_FACTOR = 2;

/** At most this many overlapping requests wait for their answers at a time (SessionHost.mayOverlap). */
export const MAX_OVERLAPPING_REQUESTS = 128;

/** A request started and not yet answered to the client, in request order. */
interface Answering {
  readonly reqId: number;
  /** null until its (asynchronous) reply settles. */
  reply: Reply | null;
  readonly overlaps: boolean;
}

/** setTimeout takes at most 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 0x7fffffff;

const NO_TEXT = new Uint8Array(0);

export class Session implements SessionEndpoint, RequestSender {
  readonly sessionId: string;
  readonly uid: number;
  readonly uidBytes: Uint8Array;
  readonly appId: string;
  readonly account: string;
  readonly accountBytes: Uint8Array;
  private labelText: string | null = null;
  /** The channel this session is a member of (latin1 key), or null: one channel at a time. */
  joinedChannel: string | null = null;
  /** Why the session ended (a LOGGED_OUT code), once it has. */
  endCode: number | null = null;

  private connection: Connection | null = null;
  private readonly kept: KeptFrames;
  private lastSeq = 0;
  private lastReqIdValue = 0;
  private readonly queue: RequestQueue;
  /**
   * Requests started whose RESULT is not sent yet, oldest first: the one request being processed,
   * or several whose ops may overlap (a cross-node p2p send waits a round trip through Redis for
   * the owning node's answer; one sender's sends need not wait for each other for that).
   */
  private readonly answering: Answering[] = [];
  /** How many of `answering` may not overlap (at most one, alone). */
  private answeringExclusive = 0;
  /** What the login does first (held messages, its announcement) is still under way: requests wait. */
  private startingUp = false;
  /** Set while a connected client is over the kept bound: what it must acknowledge, and by when. */
  private overBound: { seq: number; timer: NodeJS.Timeout } | null = null;
  private readonly windowFrames: number;
  private readonly windowBytes: number;
  private resumeTimer: NodeJS.Timeout | null = null;
  private tokenTimer: NodeJS.Timeout | null = null;
  private over = false;
  /** A channel message did not fit: the host is removing the session from its channel. */
  private leavingChannel = false;
  private readonly maxKeptFrames: number;
  private readonly maxKeptBytes: number;
  private readonly tokenExpiredTs: number;
  /** Resolved when a pending reply settles (a session waiting to move to another node). */
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly host: SessionHost, identity: SessionIdentity) {
    this.sessionId = identity.sessionId;
    this.uid = identity.uid;
    this.uidBytes = decimalBytes(identity.uid);
    this.appId = latin1(identity.appIdBytes);
    this.accountBytes = identity.accountBytes;
    this.account = latin1(identity.accountBytes);
    const { maxKeptFrames, maxKeptBytes } = host.limits;
    this.maxKeptFrames = maxKeptFrames;
    this.maxKeptBytes = maxKeptBytes;
    this.windowFrames = Math.max(1, Math.floor(maxKeptFrames / 2));
    this.kept = new KeptFrames(host.memoryBudget, this.windowFrames);
    this.queue = new RequestQueue(host.memoryBudget);
    this.windowBytes = Math.max(1, Math.floor(maxKeptBytes / 2));
    this.tokenExpiredTs = identity.tokenExpiredTs ?? 0;
    if (identity.tokenExpiredTs !== undefined) this.scheduleTokenExpiry(identity.tokenExpiredTs * 1000);
  }

  /** Some request has started and its RESULT is not sent yet. */
  private get processing(): boolean {
    return this.answering.length > 0;
  }

  /**
   * The session as another node of the cluster continues it (its client resumed there): its
   * sequences, its unacknowledged frames and its queued requests. Waits for a request being
   * processed, so that its RESULT is among the frames that move.
   */
  async whenIdle(): Promise<void> {
    while (this.processing && !this.over) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Hands the session over: closes its connection (the client is already on the other node), and
   * answers its snapshot after acknowledging `lastSeq`. The session is over here without ending:
   * no LOGGED_OUT, nothing left or unregistered; the caller forgets it. Call when not processing.
   */
  handOver(lastSeq: number, channelPosition = 0): SessionSnapshot {
    if (this.processing) throw new Error('handOver while a request is being processed');
    const connection = this.connection;
    if (connection !== null) {
      this.connection = null;
      connection.unbindSession();
      connection.close(AGORA_E_CODE.LOGOUT_E_NET, 'session resumed on another server');
    }
    this.kept.trimThrough(lastSeq);
    const snapshot: SessionSnapshot = {
      sessionId: this.sessionId,
      uid: this.uid,
      appIdBytes: Buffer.from(this.appId, 'latin1'),
      accountBytes: this.accountBytes,
      tokenExpiredTs: this.tokenExpiredTs,
      lastSeq: this.lastSeq,
      lastReqId: this.lastReqIdValue,
      firstKeptSeq: this.kept.oldestSeq,
      kept: this.kept.bodies(),
      queued: this.queue.waiting(),
      joinedChannel: this.joinedChannel,
      channelPosition,
    };
    this.dispose();
    return snapshot;
  }

  /** The session a snapshot describes, on this node, detached: its client's RESUME binds it. */
  static restore(host: SessionHost, snapshot: SessionSnapshot): Session {
    const session = new Session(host, {
      sessionId: snapshot.sessionId,
      uid: snapshot.uid,
      appIdBytes: snapshot.appIdBytes,
      accountBytes: snapshot.accountBytes,
      ...(snapshot.tokenExpiredTs !== 0 ? { tokenExpiredTs: snapshot.tokenExpiredTs } : {}),
    });
    session.lastSeq = snapshot.lastSeq;
    session.lastReqIdValue = snapshot.lastReqId;
    session.kept.startAt(snapshot.firstKeptSeq);
    for (const body of snapshot.kept) session.kept.push(body, body.length);
    for (const body of snapshot.queued) session.queue.push(body);
    session.joinedChannel = snapshot.joinedChannel;
    session.startResumeWindow();
    return session;
  }

  /** This session, as routers deliver to it (RequestSender.endpoint). */
  get endpoint(): SessionEndpoint {
    return this;
  }

  /** For log lines; built when a line needs it. */
  get label(): string {
    this.labelText ??= `session ${this.sessionId.slice(0, 8)} (${Buffer.from(this.accountBytes).toString('utf8')}@${Buffer.from(this.appId, 'latin1').toString('utf8')})`;
    return this.labelText;
  }

  get ended(): boolean {
    return this.over;
  }

  /** The highest request id received (and so processed or queued for processing in order). */
  get lastReqId(): number {
    return this.lastReqIdValue;
  }

  /** Sequence number of the last sequenced frame. */
  get lastSentSeq(): number {
    return this.lastSeq;
  }

  get connected(): boolean {
    return this.connection !== null;
  }

  /** Binds the connection that logged in; frames sequenced before now follow. */
  attach(connection: Connection): void {
    this.bind(connection);
    this.kept.forEach((frame, seq) => connection.sendSequenced(frame, seq));
  }

  /** Why a RESUME with `lastSeq` cannot be honoured, or null. */
  resumeProblem(lastSeq: number): string | null {
    if (lastSeq > this.lastSeq) return `lastSeq ${lastSeq} is beyond the last frame ${this.lastSeq} of the session`;
    if (lastSeq < this.kept.oldestSeq - 1) return `lastSeq ${lastSeq} is below the acknowledged ${this.kept.oldestSeq - 1}`;
    return null;
  }

  /** Moves the session to `connection`: RESUME_OK, then every kept frame after `lastSeq`, in order. */
  resume(connection: Connection, lastSeq: number): void {
    const previous = this.connection;
    if (previous !== null && previous !== connection) {
      this.connection = null;
      previous.unbindSession();
      previous.close(AGORA_E_CODE.LOGOUT_E_NET, 'session resumed on another connection');
    }
    this.kept.trimThrough(lastSeq);
    this.bind(connection);
    connection.sendFrame({ type: FrameType.ResumeOk, lastReqId: this.lastReqIdValue });
    this.kept.forEach((frame, seq) => connection.sendSequenced(frame, seq));
    this.host.logger.info(`${this.label}: resumed on ${connection.remote} after seq ${lastSeq}`);
    // Requests queued behind the window come after the replayed frames.
    this.drain();
  }

  /** The watchdog's sweep: frames kept since the previous one or longer stop pinning slabs. */
  sweepKept(): void {
    this.kept.sweep();
  }

  /** The connection is gone: keep the session (online, queueing) for the resume window. */
  detach(connection: Connection): void {
    if (this.connection !== connection || this.over) return;
    this.connection = null;
    this.stopWatchingAcks();
    // Kept bodies live on in shared slabs; for the resume window they get buffers of their own.
    this.kept.ownCopies();
    if (this.host.logger.enabled('debug')) this.host.logger.debug(`${this.label}: connection lost, waiting ${this.host.limits.resumeWindowMs} ms for a resume`);
    this.startResumeWindow();
  }

  private startResumeWindow(): void {
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.end(AGORA_E_CODE.LOGOUT_E_NET, 'resume window over');
    }, this.host.limits.resumeWindowMs);
  }

  /**
   * Cumulative ACK. Returns a protocol problem, or null. It may open the request window, so
   * queued requests are processed here, before anything read after the ACK.
   */
  ack(seq: number): string | null {
    if (seq > this.lastSeq) return `ACK of seq ${seq} beyond the last sent ${this.lastSeq}`;
    this.kept.trimThrough(seq);
    if (this.overBound !== null && seq >= this.overBound.seq) this.stopWatchingAcks();
    if (this.queue.count > 0) this.drain();
    return null;
  }

  /**
   * Takes a REQUEST (decoded, and its body) for in-order processing: now when nothing is ahead of
   * it and the window is open, else queued. Returns a protocol problem, or null.
   */
  acceptRequest(request: RequestFrame, body: Uint8Array): string | null {
    if (request.reqId <= this.lastReqIdValue) {
      return `reqId ${request.reqId} is not above the previous ${this.lastReqIdValue}`;
    }
    if (this.queue.count === 0 && this.windowOpen() && this.mayStart(request.op)) {
      this.lastReqIdValue = request.reqId;
      this.process(request);
      return null;
    }
    const { maxQueuedRequests, maxQueuedRequestBytes } = this.host.limits;
    // With the window open the queue drains on its own and reading pauses at half the bound (a
    // chunk already read may overshoot it); with the window closed only the client's ACKs help.
    if (this.queue.count > 0 && !this.windowOpen() && (this.queue.count + 1 > maxQueuedRequests || this.queue.bytes + body.length > maxQueuedRequestBytes)) {
      return (
        `${this.queue.count} requests (${this.queue.bytes} bytes) already wait for processing, the bound is ` +
        `${maxQueuedRequests} requests or ${maxQueuedRequestBytes} bytes; requests are processed only while fewer than ` +
        `${this.windowFrames} frames (${this.windowBytes} bytes) are unacknowledged, and ${this.kept.count} frames ` +
        `(${this.kept.bytes} bytes) are`
      );
    }
    this.lastReqIdValue = request.reqId;
    this.queue.push(body);
    this.updateReading();
    return null;
  }

  deliverEvent(kind: number, fields: Uint8Array[]): Delivery {
    if (this.over) return false;
    const body = encodeEvent(this.lastSeq + 1, kind, fields, allocateFromSlab);
    const maxFrameBytes = this.host.limits.maxFrameBytes ?? MAX_FRAME_BYTES;
    if (body.length > maxFrameBytes) {
      // The client would refuse it and resume into the same frame again: it is not sent. Only a
      // server configured with a frame bound below its own attribute and message sizes gets here.
      this.host.logger.warn(`${this.label}: event kind ${kind} of ${body.length} bytes not sent, over maxFrameBytes ${maxFrameBytes}`);
      return true;
    }
    if (this.atBound(body.length)) return this.notReading();
    // A message from one peer is refused when the server as a whole cannot keep it; a channel
    // message is not (one member could not fail it for the others): the kept bound per session
    // bounds those.
    const budget = this.host.memoryBudget;
    if (budget !== undefined && !budget.fits(body.length)) {
      budget.countRefusal('keptFrames');
      return new NotReading(`cannot take more now: the server's memory budget (${budget.limitBytes} bytes) is used up`);
    }
    this.sequence(body, body.length);
    this.host.counters?.delivered(kind);
    return true;
  }

  deliverPrepared(event: PreparedEvent): boolean {
    if (this.over) return false;
    const size = event.sizeWithSeq(this.lastSeq + 1);
    if (this.atBound(size)) {
      this.dropSlowMember(size);
      return false;
    }
    this.sequence(event, size);
    this.host.counters?.delivered(event.kind);
    return true;
  }

  /** Ends the session: by default as for a login of its account elsewhere (103). */
  kick(code: number = AGORA_E_CODE.LOGOUT_E_KICKED, reason = LOGGED_IN_ELSEWHERE): void {
    this.end(code, reason);
  }

  /** Ends the session: LOGGED_OUT(code, text) to a connected client, then the account is offline. */
  end(code: number, text: string): void {
    if (this.over) return;
    this.over = true;
    this.endCode = code;
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    if (this.tokenTimer !== null) clearTimeout(this.tokenTimer);
    this.resumeTimer = this.tokenTimer = null;
    this.stopWatchingAcks();
    this.kept.clear();
    this.queue.clear();
    const connection = this.connection;
    this.connection = null;
    if (connection !== null) {
      connection.unbindSession();
      connection.finish({ type: FrameType.LoggedOut, code, text: utf8Encode(text) });
    }
    if (this.host.logger.enabled('info')) {
      const fields = { appId: Buffer.from(this.appId, 'latin1').toString('utf8'), account: Buffer.from(this.accountBytes).toString('utf8'), code };
      logEvent(this.host.logger, 'info', 'session_ended', fields, `${this.label}: ended (${code} ${text})`);
    }
    this.host.sessionEnded(this);
  }

  /** Forgets timers without telling anyone (server shutdown). */
  dispose(): void {
    this.over = true;
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    if (this.tokenTimer !== null) clearTimeout(this.tokenTimer);
    this.resumeTimer = this.tokenTimer = null;
    this.stopWatchingAcks();
    this.kept.clear();
    this.queue.clear();
    this.connection = null;
  }

  private bind(connection: Connection): void {
    if (this.resumeTimer !== null) {
      clearTimeout(this.resumeTimer);
      this.resumeTimer = null;
    }
    this.stopWatchingAcks();
    this.connection = connection;
    connection.bindSession(this);
    this.updateReading();
  }

  /** Requests may be processed: the client keeps fewer unacknowledged frames than the window. */
  private windowOpen(): boolean {
    return this.kept.count < this.windowFrames && this.kept.bytes < this.windowBytes;
  }

  /**
   * Takes no request until `work` settles: what a login does before the user acts (its held
   * messages delivered, its login announced in __agora_user_online). On one node that work is done
   * before the next frame is read; with a shared store it answers later, and a request of the user
   * (joining __agora_user_online, say) must still come after it.
   */
  holdRequestsUntil(work: Promise<unknown>): void {
    this.startingUp = true;
    const go = (): void => {
      this.startingUp = false;
      if (this.queue.count > 0) this.drain();
    };
    work.then(go, go);
  }

  /** Whether a request of `op` may start now, with what is still being answered. */
  private mayStart(op: number): boolean {
    if (this.startingUp) return false;
    const started = this.answering.length;
    if (started === 0) return true;
    // A session about to move waits for what it started, and starts nothing more.
    if (this.answeringExclusive > 0 || this.idleWaiters.length > 0 || started >= MAX_OVERLAPPING_REQUESTS) return false;
    // The answers not sent yet count as the frames they will be.
    if (this.kept.count + started >= this.windowFrames) return false;
    return this.host.mayOverlap?.(op) === true;
  }

  /**
   * Pauses reading from the socket while the queue is long (half its bound) and will drain without
   * the client (the window is open, an asynchronous reply is pending); resumes it once the queue
   * is down to a quarter, or at once when the window closes: the ACKs that open it may be behind
   * unread requests.
   */
  private updateReading(): void {
    const connection = this.connection;
    if (connection === null) return;
    const { maxQueuedRequests, maxQueuedRequestBytes } = this.host.limits;
    const share = connection.readingPaused ? 4 : 2;
    const long = this.queue.count * share >= maxQueuedRequests || this.queue.bytes * share >= maxQueuedRequestBytes;
    connection.setReadingPaused(long && this.queue.count > 0 && this.windowOpen());
  }

  /**
   * `size` more bytes in one more frame would pass what the session may keep: the kept bound while
   * disconnected; twice it while connected, because a burst already in flight to a client that
   * reads (10,000 messages pipelined both ways reach the socket before the first ACK comes back)
   * is no fault. The grace starts at the kept bound either way, so a client that stopped reading
   * gets there only briefly.
   */
  private atBound(size: number): boolean {
    const factor = this.connection === null ? 1 : IN_FLIGHT_FACTOR;
    return this.kept.count + 1 > factor * this.maxKeptFrames || this.kept.bytes + size > factor * this.maxKeptBytes;
  }

  /** What the sender of a refused delivery hears; a connected client starts its grace. */
  private notReading(): NotReading {
    const connection = this.connection;
    if (connection !== null && this.overBound === null) this.watchAcks(connection);
    return new NotReading(
      `is not reading: ${this.kept.count} frames (${this.kept.bytes} bytes) wait for its acknowledgement` +
        (connection === null
          ? ` while it is disconnected; the bound is ${this.maxKeptFrames} frames or ${this.maxKeptBytes} bytes`
          : `; the bound is ${IN_FLIGHT_FACTOR * this.maxKeptFrames} frames or ${IN_FLIGHT_FACTOR * this.maxKeptBytes} bytes in flight`),
    );
  }

  /**
   * A channel message does not fit: the member misses it, so it leaves the channel (the host
   * removes it on the next microtask, outside the fan-out that is iterating the channel's members)
   * and hears CHANNEL_LEFT(600) after the last channel message it got. Its session stays: what it
   * was already sent, acknowledged to its senders, is kept until it acknowledges it.
   */
  private dropSlowMember(size: number): void {
    this.leaveMissing(
      `a channel message of ${size} bytes did not fit in its ${this.kept.count} unacknowledged frames ` +
        `(${this.kept.bytes} bytes; the bound is ${this.maxKeptFrames} frames or ${this.maxKeptBytes} bytes)`,
    );
  }

  missedChannelEvents(count: number): void {
    this.leaveMissing(`${count} events of the channel were lost on their way to this server (its subscription to Redis was cut)`);
  }

  /** The member misses channel events: it leaves the channel (CHANNEL_LEFT 600), `why` logged. */
  private leaveMissing(why: string): void {
    if (this.leavingChannel || this.joinedChannel === null) return;
    this.leavingChannel = true;
    this.host.logger.warn(`${this.label}: removed from channel ${JSON.stringify(Buffer.from(this.joinedChannel, 'latin1').toString('utf8'))}: ${why}`);
    queueMicrotask(() => {
      this.leavingChannel = false;
      if (!this.over) this.host.memberCannotKeepUp?.(this);
    });
  }

  deliverNotice(kind: number, fields: Uint8Array[]): void {
    if (this.over) return;
    const body = encodeEvent(this.lastSeq + 1, kind, fields, allocateFromSlab);
    this.sequence(body, body.length);
  }


  /** The client reached the kept bound: it must acknowledge everything sent so far in time. */
  private watchAcks(connection: Connection): void {
    const { ackGraceMs } = this.host.limits;
    const seq = this.lastSeq;
    const timer = setTimeout(() => {
      this.overBound = null;
      if (this.connection !== connection || this.kept.oldestSeq > seq) return;
      connection.fail(
        AGORA_E_CODE.LOGOUT_E_PACKET,
        `client did not acknowledge within ${ackGraceMs} ms the frames up to seq ${seq} it had when it reached the bound ` +
          `(${this.kept.count} frames, ${this.kept.bytes} bytes unacknowledged); the bound is ${this.maxKeptFrames} frames or ${this.maxKeptBytes} bytes`,
      );
    }, ackGraceMs);
    this.overBound = { seq, timer };
  }

  private stopWatchingAcks(): void {
    if (this.overBound === null) return;
    clearTimeout(this.overBound.timer);
    this.overBound = null;
  }

  /**
   * Keeps a RESULT or EVENT with sequence number lastSeq + 1 (`size`: its body length), encoded
   * by the caller, and sends it when connected. Deliveries were checked against the bound by the
   * caller; RESULTs always fit in practice (requests are processed only below half the bound),
   * and one that passes it starts the grace as a refusal does. Callers encode rather than pass an
   * encoding callback: no closure per frame on the message path.
   */
  private sequence(frame: OutgoingFrame, size: number): void {
    this.lastSeq++;
    const connection = this.connection;
    if (connection === null) {
      // Kept for a resume: a buffer of its own, not a view pinning a slab.
      this.kept.push(frame instanceof Uint8Array ? ownedCopy(frame) : frame, size);
      return;
    }
    this.kept.push(frame, size);
    connection.sendSequenced(frame, this.lastSeq);
    if (this.overBound === null && (this.kept.count > this.maxKeptFrames || this.kept.bytes > this.maxKeptBytes)) this.watchAcks(connection);
  }

  private process(request: RequestFrame): void {
    let reply: MaybePromise<Reply>;
    try {
      reply = this.host.handleRequest(this, request.op, request.args);
    } catch (e) {
      reply = this.internalError(request, e);
    }
    if (!isPromise(reply)) {
      if (this.answering.length === 0) this.sendResult(request.reqId, reply);
      // Answered at once, behind overlapping requests still waiting: its RESULT comes after theirs.
      else this.answering.push({ reqId: request.reqId, reply, overlaps: true });
      return;
    }
    const overlaps = this.host.mayOverlap?.(request.op) === true;
    const slot: Answering = { reqId: request.reqId, reply: null, overlaps };
    this.answering.push(slot);
    if (!overlaps) this.answeringExclusive++;
    reply.then(
      (r) => {
        slot.reply = r;
        this.sendAnswered();
      },
      (e: unknown) => {
        slot.reply = this.internalError(request, e);
        this.sendAnswered();
      },
    );
  }

  /** Sends the RESULTs now due, in request order, then goes on with the queue. */
  private sendAnswered(): void {
    const answering = this.answering;
    while (answering.length > 0 && answering[0].reply !== null) {
      const done = answering.shift() as Answering;
      if (!done.overlaps) this.answeringExclusive--;
      this.sendResult(done.reqId, done.reply as Reply);
    }
    if (answering.length === 0 && this.idleWaiters.length > 0) {
      // Moving to another node: the queued requests move too, unprocessed.
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.drain();
  }

  /** Starts queued requests in order while they may start and the window is open. */
  private drain(): void {
    while (!this.over && this.queue.count > 0 && this.windowOpen() && this.mayStart((this.queue.peek() as RequestFrame).op)) {
      this.process(this.queue.shift() as RequestFrame);
    }
    this.updateReading();
  }

  private internalError(request: RequestFrame, e: unknown): Reply {
    if (e instanceof StoreUnavailable) {
      this.host.logger.warn(`${this.label}: request ${request.reqId} (op ${request.op}) failed: ${e.message}`);
      return { code: AGORA_E_CODE.GENERAL_E_UNKNOWN, text: e.message, values: [] };
    }
    this.host.logger.error(`${this.label}: request ${request.reqId} (op ${request.op}) failed: ${(e as Error)?.stack ?? String(e)}`);
    return { code: AGORA_E_CODE.GENERAL_E_UNKNOWN, text: 'internal server error', values: [] };
  }

  /**
   * The one place every answer is encoded, so the one place that keeps answers within the frame
   * bound: a client refuses a larger frame, and resuming replays the same frame. An answer that
   * would not fit becomes a 1005 RESULT that says how large it would have been.
   */
  private sendResult(reqId: number, reply: Reply): void {
    this.host.counters?.answered(reply.code);
    if (this.over) return;
    let body = encodeResult(this.lastSeq + 1, reqId, reply.code, reply.text === '' ? NO_TEXT : utf8Encode(reply.text), reply.values, allocateFromSlab);
    const maxFrameBytes = this.host.limits.maxFrameBytes ?? MAX_FRAME_BYTES;
    if (body.length > maxFrameBytes) {
      const text = `the answer would be ${body.length} bytes, over the ${maxFrameBytes} bytes a frame may have (maxFrameBytes)`;
      if (this.host.logger.enabled('info')) this.host.logger.info(`${this.label}: request ${reqId}: ${text}`);
      body = encodeResult(this.lastSeq + 1, reqId, AGORA_E_CODE.GENERAL_E_LARGE_PARAM, utf8Encode(text), [], allocateFromSlab);
    }
    this.sequence(body, body.length);
  }

  private scheduleTokenExpiry(expiresAtMs: number): void {
    const wait = expiresAtMs - Date.now();
    if (wait <= 0) {
      this.end(AGORA_E_CODE.LOGOUT_E_TOKENEXPIRED, 'token expired');
      return;
    }
    this.tokenTimer = setTimeout(() => {
      this.tokenTimer = null;
      this.scheduleTokenExpiry(expiresAtMs);
    }, Math.min(wait, MAX_TIMER_MS));
  }
}

