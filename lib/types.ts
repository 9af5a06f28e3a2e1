// The typed surface of the SDK for JavaScript: the error codes, the login states, the callbacks
// (ICallBack) and the API (IAgoraAPI), member for member in the order of the C++ header
// native/include/agora_sig.h. Each C++ (pointer, size) string is one JavaScript parameter.

/**
 * A byte string parameter: a JS string (sent as UTF-8) or a Buffer / Uint8Array (sent as is).
 * Used where the bytes matter (message bodies, attribute values, JSON extras).
 */
export type Bytes = string | Buffer | Uint8Array;

export { AGORA_E_CODE } from './protocol/error-codes';

/** What {@link IAgoraAPI.getStatus} returns. */
export enum LoginStatus {
  NOT_LOGGED_IN = 0,
  LOGGING_IN = 1,
  LOGGED_IN = 2,
  RECONNECTING = 3,
}

/**
 * The callbacks of one SDK instance. Every member is optional: install an object with the ones
 * you need through {@link IAgoraAPI.callbackSet}. Callbacks run on the JavaScript thread that
 * owns the instance, in the order the SDK raised them. Strings arrive decoded as UTF-8.
 */
export interface ICallBack {
  /** The connection was lost; reconnection attempt number `nretry` starts. */
  onReconnecting?(nretry: number): void;
  /** Reconnected and the session restored (messages sent meanwhile are delivered). */
  onReconnected?(fd: number): void;
  /** Login succeeded. `uid` is deprecated (0 or an internal id); `fd` has no meaning here. */
  onLoginSuccess?(uid: number, fd: number): void;
  /**
   * The session ended: 101 logout by the user, 102 the network gave up after the retries,
   * 103 kicked by a login of the same account elsewhere, 105 the token expired, ...
   */
  onLogout?(ecode: number): void;
  /**
   * Login failed: 201 network (server unreachable after the retries), 206 wrong token,
   * 204 token expired, 208 already logged in, 209 invalid account, ...
   */
  onLoginFailed?(ecode: number): void;
  /**
   * This user joined channel `channelID`. onChannelUserList follows, then one
   * onChannelAttrUpdated(channelID, name, value, "update") per attribute of the channel.
   */
  onChannelJoined?(channelID: string): void;
  /**
   * Joining `channelID` failed with `ecode`: 1004 empty or not visible characters, 1005 over
   * 128 bytes, 300 a reserved name (`__agora_` other than the two special channels), 1003 not
   * logged in. onError("channelJoin", ecode, text) follows.
   */
  onChannelJoinFailed?(channelID: string, ecode: number): void;
  /**
   * This user is no longer in `channelID`: 602 channelLeave or joining another channel (one
   * channel at a time), 603 logout (before onLogout), 601 kicked by a login elsewhere (before
   * onLogout(103)), 604 the connection was lost for longer than the server's resume window, or
   * reconnection was given up (before onLogout(102)).
   */
  onChannelLeaved?(channelID: string, ecode: number): void;
  /** Another user joined a channel this user is in. */
  onChannelUserJoined?(account: string, uid: number): void;
  /** Another user left a channel this user is in. */
  onChannelUserLeaved?(account: string, uid: number): void;
  /**
   * After joining: the most recent (at most 200) members, oldest first, this user included;
   * `n` is the length of both arrays.
   */
  onChannelUserList?(n: number, accounts: string[], uids: number[]): void;
  /**
   * Answer to {@link IAgoraAPI.channelQueryUserNum}: `ecode` 0 and `num` members (0 for an
   * unknown channel); on failure `ecode` (e.g. 1004 bad name) and `num` 0, then onError.
   */
  onChannelQueryUserNumResult?(channelID: string, ecode: number, num: number): void;
  /** Answer to {@link IAgoraAPI.channelQueryUserIsIn}: `isIn` is 1 when the account is in. */
  onChannelQueryUserIsIn?(channelID: string, account: string, isIn: number): void;
  /**
   * A channel attribute of the channel this user is in changed, whoever changed it (this user
   * included): `type` "update" (name, value), "del" (name, value ""), "clear" (name and value "").
   * Also fired once per attribute right after joining.
   */
  onChannelAttrUpdated?(channelID: string, name: string, value: string, type: string): void;
  /**
   * An invitation into `channelID` reached this user (the callee): `account` and `uid` are the
   * caller's, `extra` the caller's extra byte for byte ("" when none; keys such as `destMediaUid`
   * and `srcNum` pass untouched). On the gateway account of phone calls `extra` is a JSON object
   * holding `phoneNum` (the number called) and `srcNum` (the number to show, when given). Answer
   * with channelInviteAccept / channelInviteRefuse / channelInviteEnd naming the caller. An
   * invitation sent while this user was offline arrives right after login (if in time).
   */
  onInviteReceived?(channelID: string, account: string, uid: number, extra: string): void;
  /**
   * This user's invitation reached the callee's session: `account` and `uid` are the callee's (for
   * a phone call the phone number and uid 0).
   */
  onInviteReceivedByPeer?(channelID: string, account: string, uid: number): void;
  /** The callee accepted this user's invitation; `extra` is the callee's accept extra ("" when none). */
  onInviteAcceptedByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  /** The callee refused this user's invitation (it is gone); `extra` is the callee's refuse extra. */
  onInviteRefusedByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  /**
   * This user's invitation failed and is gone: `ecode` 701 (the same callee is already invited to
   * that channel; `extra` of the second invitation), 702 (the callee's session ended before it
   * answered), 703 (callee offline: at once with `_require_peer_online` 1, for a phone call with no
   * gateway online, else after waiting 20 s for the callee to log in), 704 (unanswered after
   * `_timeout`, 30 s by default). `uid` is the callee's, 0 when it never got the invitation;
   * `extra` is the invitation's extra as this user sent it.
   */
  onInviteFailed?(channelID: string, account: string, uid: number, ecode: number, extra: string): void;
  /**
   * The other party ended the invitation, before or after it was answered: `extra` is its end
   * extra (""), or the server's reason: `{"_reason":"timeout"}` when an invitation this user
   * received expired, `{"_reason":"session_ended","code":N}` when the other party's session ended
   * (N the logout code: 101 logout, 102 connection lost beyond the resume window, 103 kicked, 105
   * token expired).
   */
  onInviteEndByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  /** This user's channelInviteEnd took effect: `account` and `uid` are the other party's. */
  onInviteEndByMyself?(channelID: string, account: string, uid: number): void;
  /**
   * A message from the other party of a ringing or accepted invitation: `msgType` "DTMF",
   * `msgData` its digits (0-9, `*`, `#`), `extra` "". For a phone call the caller sees the phone
   * number with uid 0 and the gateway sees the caller.
   */
  onInviteMsg?(
    channelID: string,
    account: string,
    uid: number,
    msgType: string,
    msgData: string,
    extra: string,
  ): void;
  /**
   * Sending message `messageID` failed with `ecode`: 400 peer offline or not a member of the
   * channel, 401 a held message expired before the peer logged in, 1001 over a rate limit,
   * 1003 not logged in, 1004 wrong parameter, 1005 too large. onError follows with the reason
   * (for a rate limit it names the limit).
   */
  onMessageSendError?(messageID: string, ecode: number): void;
  /**
   * Message `messageID` to `account` is held by the server because the peer is offline
   * (messageInstantSend2 with a `ttl`, messagePushSend): `type` "held", `info` its time to live
   * in seconds (decimal text). onMessageSendSuccess follows when the peer logs in
   * and receives it, onMessageSendError(messageID, 401) when its time to live runs out first.
   */
  onMessageSendProgress?(account: string, messageID: string, type: string, info: string): void;
  /**
   * Message `messageID` was delivered: to the peer (peer-to-peer; for a held message when the
   * peer logged in), to the channel's members, or to the application's back end.
   */
  onMessageSendSuccess?(messageID: string): void;
  /** A message pushed to this user by the application's back end (the server's `pushAppMessage`). */
  onMessageAppReceived?(msg: string): void;
  /** A peer-to-peer message to this user from `account`. */
  onMessageInstantReceive?(account: string, uid: number, msg: string): void;
  /** A message in channel `channelID` from `account`; every member gets every message in the same order, the sender included. */
  onMessageChannelReceive?(channelID: string, account: string, uid: number, msg: string): void;
  /** One line of the SDK's log. */
  onLog?(txt: string): void;
  /**
   * Answer to {@link IAgoraAPI.invoke}: `err` is empty on success, else the error code as text
   * (e.g. "1004"); `resp` is JSON, `{"result": "ok", ...}` or `{"result": "failed", "reason": ...}`.
   */
  onInvokeRet?(callID: string, err: string, resp: string): void;
  /** A generic message of type `t`. */
  onMsg?(from: string, t: string, msg: string): void;
  /** Answer to getAttr / getUserAttr; `value` is "" for an attribute that is not set. */
  onUserAttrResult?(account: string, name: string, value: string): void;
  /** Answer to getAttrAll / getUserAttrAll; `value` is a JSON object of every attribute (`{}` when none). */
  onUserAttrAllResult?(account: string, value: string): void;
  /**
   * A call could not be carried out: `name` says which, `ecode` why (1003 not logged in,
   * 1004 wrong parameter, 1005 parameter too large, ...), `desc` in words.
   */
  onError?(name: string, ecode: number, desc: string): void;
  /** Answer to {@link IAgoraAPI.queryUserStatus}: `status` "1" online, "0" offline. */
  onQueryUserStatusResult?(name: string, status: string): void;
  /**
   * Answer to {@link IAgoraAPI.dbg}: ("server", "host:port") for the local server choice; the
   * server answers "ping" with ("pong", b), "echo" with ("echo", b), "version", "server_time"
   * and "stats" with their value in `b`. An unknown command gives onError("dbg", 1004, ...).
   */
  onDbg?(a: string, b: string): void;
  /**
   * Answer to {@link IAgoraAPI.bc_call}: `reason` is empty on success, else why it failed;
   * `json_ret` is JSON as in onInvokeRet's `resp`.
   */
  onBCCall_result?(reason: string, json_ret: string, callID: string): void;
}

