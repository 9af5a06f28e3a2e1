import { ClientStatus, RequestResult, SessionClient, WebSocketFactory } from '../client';
import { EventKind, Op, utf8Encode } from '../protocol';
import type { InvokeAnswer, Session as SessionApi, SignalErrorInfo } from './api-types';
import { Call, extraText } from './call';
import { Channel } from './channel';
import { numberAt, textAt } from './fields';
import { fire } from './fire';
import type { SessionLink } from './session-link';
import { SignalError } from './signal-error';
import type { WebLogger } from './web-logger';

export interface SessionSetup {
  appId: string;
  account: string;
  token: string;
  server: string;
  createSocket: WebSocketFactory;
  reconnectCount: number;
  reconnectTimeS: number;
  clientName: string;
  logger: WebLogger;
}

/** The channel-leave code reported before onLogout(code), as the native core does. */
function leaveCodeForLogout(code: number): number {
  if (code === 103) return 601;
  if (code === 102) return 604;
  return 603;
}

/** Login checks done before connecting (docs/protocol.md, "Login checks"). */
function accountProblem(account: string): string | undefined {
  const bytes = utf8Encode(account);
  if (bytes.length === 0) return 'account is empty';
  if (bytes.length > 128) return `account is ${bytes.length} bytes (at most 128)`;
  for (const b of bytes) if (b <= 0x20 || b === 0x7f) return 'account has a space or a control character';
  return undefined;
}

/** One login: what Signal.login returns. */
export class Session implements SessionApi {
  onLoginSuccess: SessionApi['onLoginSuccess'] = null;
  onLoginFailed: SessionApi['onLoginFailed'] = null;
  onLogout: SessionApi['onLogout'] = null;
  onMessageInstantReceive: SessionApi['onMessageInstantReceive'] = null;
  onInviteReceived: SessionApi['onInviteReceived'] = null;
  onError: SessionApi['onError'] = null;
  onReconnecting: SessionApi['onReconnecting'] = null;
  onReconnected: SessionApi['onReconnected'] = null;

  private readonly client: SessionClient;
  private readonly channels = new Map<string, Channel>();
  /** The channel the server last said this session is in (one at a time). */
  private currentChannel: string | null = null;
  private readonly callsMade = new Map<string, Call>();
  private readonly callsReceived = new Map<string, Call>();
  private readonly link: SessionLink;

  constructor(private readonly setup: SessionSetup) {
    this.link = {
      request: (op, args, method, onOk, onFail) => this.send(op, args, method, onOk, onFail),
      fire: (target, name, args) => this.fire(target, name, args),
    };
    this.client = new SessionClient(
      {
        appId: setup.appId,
        account: setup.account,
        token: setup.token,
        url: setup.server,
        createSocket: setup.createSocket,
        reconnectCount: setup.reconnectCount,
        reconnectTimeS: setup.reconnectTimeS,
        clientName: setup.clientName,
      },
      {
        loginSuccess: (uid) => this.fire(this, 'onLoginSuccess', [uid]),
        loginFailed: (code) => this.fire(this, 'onLoginFailed', [code]),
        logout: (code) => this.ended(code),
        reconnecting: (n) => this.fire(this, 'onReconnecting', [n]),
        reconnected: () => this.fire(this, 'onReconnected', []),
        sessionLost: () => this.sessionLost(),
        event: (kind, fields) => this.onEvent(kind, fields),
        log: (level, text) => setup.logger.log(level, `${setup.account}: ${text}`),
      },
    );
  }

  get account(): string {
    return this.setup.account;
  }

  get uid(): number {
    return this.client.uid;
  }

  /** Starts the login; every outcome is reported asynchronously, after login() has returned. */
  start(): void {
    const problem = typeof this.setup.appId !== 'string' || this.setup.appId === '' ? 'appid is empty' : undefined;
    const accountIssue = accountProblem(this.setup.account);
    if (problem !== undefined || accountIssue !== undefined) {
      const code = problem !== undefined ? 206 : 209;
      const text = problem ?? accountIssue ?? '';
      setTimeout(() => {
        this.reportError(new SignalError(accountIssue && utf8Encode(this.setup.account).length > 128 ? 1005 : 1004, text, 'login'));
        this.fire(this, 'onLoginFailed', [code]);
      }, 0);
      return;
    }
    this.client.start();
  }

