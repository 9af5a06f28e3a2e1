// One login of the Java Server SDK model, backed by one native SDK instance. A Signal may hold
// many at once, each its own account and connection.
import type { ICallBack } from '../types';
import { CallRegistry } from '../node-web/call-registry';
import { requireString } from '../node-web/fire';
import { InstanceBridge } from '../node-web/instance-bridge';
import { Call } from './call';
import type { CallCallback, ChannelCallback, LoginCallback, MessageCallback, Partially, UserAttrCallback } from './callbacks';
import { Channel } from './channel';
import { LoginStatus } from './login-status';

/** @internal what Signal.login hands to a new LoginSession. */
export interface LoginStart {
  appId: string;
  server: string | undefined;
  account: string;
  token: string;
  callback: Partially<LoginCallback>;
  log: (line: string) => void;
}

type AttrAnswer = 'onUserGetAttr' | 'onUserGetAttrAll' | 'onUserSetAttr' | 'onChannelQueryUserNum';

export class LoginSession {
  /** The account of this session. */
  readonly account: string;
  private status = LoginStatus.CONNECTING;
  private readonly bridge: InstanceBridge;
  private readonly callback: Partially<LoginCallback>;
  private readonly channels = new Map<string, Channel>();
  private readonly calls = new CallRegistry<Call>();

  /** @internal use Signal.login */
  constructor(start: LoginStart) {
    this.account = start.account;
    this.callback = start.callback;
    this.bridge = new InstanceBridge(start.appId, start.server, this.flatCallbacks(start.log), () => {
      this.channels.clear();
      this.calls.clear();
    });
    this.bridge.api.login(start.appId, start.account, start.token, 0, '');
  }

  /** 0 logged out, 1 logging in or reconnecting, 2 logged in, 3 login failed. */
  getStatus(): LoginStatus {
    return this.status;
  }

  /** Logs out: onLogout(101). Does nothing once the session is over. */
  logout(): void {
    if (this.bridge.isEnded) return;
    this.bridge.api.logout();
  }

  /**
   * Sends a peer-to-peer message. With `ttl` (seconds) a message to an offline peer is held by the
   * server and delivered when the peer logs in: onMessageSendSuccess then, or
   * onMessageSendError(401) when the time runs out first.
   */
  messageInstantSend(account: string, msg: string, cb?: Partially<MessageCallback>): void;
  messageInstantSend(account: string, msg: string, ttl: number, cb?: Partially<MessageCallback>): void;
  messageInstantSend(account: string, msg: string, ttlOrCb?: number | Partially<MessageCallback>, maybeCb?: Partially<MessageCallback>): void {
    requireString('messageInstantSend', 'account', account);
    requireString('messageInstantSend', 'msg', msg);
    let options: string | undefined;
    let cb: Partially<MessageCallback> | undefined;
    if (typeof ttlOrCb === 'number') {
      if (!Number.isInteger(ttlOrCb) || ttlOrCb < 0) {
        throw new RangeError(`messageInstantSend(): ttl must be a whole number of seconds >= 0, got ${ttlOrCb}`);
      }
      options = JSON.stringify({ ttl: ttlOrCb });
      cb = maybeCb;
    } else {
      cb = ttlOrCb;
    }
    this.bridge.sendInstant('messageInstantSend', account, msg, options, {
      onSuccess: () => cb?.onMessageSendSuccess?.(this),
      onFailure: (ecode) => cb?.onMessageSendError?.(this, ecode),
    });
  }

  /** Invites `peer` into `channel` with JSON `extra`; the Call's progress goes to `cb`. */
  channelInviteUser2(channel: string, peer: string, extra: string, cb?: Partially<CallCallback>): Call {
    requireString('channelInviteUser2', 'channel', channel);
    requireString('channelInviteUser2', 'peer', peer);
    const text = extra ?? '';
    requireString('channelInviteUser2', 'extra', text);
    const api = this.bridge.use('channelInviteUser2');
    const call = new Call(this.bridge, channel, peer, text, cb ?? null, (c) => this.calls.remove(c));
    this.calls.add(channel, peer, true, call);
    try {
      api.channelInviteUser2(channel, peer, text);
    } catch (err) {
      this.calls.remove(call);
      throw err;
    }
    return call;
  }