/**
 * One SDK instance. Every call returns at once; outcomes arrive through the {@link ICallBack}
 * installed with {@link IAgoraAPI.callbackSet}. After {@link IAgoraAPI.destroy} every call but
 * destroy throws.
 */
export interface IAgoraAPI {
  /** Installs the callbacks (replacing the previous ones); `null` removes them. */
  callbackSet(handler: ICallBack | null): void;
  /** The installed callbacks, or `null`. */
  callbackGet(): ICallBack | null;
  /**
   * Logs in (no reconnection limits beyond the defaults). An empty `vendorID` uses the one given
   * to the factory. `uid` is deprecated (pass 0). Outcome: onLoginSuccess or onLoginFailed.
   */
  login(vendorID: string, account: string, token: string, uid: number, deviceID: string): void;
  /**
   * As {@link IAgoraAPI.login}, with reconnection limits: retry for at most `retry_time_in_s`
   * seconds (default 30) and `retry_count` attempts (default 3), whichever ends first.
   */
  login2(
    vendorID: string,
    account: string,
    token: string,
    uid: number,
    deviceID: string,
    retry_time_in_s?: number,
    retry_count?: number,
  ): void;
  /** Logs out; onLogout(101) follows. */
  logout(): void;
  /** Joins a channel (name at most 128 bytes): onChannelJoined / onChannelJoinFailed. */
  channelJoin(channelID: string): void;
  /** Leaves a channel: onChannelLeaved. */
  channelLeave(channelID: string): void;
  /** Asks for a channel's member count: onChannelQueryUserNumResult. */
  channelQueryUserNum(channelID: string): void;
  /** Asks whether `account` is in the channel: onChannelQueryUserIsIn. */
  channelQueryUserIsIn(channelID: string, account: string): void;
  /** Sets a channel attribute (value at most 8096 bytes): onChannelAttrUpdated("update"). */
  channelSetAttr(channelID: string, name: string, value: Bytes): void;
  /** Deletes a channel attribute: onChannelAttrUpdated("del"). */
  channelDelAttr(channelID: string, name: string): void;
  /** Deletes every channel attribute: onChannelAttrUpdated("clear"). */
  channelClearAttr(channelID: string): void;
  /**
   * Invites `account` into `channelID` (joining the channel is separate): the callee gets
   * onInviteReceived, this user onInviteReceivedByPeer, later onInviteAcceptedByPeer /
   * onInviteRefusedByPeer / onInviteEndByPeer or onInviteFailed. `uid` is ignored (default 0).
   * An invalid name: onError("channelInviteUser", 1004 / 1005, text).
   */
  channelInviteUser(channelID: string, account: string, uid?: number): void;
  /**
   * As channelInviteUser with `extra`: "" or JSON text of at most 8,192 bytes (not JSON:
   * onError(method, 1004); larger: 1005). The server reads two keys of a JSON object:
   * `_require_peer_online` (0 default: an offline callee is waited for 20 s, then 703; 1: 703 at
   * once) and `_timeout` (seconds 0-30, 0 or absent: 30; unanswered that long: 704 and the callee
   * hears onInviteEndByPeer); other values of these keys: onError(method, 1004). Every other key
   * (`destMediaUid`, `srcNum`, ...) reaches the callee untouched.
   */
  channelInviteUser2(channelID: string, account: string, extra: Bytes): void;
  /**
   * Calls a phone number through the App ID's SIP gateway account (named in the server's
   * configuration): callbacks as channelInviteUser with the phone number as the peer and uid 0.
   * No gateway online: onInviteFailed(..., 703, ...) at once. `uid` is ignored.
   */
  channelInvitePhone(channelID: string, phoneNum: string, uid?: number): void;
  /** As channelInvitePhone, showing `sourcesNum` as the calling number (the gateway gets it as `srcNum`). */
  channelInvitePhone2(channelID: string, phoneNum: string, sourcesNum: string): void;
  /**
   * As channelInvitePhone2 with `extra`: "" or a JSON object of at most 8,192 bytes (`_timeout`
   * applies; `_require_peer_online` does not: a phone call never waits).
   */
  channelInvitePhone3(channelID: string, phoneNum: string, sourcesNum: string, extra: Bytes): void;
  /**
   * Sends DTMF tones (1 to 128 of 0-9, `*`, `#`; others: onError("channelInviteDTMF", 1004)) to
   * the other party of a ringing or accepted invitation, named by its phone number or account. It
   * gets onInviteMsg(channel, sender, uid, "DTMF", digits, ""). No such invitation: onError(..., 700).
   */
  channelInviteDTMF(channelID: string, phoneNum: string, dtmf: string): void;
  /**
   * Accepts the invitation from `account` (the caller) into `channelID`, optionally with JSON
   * `extra` (at most 8,192 bytes) for it: the caller gets onInviteAcceptedByPeer. An invitation
   * that no longer exists (ended, expired, refused, never made) or is already accepted:
   * onError("channelInviteAccept", 700, text), nothing else. `uid` is ignored.
   */
  channelInviteAccept(channelID: string, account: string, uid: number, extra?: Bytes): void;
  /** Refuses the invitation from `account` with JSON `extra` ("" or at most 8,192 bytes): the caller gets onInviteRefusedByPeer; errors as channelInviteAccept. */
  channelInviteRefuse(channelID: string, account: string, uid: number, extra: Bytes): void;
  /**
   * Ends an invitation, answered or not, made by this user (`account` the callee or phone number)
   * or received (`account` the caller): onInviteEndByMyself here, onInviteEndByPeer at the other
   * party (a caller ending an unanswered invitation withdraws it). None: onError(..., 700).
   */
  channelInviteEnd(channelID: string, account: string, uid: number): void;
  /**
   * Sends a message (at most 8 KiB) to the application's back end: onMessageSendSuccess once a
   * back end took it, onMessageSendError(msgID, 400) when none listens.
   */
  messageAppSend(msg: Bytes, msgID: string): void;
  /**
   * Sends a peer-to-peer message (at most 8 KiB): onMessageSendSuccess(msgID) or
   * onMessageSendError(msgID, ecode).
   */
  messageInstantSend(account: string, uid: number, msg: Bytes, msgID: string): void;
  /** As messageInstantSend with JSON `options` (e.g. a time to live for an offline peer). */
  messageInstantSend2(account: string, uid: number, msg: Bytes, msgID: string, options: Bytes): void;
  /** Sends a message (at most 8 KiB) to the channel this user is in: onMessageSendSuccess / onMessageSendError. */
  messageChannelSend(channelID: string, msg: Bytes, msgID: string): void;
  /** Sends a message to a channel, also when this user is not in it (any logged-in user of the App ID may). */
  messageChannelSendForce(channelID: string, msg: Bytes, msgID: string): void;
  /** Sends a message that the server holds for an offline peer (as messageInstantSend2 with the server's push time to live). */
  messagePushSend(account: string, uid: number, msg: Bytes, msgID: string): void;
  /** Sends a chat message. */
  messageChatSend(account: string, uid: number, msg: Bytes, msgID: string): void;
  /**
   * Deprecated (use channelInviteDTMF): sends DTMF tones (0-9, `*`, `#`) to the other party of
   * this user's most recent ringing or accepted invitation whose other party has `uid` (any when
   * 0): it gets onInviteMsg(..., "DTMF", digits, ""), this user onMessageSendSuccess(msgID); no
   * such invitation: onMessageSendError(msgID, 700); bad tones: onMessageSendError(msgID, 1004).
   */
  messageDTMFSend(uid: number, msg: Bytes, msgID: string): void;
  /** Tells the SDK the app went to the background (1) or came back (0). */
  setBackground(bOut: number): void;
  /** Tells the SDK the network went away (0) or came back (1). */
  setNetworkStatus(bOut: number): void;
  /** Pings the server. */
  ping(): void;
  /** Sets an attribute of this user. */
  setAttr(name: string, value: Bytes): void;
  /** Reads an attribute of this user: onUserAttrResult. */
  getAttr(name: string): void;
  /** Reads every attribute of this user: onUserAttrAllResult. */
  getAttrAll(): void;
  /** Reads an attribute of another user: onUserAttrResult. */
  getUserAttr(account: string, name: string): void;
  /** Reads every attribute of another user: onUserAttrAllResult. */
  getUserAttrAll(account: string): void;
  /** Asks whether `account` is online: onQueryUserStatusResult. */
  queryUserStatus(account: string): void;
  /** Calls an `io.agora.signal.*` RPC with JSON `req`: onInvokeRet(callID, ...). */
  invoke(name: string, req: Bytes, callID: string): void;
  /** Starts the SDK's loop. */
  start(): void;
  /** Stops the SDK's loop. */
  stop(): void;
  /** True while logged in. */
  isOnline(): boolean;
  /** 0 not logged in, 1 logging in, 2 logged in, 3 reconnecting. */
  getStatus(): LoginStatus;
  /** The SDK version as a number: 1000100000 means 0.1.0 (1XXYYZZWWW). */
  getSdkVersion(): number;
  /** Calls a business function with JSON arguments: onBCCall_result. */
  bc_call(func: string, json_args: Bytes, callID: string): void;
  /** Debug knobs: dbg("server", "host:port") selects the server. Answer: onDbg. */
  dbg(a: string, b: string): void;
  /** Destroys the instance (the original header's spelling of {@link IAgoraAPI.destroy}). */
  destory(): void;
  /**
   * Destroys the instance: the session ends without further callbacks and the instance stops
   * keeping the process alive. Calling it again does nothing.
   */
  destroy(): void;
}