  /** Over, or asked to end: a new login of the same Signal may start (the seed allows it). */
  get isEnding(): boolean {
    return this.client.status === ClientStatus.LoggedOut || this.client.isLoggingOut;
  }

  getStatus(): number {
    const s = this.client.status;
    return s === ClientStatus.Reconnecting ? 1 : s;
  }

  logout(): void {
    this.client.logout();
  }

  messageInstantSend(peer: string, msg: string, cb?: () => void): void {
    this.send(Op.MsgInstant, [String(peer ?? ''), '0', String(msg ?? ''), ''], 'messageInstantSend', () => cb?.());
  }

  invoke(func: string, args: object | string, cb?: (err: SignalErrorInfo | null, val: InvokeAnswer | string | undefined) => void): void {
    let req: string;
    try {
      req = typeof args === 'string' ? args : JSON.stringify(args ?? {});
    } catch (e) {
      const error = new SignalError(1004, `args cannot be turned into JSON: ${(e as Error).message}`, 'invoke');
      setTimeout(() => this.callback(() => cb?.(error, undefined)), 0);
      return;
    }
    this.client.request(Op.Invoke, [String(func ?? ''), req], (result) => {
      if (result.code !== 0) {
        const error = new SignalError(result.code, result.text, 'invoke');
        this.callback(() => cb?.(error, { result: 'failed', reason: result.text }));
        return;
      }
      const err = textAt(result.values, 0);
      const val = parseJson(textAt(result.values, 1));
      if (err === '') {
        this.callback(() => cb?.(null, val));
        return;
      }
      const reason = typeof val === 'object' && typeof val.reason === 'string' ? val.reason : `error ${err}`;
      this.callback(() => cb?.(new SignalError(Number(err) || 1000, reason, 'invoke'), val));
    });
  }

  channelJoin(name: string): Channel {
    const channelName = String(name ?? '');
    const channel = new Channel(this.link, channelName);
    this.channels.set(channelName, channel);
    this.send(Op.ChannelJoin, [channelName], 'channelJoin', undefined, (code) => channel.emit('onChannelJoinFailed', code));
    return channel;
  }

  channelInviteUser2(channelID: string, peer: string, extra?: string): Call {
    const call = new Call(this.link, String(channelID ?? ''), String(peer ?? ''), extraText(extra));
    this.callsMade.set(callKey(call.channelName, call.peer), call);
    this.send(Op.InviteUser, [call.channelName, call.peer, '0', call.extra], 'channelInviteUser2', undefined, (code) => {
      this.forgetCall(call);
      call.emit('onInviteFailed', call.extra, code);
    });
    return call;
  }

  private send(
    op: number,
    args: string[],
    method: string,
    onOk?: (result: RequestResult) => void,
    onFail?: (code: number, text: string) => void,
  ): void {
    this.client.request(op, args, (result) => {
      if (result.code === 0) {
        if (onOk) this.callback(() => onOk(result));
        return;
      }
      if (onFail) this.callback(() => onFail(result.code, result.text));
      this.reportError(new SignalError(result.code, result.text, method));
    });
  }

