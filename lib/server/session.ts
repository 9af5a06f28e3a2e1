/**
 * A logged-in session: its sequence numbers, the frames kept until acknowledged, the resume
 * window, the token expiry, and in-order processing of its requests. It outlives connections:
 * when its connection is lost it waits `resumeWindowMs` for the client to RESUME.
 */
import { encodeFrame, FrameType, RequestFrame, utf8Encode } from '../protocol';
import type { Connection } from './connection';
import { decimalBytes } from './decimal';
import { ErrorCode } from './error-codes';
import type { Reply, RequestSender } from './handlers/request-handler';
import { KeptFrames } from './kept-frames';
import type { Logger } from './logger';
import { isPromise, MaybePromise } from './state/maybe-promise';
import type { SessionEndpoint } from './state/session-endpoint';
import type { PreparedEvent } from './prepared-event';

export interface SessionLimits {
  resumeWindowMs: number;
  maxKeptFrames: number;
  maxKeptBytes: number;
}

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly logger: Logger;
  readonly limits: SessionLimits;
  handleRequest(session: Session, op: number, args: Uint8Array[]): MaybePromise<Reply>;
  /** Called once when the session is over, so the server forgets it. */
  sessionEnded(session: Session): void;
}

export interface SessionIdentity {
  sessionId: string;
  uid: number;
  appIdBytes: Uint8Array;
  accountBytes: Uint8Array;
  /** Unix seconds when the login token expires (App IDs with a certificate). */
  tokenExpiredTs?: number;
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
  /** For log lines. */
  readonly label: string;
  /** The channel this session is a member of (latin1 key), or null: one channel at a time. */
  joinedChannel: string | null = null;
  /** Why the session ended (a LOGGED_OUT code), once it has. */
  endCode: number | null = null;

  private connection: Connection | null = null;
  private readonly kept = new KeptFrames();
  private lastSeq = 0;
  private lastReqIdValue = 0;
  private pending: RequestFrame[] = [];
  private processing = false;
  private resumeTimer: NodeJS.Timeout | null = null;
  private tokenTimer: NodeJS.Timeout | null = null;
  private over = false;

