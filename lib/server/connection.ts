/**
 * One client connection, whatever the transport: HELLO/WELCOME, heartbeat watchdog, PING/PONG,
 * and dispatch of the other frames to the login service or to the bound session.
 * A malformed or unexpected frame ends the connection with BYE(104, reason) and a log line.
 */
import type { TrafficCounters } from './ops/traffic-counters';
import { decodeFrame, encodeFrame } from '../protocol/codec';
import { PROTOCOL_VERSION } from '../protocol/constants';
import { Frame, LoginFrame, ResumeFrame } from '../protocol/frame';
import { FRAME_TYPE_NAMES, FrameType } from '../protocol/frame-type';
import { ProtocolError } from '../protocol/protocol-error';
import { utf8Decode, utf8Encode } from '../protocol/text';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { OutgoingFrame, PreparedEvent } from './state/prepared-event';
import { logEvent, type Logger } from './logger';
import type { RefusalLog } from './refusal-log';
import type { Session } from './session';
import { isPromise, MaybePromise } from './state/maybe-promise';
import type { FrameTransport } from './transport';

export interface ConnectionHost {
  readonly logger: Logger;
  readonly heartbeatMs: number;
  /** How long the connection may go without a logged-in or resumed session. */
  readonly loginTimeoutMs: number;
  /** How long a frame may take to arrive once its first bytes have. */
  readonly frameTimeoutMs: number;
  /** Summary log lines of connections closed in bulk (no LOGIN in time). */
  readonly refusals: RefusalLog;
  /** The encoded WELCOME, the same for every connection. */
  readonly welcomeBody: Uint8Array;
  login(connection: Connection, frame: LoginFrame): MaybePromise<void>;
  resume(connection: Connection, frame: ResumeFrame): MaybePromise<void>;
  connectionClosed(connection: Connection): void;
  /** Frames and bytes in and out, for /metrics (absent in tests that make their own host). */
  readonly counters?: TrafficCounters;
}

type State = 'awaiting-hello' | 'open' | 'closing' | 'closed';

/** Frames a client may pipeline while its LOGIN or RESUME is being decided. */
const MAX_HELD_FRAMES = 1024;

/** A watchdog allows this many heartbeat intervals of silence. */
const SILENT_HEARTBEATS = 3;

export class Connection {
  private state: State = 'awaiting-hello';
  private boundSession: Session | null = null;
  private lastHeardMs = Date.now();
  private readonly openedMs: number;
  private hadSession = false;
  /** Non-null while a LOGIN or RESUME is being decided asynchronously. */
  private held: Uint8Array[] | null = null;
  private paused = false;

  constructor(private readonly host: ConnectionHost, private readonly transport: FrameTransport) {
    // The handshake deadline counts from accept, for a WebSocket before its HTTP upgrade.
    this.openedMs = transport.acceptedMs ?? this.lastHeardMs;
  }

  get remote(): string {
    return this.transport.remote;
  }

  /** The client for log lines: its address, and its session when it has one. */
  get who(): string {
    return this.boundSession === null ? this.remote : `${this.remote} (${this.boundSession.label})`;
  }

  get session(): Session | null {
    return this.boundSession;
  }

  get isOpen(): boolean {
    return this.state === 'open' || this.state === 'awaiting-hello';
  }

  /**
   * Stops or restarts reading from the socket (the session's request queue is long). Frames
   * already read are still handled. Silence while paused is not the client's.
   */
  setReadingPaused(paused: boolean): void {
    if (paused === this.paused || this.state === 'closed') return;
    this.paused = paused;
    if (paused) {
      this.host.logger.debug(`${this.remote}: reading paused (requests queued)`);
      this.transport.pauseReading();
    } else {
      this.host.logger.debug(`${this.remote}: reading resumed`);
      this.lastHeardMs = Date.now();
      this.transport.resumeReading();
    }
  }

  get readingPaused(): boolean {
    return this.paused;
  }

  /** The transport got bytes (complete frames or not): the client is alive. */
  heard(): void {
    this.lastHeardMs = Date.now();
  }