  /** Joins a channel (leaving the one this session is in); its events go to `cb`. */
  channelJoin(name: string, cb?: Partially<ChannelCallback>): Channel {
    requireString('channelJoin', 'name', name);
    const api = this.bridge.use('channelJoin');
    const channel = new Channel(this.bridge, this, name, cb ?? {});
    this.channels.set(name, channel);
    api.channelJoin(name);
    return channel;
  }

  /** Sets (an empty value deletes) an attribute of this session's account: cb.onUserSetAttr. */
  userSetAttr(name: string, value: string, cb?: Partially<UserAttrCallback>): void {
    requireString('userSetAttr', 'name', name);
    requireString('userSetAttr', 'value', value);
    this.attrQuery('userSetAttr', 'user_set_attr', { name, value }, cb, 'onUserSetAttr');
  }

  /** Reads an attribute of `account`: cb.onUserGetAttr. */
  userGetAttr(account: string, name: string, cb?: Partially<UserAttrCallback>): void {
    requireString('userGetAttr', 'account', account);
    requireString('userGetAttr', 'name', name);
    this.attrQuery('userGetAttr', 'user_get_attr', { account, name }, cb, 'onUserGetAttr');
  }

  /** Reads every attribute of `account`: cb.onUserGetAttrAll. */
  userGetAttrAll(account: string, cb?: Partially<UserAttrCallback>): void {
    requireString('userGetAttrAll', 'account', account);
    this.attrQuery('userGetAttrAll', 'user_get_attr_all', { account }, cb, 'onUserGetAttrAll');
  }

  /**
   * Counts the members of channel `name`: cb.onChannelQueryUserNum(err, ret), and the
   * ChannelCallback of this session's Channel of that name, if any, onChannelQueryUserNum(session, err, num).
   */
  channelQueryUserNum(name: string, cb?: Partially<UserAttrCallback>): void {
    requireString('channelQueryUserNum', 'name', name);
    this.attrQuery('channelQueryUserNum', 'channel_query_num', { name }, cb, 'onChannelQueryUserNum', (err, ret) => {
      const channel = this.channels.get(name);
      const num = typeof ret.num === 'number' ? ret.num : 0;
      channel?.callback.onChannelQueryUserNum?.(this, err, num);
    });
  }

  private attrQuery(
    method: string,
    func: string,
    req: Record<string, string>,
    cb: Partially<UserAttrCallback> | undefined,
    answer: AttrAnswer,
    also?: (err: string, ret: Record<string, unknown>) => void,
  ): void {
    this.bridge.invoke(method, `io.agora.signal.${func}`, JSON.stringify(req), (err, resp) => {
      const ret = parseAnswer(resp);
      // The Java SDK's answer to a set carries an empty reason.
      if (answer === 'onUserSetAttr' && ret.result === 'ok' && ret.reason === undefined) ret.reason = '';
      cb?.[answer]?.(err, ret);
      also?.(err, ret);
    });
  }

  private channelOfMembers(): Channel | undefined {
    const name = this.bridge.channel;
    return name === null ? undefined : this.channels.get(name);
  }

