// The Web object model's Session: one login, backed by one native SDK instance. Returned at once
// by Signal.login; its callback properties may be assigned after that call, since every callback
// arrives on a later turn of the event loop.
import type { ICallBack } from '../types';
import { Call } from './call';
import { CallRegistry } from './call-registry';
import { Channel } from './channel';
import { fire, jsonText, optionalFunction, requireString } from './fire';
import { InstanceBridge } from './instance-bridge';

/** What Session.getStatus returns (the Web seed's values). */
export enum SessionStatus {
  NOT_LOGGED_IN = 0,
  /** Logging in, or reconnecting after the connection was lost. */
  CONNECTING = 1,
  LOGGED_IN = 2,
}

/** @internal what Signal.login hands to a new Session. */
export interface SessionStart {
  appId: string;
  server: string | undefined;
  account: string;
  token: string;
  reconnectCount: number;
  reconnectTime: number;
  log: (line: string) => void;
}

type InvokeCallback = (err: string | null, val: unknown) => void;

export class Session {
  /** `uid` is the server's id of this login. */
  onLoginSuccess?: (uid: number) => void;
  onLoginFailed?: (ecode: number) => void;
  /** 101 logout, 102 the network gave up after the retries, 103 kicked, 105 token expired. */
  onLogout?: (ecode: number) => void;
  onMessageInstantReceive?: (account: string, uid: number, msg: string) => void;
  onInviteReceived?: (call: Call) => void;
  /** A request could not be carried out: which one, the error code and a readable text. */
  onError?: (name: string, ecode: number, desc: string) => void;

  /** The account this session logs in with. */
  readonly account: string;
  private readonly bridge: InstanceBridge;
  private readonly channels = new Map<string, Channel>();
  private readonly calls = new CallRegistry<Call>();

  /** @internal use Signal.login */
  constructor(start: SessionStart) {
    this.account = start.account;
    this.bridge = new InstanceBridge(start.appId, start.server, this.flatCallbacks(start.log), () => {
      this.channels.clear();
      this.calls.clear();
    });
    this.bridge.api.login2(start.appId, start.account, start.token, 0, '', start.reconnectTime, start.reconnectCount);
  }

  /**
   * Calls an RPC (`io.agora.signal.user_query_user_status`, `...channel_query_num`, ...) with
   * `args` (an object or JSON text); `cb(err, val)`: `err` null on success or the error code as
   * text, `val` the parsed JSON answer (`{"result":"ok",...}` / `{"result":"failed","reason":...}`).
   */
  invoke(func: string, args: unknown, cb?: InvokeCallback): void {
    requireString('invoke', 'func', func);
    const req = jsonText('invoke', 'args', args ?? {});
    const done = optionalFunction<InvokeCallback>('invoke', 'cb', cb);
    this.bridge.invoke('invoke', func, req, (err, resp) => {
      let val: unknown = resp;
      try {
        val = JSON.parse(resp);
      } catch {
        // an answer that is not JSON is handed over as text
      }
      done?.(err === '' ? null : err, val);
    });
  }

  /** Sends a peer-to-peer message; `cb` runs once the peer got it (failures: onError). */
  messageInstantSend(peer: string, msg: string, cb?: () => void): void {
    requireString('messageInstantSend', 'peer', peer);
    requireString('messageInstantSend', 'msg', msg);
    const done = optionalFunction<() => void>('messageInstantSend', 'cb', cb);
    this.bridge.sendInstant('messageInstantSend', peer, msg, undefined, { onSuccess: () => done?.() });
  }

  /** Logs out: onLogout(101). Does nothing once the session is over. */
  logout(): void {
    if (this.bridge.isEnded) return;
    this.bridge.api.logout();
  }

  /** Joins a channel (leaving the one this user is in): the Channel's onChannelJoined or onChannelJoinFailed. */
  channelJoin(name: string): Channel {
    requireString('channelJoin', 'name', name);
    const api = this.bridge.use('channelJoin');
    const channel = new Channel(this.bridge, name, (method, ecode, desc) => fire(this, 'onError', method, ecode, desc));
    this.channels.set(name, channel);
    api.channelJoin(name);
    return channel;
  }

  /** Invites `peer` into `channelID` with JSON `extra` (text or a value to serialize). */
  channelInviteUser2(channelID: string, peer: string, extra?: unknown): Call {
    requireString('channelInviteUser2', 'channelID', channelID);
    requireString('channelInviteUser2', 'peer', peer);
    const text = jsonText('channelInviteUser2', 'extra', extra);
    const api = this.bridge.use('channelInviteUser2');
    const call = new Call(this.bridge, channelID, peer, text, (c) => this.calls.remove(c));
    this.calls.add(channelID, peer, true, call);
    try {
      api.channelInviteUser2(channelID, peer, text);
    } catch (err) {
      this.calls.remove(call);
      throw err;
    }
    return call;
  }