  /** One frame body from the transport. */
  receive(body: Uint8Array): void {
    if (!this.isOpen) return;
    this.host.counters?.received(body.length);
    if (this.held !== null) {
      if (this.held.length >= MAX_HELD_FRAMES) {
        this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `more than ${MAX_HELD_FRAMES} frames sent before the login was answered`);
        return;
      }
      this.held.push(body);
      return;
    }
    this.handleBody(body);
  }

  /** The transport could not split its stream into frames (or got a text message). */
  protocolError(reason: string): void {
    this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, reason);
  }

  transportClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.held = null;
    const session = this.boundSession;
    this.boundSession = null;
    if (session !== null) session.detach(this);
    if (this.host.logger.enabled('debug')) this.host.logger.debug(`${this.remote}: connection closed`);
    this.host.connectionClosed(this);
  }

  sendFrame(frame: Frame): void {
    this.sendBody(encodeFrame(frame));
  }

  sendBody(body: Uint8Array): void {
    if (!this.isOpen) return;
    this.host.counters?.sent(body.length);
    this.transport.send(body);
  }

  /** A sequenced frame (RESULT or EVENT): its encoded body, or a prepared EVENT with `seq`. */
  sendSequenced(frame: OutgoingFrame, seq: number): void {
    if (!this.isOpen) return;
    if (frame instanceof PreparedEvent) {
      const size = frame.sizeWithSeq(seq);
      this.host.counters?.sent(size);
      this.transport.sendEvent(frame, seq, size);
    } else {
      this.host.counters?.sent(frame.length);
      this.transport.send(frame);
    }
  }

  bindSession(session: Session): void {
    this.boundSession = session;
    if (!this.hadSession) {
      this.hadSession = true;
      this.transport.sessionStarted?.();
    }
  }

  unbindSession(): void {
    this.boundSession = null;
  }

  /** The client broke the protocol: BYE(code, reason), close, and a log line. */
  fail(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.host.logger.warn(`${this.who}: disconnecting: ${reason}`);
    this.finish({ type: FrameType.Bye, code, text: utf8Encode(reason) });
  }

  /** The transport's unsent output passed its bound: the client is not reading. */
  outputOverflow(bufferedBytes: number, boundBytes: number): void {
    this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `client is not reading: ${bufferedBytes} bytes of output wait to be sent, the bound is ${boundBytes}`);
  }

  /** The server closes for a reason that is not the client's fault. */
  close(code: number, text: string): void {
    if (!this.isOpen) return;
    logEvent(this.host.logger, 'info', 'connection_closing', { address: this.remote, code }, `${this.remote}: closing: ${text}`);
    this.finish({ type: FrameType.Bye, code, text: utf8Encode(text) });
  }

  /** Sends a last frame, then closes. */
  finish(last: Frame): void {
    if (!this.isOpen) return;
    const body = encodeFrame(last);
    this.host.counters?.sent(body.length);
    this.transport.send(body);
    this.state = 'closing';
    this.held = null;
    this.transport.end();
  }

  private handleBody(body: Uint8Array): void {
    let frame: Frame;
    try {
      frame = decodeFrame(body);
    } catch (e) {
      if (e instanceof ProtocolError) this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, e.reason);
      else this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `undecodable frame: ${String(e)}`);
      return;
    }
    let outcome: MaybePromise<void>;
    try {
      outcome = this.handleFrame(frame, body);
    } catch (e) {
      this.host.logger.error(`${this.remote}: failed on ${FRAME_TYPE_NAMES[frame.type]}: ${(e as Error)?.stack ?? String(e)}`);
      this.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'internal server error');
      return;
    }
    if (isPromise(outcome)) this.holdUntil(outcome, frame.type);
  }

  /** Keeps later frames until `outcome` settles, so they are handled after it and in order. */
  private holdUntil(outcome: Promise<void>, type: FrameType): void {
    this.held = [];
    outcome
      .catch((e: unknown) => {
        this.host.logger.error(`${this.remote}: failed on ${FRAME_TYPE_NAMES[type]}: ${(e as Error)?.stack ?? String(e)}`);
        this.close(AGORA_E_CODE.LOGOUT_E_OTHER, 'internal server error');
      })
      .then(() => {
        const held = this.held;
        this.held = null;
        if (held === null) return;
        for (let i = 0; i < held.length; i++) {
          if (!this.isOpen) return;
          if (this.held !== null) {
            // Another LOGIN/RESUME went asynchronous: keep the rest behind it.
            (this.held as Uint8Array[]).push(...held.slice(i));
            return;
          }
          this.handleBody(held[i]);
        }
      });
  }

  private handleFrame(frame: Frame, body: Uint8Array): MaybePromise<void> {
    if (this.state === 'awaiting-hello') {
      if (frame.type !== FrameType.Hello) return this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `expected HELLO, got ${FRAME_TYPE_NAMES[frame.type]}`);
      if (frame.version !== PROTOCOL_VERSION) {
        return this.fail(AGORA_E_CODE.LOGOUT_E_OLDVERSION, `unsupported protocol version ${frame.version}`);
      }
      this.state = 'open';
      if (this.host.logger.enabled('debug')) this.host.logger.debug(`${this.remote}: HELLO from ${JSON.stringify(utf8Decode(frame.client))}`);
      this.host.counters?.sent(this.host.welcomeBody.length);
      this.transport.send(this.host.welcomeBody);
      return;
    }
    const session = this.boundSession;
    switch (frame.type) {
      case FrameType.Request:
        if (session === null) return this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, 'request before login');
        {
          const problem = session.acceptRequest(frame, body);
          if (problem !== null) this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, problem);
        }
        return;
      case FrameType.Ack:
        if (session === null) return this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, 'ACK before login');
        {
          const problem = session.ack(frame.seq);
          if (problem !== null) this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, problem);
        }
        return;
      case FrameType.Ping:
        this.sendFrame({ type: FrameType.Pong, nonce: frame.nonce });
        return;
      case FrameType.Pong:
        return;
      case FrameType.Login:
        return this.host.login(this, frame);
      case FrameType.Resume:
        if (session !== null) return this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, 'RESUME on a connection that already has a session');
        return this.host.resume(this, frame);
      case FrameType.Logout:
        if (session !== null) session.end(AGORA_E_CODE.LOGOUT_E_USER, 'logged out');
        else this.finish({ type: FrameType.LoggedOut, code: AGORA_E_CODE.LOGOUT_E_USER, text: utf8Encode('logged out') });
        return;
      case FrameType.Bye:
        this.host.logger.info(`${this.remote}: client said BYE(${frame.code}, ${JSON.stringify(utf8Decode(frame.text))})`);
        this.state = 'closing';
        this.transport.end();
        return;
      default:
        return this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `unexpected ${FRAME_TYPE_NAMES[frame.type]} from a client`);
    }
  }

  /**
   * The host's watchdog asks regularly: a client silent for SILENT_HEARTBEATS intervals is gone,
   * and so is one without a session loginTimeoutMs after it connected. (One sweep for all
   * connections rather than a timer each: less memory per idle client.)
   */
  checkAlive(nowMs: number): void {
    if (!this.isOpen) return;
    // A connection that talks (PINGs) but never logs in would hold its socket for good.
    if (this.boundSession === null && nowMs - this.openedMs >= this.host.loginTimeoutMs) {
      // In the summary line, not a line each: idle sockets come in floods.
      this.host.refusals.note(`closed without a LOGIN or RESUME within ${this.host.loginTimeoutMs} ms`, this.remote);
      const text = `no LOGIN or RESUME succeeded within ${this.host.loginTimeoutMs} ms of connecting`;
      this.finish({ type: FrameType.Bye, code: AGORA_E_CODE.LOGOUT_E_NET, text: utf8Encode(text) });
      return;
    }
    if (this.boundSession !== null) this.boundSession.sweepKept();
    if (this.paused) return;
    // A frame trickled in (a slowloris) holds its buffer and the socket: it must arrive in time.
    const partialSince = this.transport.partialFrameSinceMs?.() ?? 0;
    if (partialSince > 0 && nowMs - partialSince >= this.host.frameTimeoutMs) {
      this.fail(AGORA_E_CODE.LOGOUT_E_PACKET, `a frame was not completed within ${this.host.frameTimeoutMs} ms of its first bytes`);
      return;
    }
    const silentMs = nowMs - this.lastHeardMs;
    if (silentMs >= SILENT_HEARTBEATS * this.host.heartbeatMs) {
      this.close(AGORA_E_CODE.LOGOUT_E_NET, `nothing received for ${silentMs} ms`);
    }
  }
}