  constructor(private readonly host: SessionHost, identity: SessionIdentity) {
    this.sessionId = identity.sessionId;
    this.uid = identity.uid;
    this.uidBytes = decimalBytes(identity.uid);
    this.appId = latin1(identity.appIdBytes);
    this.accountBytes = identity.accountBytes;
    this.account = latin1(identity.accountBytes);
    this.label = `session ${identity.sessionId.slice(0, 8)} (${Buffer.from(identity.accountBytes).toString('utf8')}@${Buffer.from(identity.appIdBytes).toString('utf8')})`;
    if (identity.tokenExpiredTs !== undefined) this.scheduleTokenExpiry(identity.tokenExpiredTs * 1000);
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
    this.kept.forEach((body) => connection.sendBody(body));
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
      previous.close(ErrorCode.LogoutNet, 'session resumed on another connection');
    }
    this.kept.trimThrough(lastSeq);
    this.bind(connection);
    connection.sendFrame({ type: FrameType.ResumeOk, lastReqId: this.lastReqIdValue });
    this.kept.forEach((body) => connection.sendBody(body));
    this.host.logger.info(`${this.label}: resumed on ${connection.remote} after seq ${lastSeq}`);
  }

  /** The connection is gone: keep the session (online, queueing) for the resume window. */
  detach(connection: Connection): void {
    if (this.connection !== connection || this.over) return;
    this.connection = null;
    const windowMs = this.host.limits.resumeWindowMs;
    this.host.logger.debug(`${this.label}: connection lost, waiting ${windowMs} ms for a resume`);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.end(ErrorCode.LogoutNet, 'resume window over');
    }, windowMs);
  }

  /** Cumulative ACK. Returns a protocol problem, or null. */
  ack(seq: number): string | null {
    if (seq > this.lastSeq) return `ACK of seq ${seq} beyond the last sent ${this.lastSeq}`;
    this.kept.trimThrough(seq);
    return null;
  }

  /** Takes a REQUEST for in-order processing. Returns a protocol problem, or null. */
  acceptRequest(request: RequestFrame): string | null {
    if (request.reqId <= this.lastReqIdValue) {
      return `reqId ${request.reqId} is not above the previous ${this.lastReqIdValue}`;
    }
    this.lastReqIdValue = request.reqId;
    if (this.processing || this.pending.length > 0) this.pending.push(request);
    else this.process(request);
    return null;
  }

  deliverEvent(kind: number, fields: Uint8Array[]): boolean {
    return this.sequence((seq) => encodeFrame({ type: FrameType.Event, seq, kind, fields }));
  }

  deliverPrepared(event: PreparedEvent): boolean {
    return this.sequence((seq) => event.withSeq(seq));
  }

  kick(): void {
    this.end(ErrorCode.LogoutKicked, 'logged in elsewhere');
  }

  /** Ends the session: LOGGED_OUT(code, text) to a connected client, then the account is offline. */
  end(code: number, text: string): void {
    if (this.over) return;
    this.over = true;
    this.endCode = code;
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    if (this.tokenTimer !== null) clearTimeout(this.tokenTimer);
    this.resumeTimer = this.tokenTimer = null;
    this.kept.clear();
    this.pending = [];
    const connection = this.connection;
    this.connection = null;
    if (connection !== null) {
      connection.unbindSession();
      connection.finish({ type: FrameType.LoggedOut, code, text: utf8Encode(text) });
    }
    this.host.logger.info(`${this.label}: ended (${code} ${text})`);
    this.host.sessionEnded(this);
  }

  /** Forgets timers without telling anyone (server shutdown). */
  dispose(): void {
    this.over = true;
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    if (this.tokenTimer !== null) clearTimeout(this.tokenTimer);
    this.resumeTimer = this.tokenTimer = null;
    this.kept.clear();
    this.connection = null;
  }

  private bind(connection: Connection): void {
    if (this.resumeTimer !== null) {
      clearTimeout(this.resumeTimer);
      this.resumeTimer = null;
    }
    this.connection = connection;
    connection.bindSession(this);
  }

  /**
   * Numbers, encodes (once) and keeps a RESULT or EVENT, and sends it when connected.
   * Returns false when the session cannot take it.
   */
  private sequence(encode: (seq: number) => Uint8Array): boolean {
    if (this.over) return false;
    const { maxKeptFrames, maxKeptBytes } = this.host.limits;
    const body = encode(this.lastSeq + 1);
    if (this.connection === null && (this.kept.count + 1 > maxKeptFrames || this.kept.bytes + body.length > maxKeptBytes)) {
      this.end(ErrorCode.LogoutOther, `more than ${maxKeptFrames} frames or ${maxKeptBytes} bytes kept while disconnected`);
      return false;
    }
    this.lastSeq++;
    this.kept.push(body);
    const connection = this.connection;
    if (connection !== null) {
      connection.sendBody(body);
      if (this.kept.count > maxKeptFrames || this.kept.bytes > maxKeptBytes) {
        connection.fail(
          ErrorCode.LogoutPacket,
          `client acknowledged none of the last ${this.kept.count} frames (${this.kept.bytes} bytes); the bound is ${maxKeptFrames} frames or ${maxKeptBytes} bytes`,
        );
      }
    }
    return true;
  }

  private process(request: RequestFrame): void {
    let reply: MaybePromise<Reply>;
    try {
      reply = this.host.handleRequest(this, request.op, request.args);
    } catch (e) {
      reply = this.internalError(request, e);
    }
    if (!isPromise(reply)) {
      this.sendResult(request.reqId, reply);
      return;
    }
    this.processing = true;
    reply
      .catch((e: unknown) => this.internalError(request, e))
      .then((r) => {
        this.processing = false;
        this.sendResult(request.reqId, r);
        this.drain();
      });
  }

  private drain(): void {
    while (!this.processing && !this.over) {
      const next = this.pending.shift();
      if (next === undefined) return;
      this.process(next);
    }
  }

  private internalError(request: RequestFrame, e: unknown): Reply {
    this.host.logger.error(`${this.label}: request ${request.reqId} (op ${request.op}) failed: ${(e as Error)?.stack ?? String(e)}`);
    return { code: ErrorCode.GeneralUnknown, text: 'internal server error', values: [] };
  }

  private sendResult(reqId: number, reply: Reply): void {
    this.sequence((seq) =>
      encodeFrame({ type: FrameType.Result, seq, reqId, code: reply.code, text: reply.text === '' ? NO_TEXT : utf8Encode(reply.text), values: reply.values }),
    );
  }

  private scheduleTokenExpiry(expiresAtMs: number): void {
    const wait = expiresAtMs - Date.now();
    if (wait <= 0) {
      this.end(ErrorCode.LogoutTokenExpired, 'token expired');
      return;
    }
    this.tokenTimer = setTimeout(() => {
      this.tokenTimer = null;
      this.scheduleTokenExpiry(expiresAtMs);
    }, Math.min(wait, MAX_TIMER_MS));
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
