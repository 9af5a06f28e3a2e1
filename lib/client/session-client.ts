/**
 * One login session over WebSocket, speaking docs/protocol.md as the native core does
 * (docs/native-core.md): HELLO with LOGIN or RESUME, heartbeats and dead-peer detection, ACKs,
 * sequenced-frame dedupe, request ids kept for re-sending after a resume, a fresh login when the
 * resume fails, and reconnection within a count and a time limit. It knows no API surface: the
 * object models on top turn its results and events into their callbacks.
 */
import {
  decodeFrame,
  encodeFrame,
  Frame,
  FrameType,
  PROTOCOL_VERSION,
  ProtocolError,
  utf8Decode,
  utf8Encode,
} from '../protocol';
import { reconnectDelayMs } from './backoff';
import { ClientStatus } from './client-status';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { Op } from '../protocol/ops';
import { PendingRequest, PendingRequests, RequestResult, ResultHandler } from './pending-requests';
import { binaryMessageBody, WEBSOCKET_OPEN, WebSocketFactory, WebSocketLike } from './web-socket-like';

export interface SessionCredentials {
  appId: string;
  account: string;
  token: string;
}

export interface SessionClientOptions extends SessionCredentials {
  /** ws:// or wss:// address of the server's WebSocket port. */
  url: string;
  createSocket: WebSocketFactory;
  /** Reconnection tries after a loss (and connection tries of the first login). */
  reconnectCount: number;
  /** Seconds after a loss (or after login started) during which tries are made. */
  reconnectTimeS: number;
  /** Free text sent in HELLO. */
  clientName: string;
  deviceId?: string;
}

export type ClientLogLevel = 'debug' | 'info' | 'warning';

/** What a session client tells the layer above; every member is optional. */
export interface SessionClientListener {
  loginSuccess?(uid: number): void;
  loginFailed?(code: number, text: string): void;
  /** The session is over (101 by logout, 102 reconnection given up, 103, 105, ...). */
  logout?(code: number, text: string): void;
  reconnecting?(attempt: number): void;
  /** `resumed` false: the old session was gone and this is a fresh login (its state is lost). */
  reconnected?(resumed: boolean): void;
  /** The old session was gone (RESUME_FAIL): called before the fresh login is sent. */
  sessionLost?(): void;
  event?(kind: number, fields: Uint8Array[]): void;
  log?(level: ClientLogLevel, text: string): void;
}

/** Before WELCOME, a connection that stays silent this long is dead (as in the native core). */
const HANDSHAKE_TIMEOUT_MS = 5000;
/** ACK at least every this many sequenced frames. */
const ACK_EVERY_FRAMES = 64;

/** A message must never be delivered twice: one of unknown outcome is not sent again. */
function isMessageOp(op: number): boolean {
  return (
    op === Op.MsgInstant ||
    op === Op.MsgPush ||
    op === Op.MsgChannel ||
    op === Op.MsgChannelForce ||
    op === Op.MsgApp
  );
}

function toBytes(arg: string | Uint8Array): Uint8Array {
  return typeof arg === 'string' ? utf8Encode(arg) : arg;
}

export class SessionClient {
  private statusValue = ClientStatus.LoggedOut;
  private socket: WebSocketLike | null = null;
  private sessionId: Uint8Array | null = null;
  private uidValue = 0;
  private lastSeq = 0;
  private lastAckedSeq = 0;
  private readonly pending = new PendingRequests();
  /** Set while a connection is past HELLO and logged in or resumed, so requests may be written. */
  private ready = false;
  private heartbeatMs = 0;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private deadTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private lossStartedAt = 0;
  private pingNonce = 0;
  private loggingOut = false;

  constructor(private readonly options: SessionClientOptions, private readonly listener: SessionClientListener = {}) {}

  get status(): ClientStatus {
    return this.statusValue;
  }

  /** True between logout() and the end of the session it asks for. */
  get isLoggingOut(): boolean {
    return this.loggingOut;
  }

  /** The uid LOGIN_OK gave (0 before). */
  get uid(): number {
    return this.uidValue;
  }

  get account(): string {
    return this.options.account;
  }

  /** Connects and logs in; the listener hears loginSuccess or loginFailed. */
  start(): void {
    if (this.statusValue !== ClientStatus.LoggedOut) {
      this.log('info', 'login ignored: already logging in or logged in');
      return;
    }
    this.statusValue = ClientStatus.LoggingIn;
    this.loggingOut = false;
    this.lossStartedAt = Date.now();
    this.attempts = 0;
    this.connect();
  }