  /** 0 not logged in, 1 logging in or reconnecting, 2 logged in. */
  getStatus(): SessionStatus {
    if (this.bridge.isEnded) return SessionStatus.NOT_LOGGED_IN;
    const status = this.bridge.api.getStatus();
    return status === 3 ? SessionStatus.CONNECTING : (status as number as SessionStatus);
  }

  private channelOfMembers(): Channel | undefined {
    const name = this.bridge.channel;
    return name === null ? undefined : this.channels.get(name);
  }

  private endCall(call: Call | undefined, member: string, extra: string): void {
    if (call === undefined) return;
    this.calls.remove(call);
    fire(call, member, extra);
  }

  private flatCallbacks(log: (line: string) => void): ICallBack {
    return {
      onLoginSuccess: (uid) => fire(this, 'onLoginSuccess', uid),
      onLoginFailed: (ecode) => fire(this, 'onLoginFailed', ecode),
      onLogout: (ecode) => fire(this, 'onLogout', ecode),
      onMessageInstantReceive: (account, uid, msg) => fire(this, 'onMessageInstantReceive', account, uid, msg),
      onError: (name, ecode, desc) => fire(this, 'onError', name, ecode, desc),
      onLog: (txt) => log(txt),

      onChannelJoined: (ch) => {
        const channel = this.channels.get(ch);
        if (channel) fire(channel, 'onChannelJoined');
      },
      onChannelJoinFailed: (ch, ecode) => {
        const channel = this.channels.get(ch);
        this.channels.delete(ch);
        if (channel) fire(channel, 'onChannelJoinFailed', ecode);
      },
      onChannelLeaved: (ch, ecode) => {
        const channel = this.channels.get(ch);
        this.channels.delete(ch);
        channel?.leaved(ecode);
      },
      onChannelUserJoined: (account, uid) => {
        const channel = this.channelOfMembers();
        if (channel) fire(channel, 'onChannelUserJoined', account, uid);
      },
      onChannelUserLeaved: (account, uid) => {
        const channel = this.channelOfMembers();
        if (channel) fire(channel, 'onChannelUserLeaved', account, uid);
      },
      onChannelUserList: (_n, accounts, uids) => {
        const channel = this.channelOfMembers();
        if (channel) fire(channel, 'onChannelUserList', accounts.map((a, i) => [a, uids[i]]));
      },
      onChannelAttrUpdated: (ch, name, value, type) => {
        const channel = this.channels.get(ch);
        if (channel) fire(channel, 'onChannelAttrUpdated', name, value, type);
      },
      onMessageChannelReceive: (ch, account, uid, msg) => {
        const channel = this.channels.get(ch);
        if (channel) fire(channel, 'onMessageChannelReceive', account, uid, msg);
      },

      onInviteReceived: (ch, account, _uid, extra) => {
        const call = new Call(this.bridge, ch, account, extra, (c) => this.calls.remove(c));
        this.calls.add(ch, account, false, call);
        fire(this, 'onInviteReceived', call);
      },
      onInviteReceivedByPeer: (ch, account) => {
        const call = this.calls.find(ch, account, true);
        if (call) fire(call, 'onInviteReceivedByPeer', call.extra);
      },
      onInviteAcceptedByPeer: (ch, account, _uid, extra) => {
        const call = this.calls.find(ch, account, true);
        if (call) fire(call, 'onInviteAcceptedByPeer', extra);
      },
      onInviteRefusedByPeer: (ch, account, _uid, extra) =>
        this.endCall(this.calls.find(ch, account, true), 'onInviteRefusedByPeer', extra),
      onInviteFailed: (ch, account, _uid, ecode, extra) => {
        const call = ecode === 701 ? this.calls.findNewestOutgoing(ch, account) : this.calls.find(ch, account, true);
        if (call === undefined) return;
        this.calls.remove(call);
        fire(call, 'onInviteFailed', extra, ecode);
      },
      onInviteEndByPeer: (ch, account, _uid, extra) => this.endCall(this.calls.find(ch, account), 'onInviteEndByPeer', extra),
      onInviteEndByMyself: (ch, account) => this.endCall(this.calls.find(ch, account), 'onInviteEndByMyself', ''),
      onInviteMsg: (ch, account, _uid, msgType, msgData) => {
        const call = this.calls.find(ch, account);
        if (call) fire(call, 'onInviteMsg', JSON.stringify({ msgType, msgData }));
      },
    };
  }
}
