// The callback classes of the Java Server SDK model. Every member does nothing: subclass a class
// and override what you need, or pass a plain object with only those members.
import type { Call } from './call';
import type { Channel } from './channel';
import type { LoginSession } from './login-session';

/** Login, peer-to-peer messages, received invitations and errors of one LoginSession. */
export class LoginCallback {
  onLoginSuccess(_session: LoginSession, _uid: number): void {}
  onLogout(_session: LoginSession, _ecode: number): void {}
  onLoginFailed(_session: LoginSession, _ecode: number): void {}
  onMessageInstantReceive(_session: LoginSession, _account: string, _uid: number, _msg: string): void {}
  /** An invitation to this user; answer it with the Call's methods. */
  onInviteReceived(_session: LoginSession, _call: Call): void {}
  /** `reason` is "<method>: <text>". */
  onError(_session: LoginSession, _ecode: number, _reason: string): void {}
  /** Also given to the Channel's ChannelCallback. */
  onChannelJoined(_session: LoginSession, _channel: Channel): void {}
  onChannelJoinFailed(_session: LoginSession, _channel: Channel, _ecode: number): void {}
  onChannelLeaved(_session: LoginSession, _channel: Channel, _ecode: number): void {}
}

/** The events of one joined Channel. */
export class ChannelCallback {
  onChannelJoined(_session: LoginSession, _channel: Channel): void {}
  onChannelJoinFailed(_session: LoginSession, _channel: Channel, _ecode: number): void {}
  onChannelLeaved(_session: LoginSession, _channel: Channel, _ecode: number): void {}
  onChannelUserJoined(_session: LoginSession, _channel: Channel, _account: string, _uid: number): void {}
  onChannelUserLeaved(_session: LoginSession, _channel: Channel, _account: string, _uid: number): void {}
  /** The most recent (at most 200) members, oldest first, this user included. */
  onChannelUserList(_session: LoginSession, _channel: Channel, _users: string[], _uids: number[]): void {}
  onChannelAttrUpdated(_session: LoginSession, _channel: Channel, _name: string, _value: string, _type: string): void {}
  /** The answer to LoginSession.channelQueryUserNum of this channel's name: `err` "" on success. */
  onChannelQueryUserNum(_session: LoginSession, _err: string, _num: number): void {}
  onMessageChannelReceive(_session: LoginSession, _channel: Channel, _account: string, _uid: number, _msg: string): void {}
}

/** The progress of one invitation (a Call). */
export class CallCallback {
  onInviteReceivedByPeer(_session: LoginSession, _call: Call): void {}
  onInviteAcceptedByPeer(_session: LoginSession, _call: Call, _extra: string): void {}
  onInviteRefusedByPeer(_session: LoginSession, _call: Call, _extra: string): void {}
  /** `ecode` 701 already invited, 702 the callee's session ended, 703 callee offline, 704 unanswered. */
  onInviteFailed(_session: LoginSession, _call: Call, _ecode: number): void {}
  onInviteEndByPeer(_session: LoginSession, _call: Call, _extra: string): void {}
  onInviteEndByMyself(_session: LoginSession, _call: Call, _extra: string): void {}
  /** A DTMF message: `extra` is `{"msgType":"DTMF","msgData":"<digits>"}`. */
  onInviteMsg(_session: LoginSession, _call: Call, _extra: string): void {}
}

/** The outcome of one message. */
export class MessageCallback {
  /** Delivered (for a message held for an offline peer: when the peer logged in and got it). */
  onMessageSendSuccess(_session: LoginSession): void {}
  /** 400 peer offline (no ttl) or not in the channel, 401 a held message expired, 1001, 1004, 1005. */
  onMessageSendError(_session: LoginSession, _ecode: number): void {}
}

/**
 * The answers to the user-attribute and member-count queries: `err` "" on success, else the error
 * code as text; `ret` the answer, `{"result":"ok", ...}` or `{"result":"failed","reason":...}`.
 */
export class UserAttrCallback {
  /** `ret`: {"result":"ok","account":...,"name":...,"value":...}. */
  onUserGetAttr(_err: string, _ret: Record<string, unknown>): void {}
  /** `ret`: {"result":"ok","account":...,"json":{name: value, ...}}. */
  onUserGetAttrAll(_err: string, _ret: Record<string, unknown>): void {}
  /** `ret`: {"result":"ok","reason":""}. */
  onUserSetAttr(_err: string, _ret: Record<string, unknown>): void {}
  /** `ret`: {"result":"ok","name":<channel>,"num":n}. */
  onChannelQueryUserNum(_err: string, _ret: Record<string, unknown>): void {}
}

/** A callback object: an instance of the class, or any object with some of its members. */
export type Partially<T> = Partial<T> | T;