  /**
   * Sends a request now when logged in, or keeps it for the connection being made. Refused with
   * 1003 when logged out. The handler gets exactly one result unless the session ends first.
   */
  request(op: number, args: Array<string | Uint8Array>, onResult: ResultHandler): void {
    if (this.statusValue === ClientStatus.LoggedOut || this.loggingOut) {
      const text = 'not logged in';
      queueMicrotask(() => onResult({ code: AGORA_E_CODE.GENERAL_E_NOT_LOGIN, text, values: [] }));
      return;
    }
    const request = this.pending.add(op, args.map(toBytes), onResult);
    if (this.ready) this.sendRequest(request);
  }

  /** Ends the session: LOGOUT when connected (onLogout(101) follows), else at once. */
  logout(): void {
    if (this.statusValue === ClientStatus.LoggedOut) {
      this.finish(AGORA_E_CODE.LOGOUT_E_USER, 'not logged in');
      return;
    }
    if (this.loggingOut) return;
    this.loggingOut = true;
    if (this.statusValue === ClientStatus.LoggedIn && this.ready && this.socket) {
      this.send({ type: FrameType.Logout });
      return;
    }
    this.finish(AGORA_E_CODE.LOGOUT_E_USER, 'logged out');
  }

  private connect(): void {
    this.ready = false;
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch (e) {
      this.log('warning', `cannot open ${this.options.url}: ${(e as Error).message}`);
      this.connectionLost();
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.onOpen();
    };
    socket.onmessage = (ev) => {
      if (socket !== this.socket) return;
      this.onMessage(ev.data);
    };
    socket.onerror = () => {
      // onclose follows; it does the work.
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.connectionLost();
    };
    this.armDeadTimer(HANDSHAKE_TIMEOUT_MS);
  }

  private onOpen(): void {
    this.send({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode(this.options.clientName) });
    if (this.sessionId !== null) {
      this.send({ type: FrameType.Resume, sessionId: this.sessionId, lastSeq: this.lastSeq });
    } else {
      this.sendLogin();
    }
  }

  private sendLogin(): void {
    const { appId, account, token, deviceId } = this.options;
    this.send({
      type: FrameType.Login,
      appId: utf8Encode(appId),
      account: utf8Encode(account),
      token: utf8Encode(token),
      uid: 0,
      deviceId: utf8Encode(deviceId ?? ''),
    });
  }