  private flatCallbacks(log: (line: string) => void): ICallBack {
    const login = (): Partially<LoginCallback> => this.callback;
    const callCb = (call: Call): Partially<CallCallback> => call.callback ?? {};
    const endCall = (call: Call | undefined, fire: (call: Call) => void): void => {
      if (call === undefined) return;
      this.calls.remove(call);
      fire(call);
    };
    return {
      onLoginSuccess: (uid) => {
        this.status = LoginStatus.LOGGED_IN;
        login().onLoginSuccess?.(this, uid);
      },
      onLoginFailed: (ecode) => {
        this.status = LoginStatus.LOGIN_FAILED;
        login().onLoginFailed?.(this, ecode);
      },
      onLogout: (ecode) => {
        this.status = LoginStatus.LOGGED_OUT;
        login().onLogout?.(this, ecode);
      },
      onReconnecting: () => {
        this.status = LoginStatus.CONNECTING;
      },
      onReconnected: () => {
        this.status = LoginStatus.LOGGED_IN;
      },
      onMessageInstantReceive: (account, uid, msg) => login().onMessageInstantReceive?.(this, account, uid, msg),
      onError: (name, ecode, desc) => login().onError?.(this, ecode, `${name}: ${desc}`),
      onLog: (txt) => log(txt),

      onChannelJoined: (ch) => {
        const channel = this.channels.get(ch);
        if (channel === undefined) return;
        channel.callback.onChannelJoined?.(this, channel);
        login().onChannelJoined?.(this, channel);
      },
      onChannelJoinFailed: (ch, ecode) => {
        const channel = this.channels.get(ch);
        if (channel === undefined) return;
        this.channels.delete(ch);
        channel.callback.onChannelJoinFailed?.(this, channel, ecode);
        login().onChannelJoinFailed?.(this, channel, ecode);
      },
      onChannelLeaved: (ch, ecode) => {
        const channel = this.channels.get(ch);
        if (channel === undefined) return;
        this.channels.delete(ch);
        channel.callback.onChannelLeaved?.(this, channel, ecode);
        login().onChannelLeaved?.(this, channel, ecode);
      },
      onChannelUserJoined: (account, uid) => {
        const channel = this.channelOfMembers();
        channel?.callback.onChannelUserJoined?.(this, channel, account, uid);
      },
      onChannelUserLeaved: (account, uid) => {
        const channel = this.channelOfMembers();
        channel?.callback.onChannelUserLeaved?.(this, channel, account, uid);
      },
      onChannelUserList: (_n, accounts, uids) => {
        const channel = this.channelOfMembers();
        channel?.callback.onChannelUserList?.(this, channel, accounts, uids);
      },
      onChannelAttrUpdated: (ch, name, value, type) => {
        const channel = this.channels.get(ch);
        channel?.callback.onChannelAttrUpdated?.(this, channel, name, value, type);
      },
      onMessageChannelReceive: (ch, account, uid, msg) => {
        const channel = this.channels.get(ch);
        channel?.callback.onMessageChannelReceive?.(this, channel, account, uid, msg);
      },

      onInviteReceived: (ch, account, _uid, extra) => {
        const call = new Call(this.bridge, ch, account, extra, null, (c) => this.calls.remove(c));
        this.calls.add(ch, account, false, call);
        login().onInviteReceived?.(this, call);
      },
      onInviteReceivedByPeer: (ch, account) => {
        const call = this.calls.find(ch, account, true);
        if (call) callCb(call).onInviteReceivedByPeer?.(this, call);
      },
      onInviteAcceptedByPeer: (ch, account, _uid, extra) => {
        const call = this.calls.find(ch, account, true);
        if (call) callCb(call).onInviteAcceptedByPeer?.(this, call, extra);
      },
      onInviteRefusedByPeer: (ch, account, _uid, extra) =>
        endCall(this.calls.find(ch, account, true), (call) => callCb(call).onInviteRefusedByPeer?.(this, call, extra)),
      onInviteFailed: (ch, account, _uid, ecode) =>
        endCall(ecode === 701 ? this.calls.findNewestOutgoing(ch, account) : this.calls.find(ch, account, true), (call) =>
          callCb(call).onInviteFailed?.(this, call, ecode),
        ),
      onInviteEndByPeer: (ch, account, _uid, extra) =>
        endCall(this.calls.find(ch, account), (call) => callCb(call).onInviteEndByPeer?.(this, call, extra)),
      onInviteEndByMyself: (ch, account) =>
        endCall(this.calls.find(ch, account), (call) => callCb(call).onInviteEndByMyself?.(this, call, '')),
      onInviteMsg: (ch, account, _uid, msgType, msgData) => {
        const call = this.calls.find(ch, account);
        if (call) callCb(call).onInviteMsg?.(this, call, JSON.stringify({ msgType, msgData }));
      },
    };
  }
}

/** The JSON object of an RPC answer; anything else becomes a failure naming it. */
function parseAnswer(resp: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(resp);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // handled below
  }
  return { result: 'failed', reason: `unexpected answer: ${resp}` };
}