  private onEvent(kind: number, f: Uint8Array[]): void {
    switch (kind) {
      case EventKind.InstantMsg:
        this.fire(this, 'onMessageInstantReceive', [textAt(f, 0), numberAt(f, 1), textAt(f, 2)]);
        return;
      case EventKind.ChannelJoined:
        this.currentChannel = textAt(f, 0);
        this.channel(f)?.emit('onChannelJoined');
        return;
      case EventKind.ChannelLeft: {
        const name = textAt(f, 0);
        if (this.currentChannel === name) this.currentChannel = null;
        const channel = this.channels.get(name);
        this.channels.delete(name);
        channel?.emit('onChannelLeaved', numberAt(f, 1));
        return;
      }
      case EventKind.ChannelUserList: {
        const n = numberAt(f, 1);
        const users: Array<[string, number]> = [];
        for (let i = 0; i < n && 3 + 2 * i < f.length; i++) users.push([textAt(f, 2 + 2 * i), numberAt(f, 3 + 2 * i)]);
        this.channel(f)?.emit('onChannelUserList', users);
        return;
      }
      case EventKind.ChannelUserJoined:
        this.channel(f)?.emit('onChannelUserJoined', textAt(f, 1), numberAt(f, 2));
        return;
      case EventKind.ChannelUserLeft:
        this.channel(f)?.emit('onChannelUserLeaved', textAt(f, 1), numberAt(f, 2));
        return;
      case EventKind.ChannelMsg:
        this.channel(f)?.emit('onMessageChannelReceive', textAt(f, 1), numberAt(f, 2), textAt(f, 3));
        return;
      case EventKind.ChannelAttr:
        this.channel(f)?.emit('onChannelAttrUpdated', textAt(f, 1), textAt(f, 2), textAt(f, 3));
        return;
      case EventKind.InviteReceived: {
        const call = new Call(this.link, textAt(f, 0), textAt(f, 1), textAt(f, 3));
        this.callsReceived.set(callKey(call.channelName, call.peer), call);
        this.fire(this, 'onInviteReceived', [call]);
        return;
      }
      case EventKind.InviteReceivedByPeer:
        this.callsMade.get(callKey(textAt(f, 0), textAt(f, 1)))?.emit('onInviteReceivedByPeer', '');
        return;
      case EventKind.InviteAcceptedByPeer:
        this.callsMade.get(callKey(textAt(f, 0), textAt(f, 1)))?.emit('onInviteAcceptedByPeer', textAt(f, 3));
        return;
      case EventKind.InviteRefusedByPeer:
        this.endCall(this.callsMade, f)?.emit('onInviteRefusedByPeer', textAt(f, 3));
        return;
      case EventKind.InviteFailed:
        this.endCall(this.callsMade, f)?.emit('onInviteFailed', textAt(f, 4), numberAt(f, 3));
        return;
      case EventKind.InviteEndByPeer:
        this.endAnyCall(f)?.emit('onInviteEndByPeer', textAt(f, 3));
        return;
      case EventKind.InviteEndByMyself:
        this.endAnyCall(f)?.emit('onInviteEndByMyself', '');
        return;
      case EventKind.InviteMsg: {
        const key = callKey(textAt(f, 0), textAt(f, 1));
        (this.callsMade.get(key) ?? this.callsReceived.get(key))?.emit('onInviteMsg', textAt(f, 4), textAt(f, 3));
        return;
      }
      default:
        this.setup.logger.log('debug', `${this.setup.account}: event kind ${kind} has no Web callback`);
    }
  }

  private channel(fields: Uint8Array[]): Channel | undefined {
    return this.channels.get(textAt(fields, 0));
  }

  private endCall(calls: Map<string, Call>, f: Uint8Array[]): Call | undefined {
    const key = callKey(textAt(f, 0), textAt(f, 1));
    const call = calls.get(key);
    calls.delete(key);
    return call;
  }

  /** An invitation made by this session is looked up first, as the server does. */
  private endAnyCall(f: Uint8Array[]): Call | undefined {
    return this.endCall(this.callsMade, f) ?? this.endCall(this.callsReceived, f);
  }

  private forgetCall(call: Call): void {
    const key = callKey(call.channelName, call.peer);
    if (this.callsMade.get(key) === call) this.callsMade.delete(key);
  }

  /** The old session is gone (its resume was refused): its channel membership ended with it. */
  private sessionLost(): void {
    this.leaveCurrentChannel(604);
    this.callsMade.clear();
    this.callsReceived.clear();
  }

  private ended(code: number): void {
    this.leaveCurrentChannel(leaveCodeForLogout(code));
    this.callsMade.clear();
    this.callsReceived.clear();
    this.fire(this, 'onLogout', [code]);
  }

  private leaveCurrentChannel(code: number): void {
    const name = this.currentChannel;
    this.currentChannel = null;
    if (name === null) return;
    const channel = this.channels.get(name);
    this.channels.delete(name);
    channel?.emit('onChannelLeaved', code);
  }

  private reportError(error: SignalError): void {
    this.setup.logger.log('warning', `${this.setup.account}: ${error.message}`);
    this.fire(this, 'onError', [error]);
  }

  private fire(target: object, name: string, args: unknown[]): void {
    fire(target, name, args, (e) => this.callbackThrew(name, e));
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.callbackThrew('a callback', e);
    }
  }

  private callbackThrew(name: string, e: unknown): void {
    const text = e instanceof Error ? e.stack ?? e.message : String(e);
    this.setup.logger.log('warning', `${this.setup.account}: ${name} threw: ${text}`);
  }
}

function callKey(channel: string, peer: string): string {
  return `${channel}\u0000${peer}`;
}

function parseJson(text: string): InvokeAnswer | string {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as InvokeAnswer) : text;
  } catch {
    return text;
  }
}