  private onMessage(data: unknown): void {
    const body = binaryMessageBody(data);
    if (body === undefined) {
      this.protocolFailure('text message (frames travel as binary WebSocket messages)');
      return;
    }
    let frame: Frame;
    try {
      frame = decodeFrame(body);
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.protocolFailure(e.message);
        return;
      }
      throw e;
    }
    this.armDeadTimer(this.heartbeatMs > 0 ? 3 * this.heartbeatMs : HANDSHAKE_TIMEOUT_MS);
    this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case FrameType.Welcome:
        this.heartbeatMs = frame.heartbeatMs;
        this.startHeartbeat();
        return;
      case FrameType.Ping:
        this.send({ type: FrameType.Pong, nonce: frame.nonce });
        return;
      case FrameType.Pong:
        return;
      case FrameType.LoginOk:
        this.onLoginOk(frame.uid, frame.sessionId.slice());
        return;
      case FrameType.LoginFail:
        this.onLoginFail(frame.code, utf8Decode(frame.text));
        return;
      case FrameType.ResumeOk:
        this.onResumeOk(frame.lastReqId);
        return;
      case FrameType.ResumeFail:
        this.onResumeFail(utf8Decode(frame.text));
        return;
      case FrameType.LoggedOut:
        this.finish(frame.code, utf8Decode(frame.text));
        return;
      case FrameType.Bye:
        this.onBye(frame.code, utf8Decode(frame.text));
        return;
      case FrameType.Result:
        if (!this.isNewSeq(frame.seq)) return;
        this.onResult(frame.reqId, { code: frame.code, text: utf8Decode(frame.text), values: frame.values.map((v) => v.slice()) });
        return;
      case FrameType.Event:
        if (!this.isNewSeq(frame.seq)) return;
        this.safely(() => this.listener.event?.(frame.kind, frame.fields.map((f) => f.slice())));
        return;
      default:
        this.protocolFailure(`unexpected frame type ${frame.type} from the server`);
    }
  }

  /** Drops replays of frames already handled; counts new ones towards the next ACK. */
  private isNewSeq(seq: number): boolean {
    if (seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    if (this.lastSeq - this.lastAckedSeq >= ACK_EVERY_FRAMES) this.sendAck();
    return true;
  }

  private sendAck(): void {
    if (this.lastSeq === this.lastAckedSeq || !this.ready) return;
    this.lastAckedSeq = this.lastSeq;
    this.send({ type: FrameType.Ack, seq: this.lastSeq });
  }

  private onLoginOk(uid: number, sessionId: Uint8Array): void {
    this.sessionId = sessionId;
    this.uidValue = uid;
    this.lastSeq = 0;
    this.lastAckedSeq = 0;
    this.ready = true;
    this.attempts = 0;
    const first = this.statusValue === ClientStatus.LoggingIn;
    this.statusValue = ClientStatus.LoggedIn;
    this.failUnknownMessages();
    // A fresh session numbers its requests from 1; whatever waited goes first, in order.
    for (const r of this.pending.renumber()) this.sendRequest(r);
    if (first) this.safely(() => this.listener.loginSuccess?.(uid));
    else this.safely(() => this.listener.reconnected?.(false));
  }

  /**
   * A message written to a lost session and never answered may have been delivered: sending it in
   * the new session could deliver it twice, so its sender hears 401 with the outcome unknown.
   * Requests never written (queued while disconnected) are sent in the new session as usual.
   */
  private failUnknownMessages(): void {
    const text = 'the session was lost before the server answered: the message may or may not have reached the peer';
    for (const r of this.pending.takeWritten(isMessageOp)) {
      this.safely(() => r.onResult({ code: AGORA_E_CODE.SENDMESSAGE_E_TIMEOUT, text, values: [] }));
    }
  }

  private onLoginFail(code: number, text: string): void {
    if (this.statusValue === ClientStatus.LoggingIn) {
      this.teardown();
      this.statusValue = ClientStatus.LoggedOut;
      this.dropPending(code, text);
      this.safely(() => this.listener.loginFailed?.(code, text));
      return;
    }
    const logoutCode =
      code === AGORA_E_CODE.LOGIN_E_TOKENEXPIRED
        ? AGORA_E_CODE.LOGOUT_E_TOKENEXPIRED
        : code === AGORA_E_CODE.LOGIN_E_TOKENWRONG
          ? AGORA_E_CODE.LOGOUT_E_TOKENWRONG
          : AGORA_E_CODE.LOGOUT_E_OTHER;
    this.finish(logoutCode, `login after a lost session refused: ${text}`);
  }

  private onResumeOk(lastReqId: number): void {
    this.ready = true;
    this.attempts = 0;
    this.statusValue = ClientStatus.LoggedIn;
    for (const r of this.pending.after(lastReqId)) this.sendRequest(r);
    this.safely(() => this.listener.reconnected?.(true));
  }

  private onResumeFail(text: string): void {
    this.log('info', `resume refused (${text}): logging in afresh`);
    this.sessionId = null;
    this.lastSeq = 0;
    this.lastAckedSeq = 0;
    this.safely(() => this.listener.sessionLost?.());
    this.sendLogin();
  }

  private onBye(code: number, text: string): void {
    if (code === AGORA_E_CODE.LOGOUT_E_OLDVERSION) {
      if (this.statusValue === ClientStatus.LoggingIn) {
        this.teardown();
        this.statusValue = ClientStatus.LoggedOut;
        this.dropPending(AGORA_E_CODE.LOGIN_E_OLDVERSION, text);
        this.safely(() => this.listener.loginFailed?.(AGORA_E_CODE.LOGIN_E_OLDVERSION, text));
      } else {
        this.finish(AGORA_E_CODE.LOGOUT_E_OLDVERSION, text);
      }
      return;
    }
    this.log('info', `server closed the connection: ${code} ${text}`);
    this.connectionLost();
  }

  private onResult(reqId: number, result: RequestResult): void {
    const request = this.pending.take(reqId);
    if (!request) {
      this.log('debug', `RESULT for unknown request ${reqId}`);
      return;
    }
    this.safely(() => request.onResult(result));
  }

  private sendRequest(request: PendingRequest): void {
    if (this.send({ type: FrameType.Request, reqId: request.reqId, op: request.op, args: request.args })) {
      request.written = true;
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.heartbeatMs <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      this.send({ type: FrameType.Ping, nonce: ++this.pingNonce });
      this.sendAck();
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private armDeadTimer(ms: number): void {
    if (this.deadTimer !== null) clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => {
      this.deadTimer = null;
      this.log('warning', `nothing heard from the server for ${ms} ms: connection dead`);
      this.connectionLost();
    }, ms);
  }

  private protocolFailure(reason: string): void {
    this.log('warning', `protocol error: ${reason}`);
    this.send({ type: FrameType.Bye, code: AGORA_E_CODE.LOGOUT_E_PACKET, text: utf8Encode(reason) });
    this.connectionLost();
  }

  /** The connection is gone (closed, dead or refused): retry within the limits, or give up. */
  private connectionLost(): void {
    this.teardown();
    if (this.statusValue === ClientStatus.LoggedOut) return;
    if (this.loggingOut) {
      this.finish(AGORA_E_CODE.LOGOUT_E_USER, 'logged out');
      return;
    }
    if (this.statusValue === ClientStatus.LoggedIn) {
      this.statusValue = ClientStatus.Reconnecting;
      this.lossStartedAt = Date.now();
      this.attempts = 0;
    }
    const elapsedMs = Date.now() - this.lossStartedAt;
    const next = this.attempts + 1;
    const delay = reconnectDelayMs(next);
    if (next > this.options.reconnectCount || elapsedMs + delay > this.options.reconnectTimeS * 1000) {
      this.giveUp();
      return;
    }
    this.attempts = next;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.statusValue === ClientStatus.Reconnecting) this.safely(() => this.listener.reconnecting?.(next));
      if (this.statusValue !== ClientStatus.LoggedOut) this.connect();
    }, delay);
  }

  private giveUp(): void {
    if (this.statusValue === ClientStatus.LoggingIn) {
      this.statusValue = ClientStatus.LoggedOut;
      this.dropPending(AGORA_E_CODE.LOGIN_E_NET, 'could not connect');
      this.safely(() => this.listener.loginFailed?.(AGORA_E_CODE.LOGIN_E_NET, `could not connect to ${this.options.url}`));
      return;
    }
    this.finish(AGORA_E_CODE.LOGOUT_E_NET, 'reconnection given up');
  }

  /** The session is over for good: no more reconnection, every kept request dropped. */
  private finish(code: number, text: string): void {
    const wasLoggedOut = this.statusValue === ClientStatus.LoggedOut;
    this.teardown();
    this.statusValue = ClientStatus.LoggedOut;
    this.loggingOut = false;
    this.sessionId = null;
    const dropped = this.pending.drain().length;
    this.pending.reset();
    if (dropped > 0) this.log('info', `${dropped} unanswered request(s) dropped`);
    if (wasLoggedOut && code !== AGORA_E_CODE.LOGOUT_E_USER) return;
    this.safely(() => this.listener.logout?.(code, text));
  }

  private dropPending(code: number, text: string): void {
    const dropped = this.pending.drain();
    this.pending.reset();
    for (const r of dropped) this.safely(() => r.onResult({ code, text, values: [] }));
  }

  /** Stops timers and closes the socket without reporting anything. */
  private teardown(): void {
    this.ready = false;
    this.stopHeartbeat();
    if (this.deadTimer !== null) clearTimeout(this.deadTimer);
    this.deadTimer = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.heartbeatMs = 0;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close();
      } catch {
        // Closing a socket that never opened may throw in some implementations; it is gone anyway.
      }
    }
  }

  /** Whether the frame was handed to the socket (then it may reach the server). */
  private send(frame: Frame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WEBSOCKET_OPEN) return false;
    try {
      socket.send(encodeFrame(frame));
      return true;
    } catch (e) {
      this.log('warning', `send failed: ${(e as Error).message}`);
      // Conservatively unknown: part of it may have left.
      return true;
    }
  }

  private log(level: ClientLogLevel, text: string): void {
    try {
      this.listener.log?.(level, text);
    } catch {
      // A logger that throws must not break the session.
    }
  }

  /** Runs an application callback; what it throws is logged, never let into the protocol code. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log('warning', `a callback threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
}
