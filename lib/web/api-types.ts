/**
 * The public shape of the Web SDK (Signal, Session, Channel, Call). The classes implement these
 * interfaces, and scripts/build-browser.mjs turns this file into the bundle's .d.ts files, so it
 * holds declarations only and imports nothing.
 */

/** An error the SDK reports: an AGORA_E_CODE value, a readable text, and the method it concerns. */
export interface SignalErrorInfo extends Error {
  readonly code: number;
  readonly method: string;
}

/** Options of Signal(appid, options): extensions of the original SDK. */
export interface SignalOptions {
  /**
   * ws://host:port (or wss://, or the server's http:// page address) of the signaling server.
   * Default: Signal.setServer's, else the server the bundle was loaded from, else
   * ws://127.0.0.1:9721.
   */
  server?: string;
  /** A WebSocket constructor for environments without a global one (Node: the `ws` package). */
  WebSocket?: new (url: string) => unknown;
}

export interface Call {
  readonly channelName: string;
  /** The other party: the callee for an invitation made, the caller for one received. */
  readonly peer: string;
  /** The invitation's extra (the caller's). */
  readonly extra: string;
  channelInviteAccept(extra?: string): void;
  channelInviteRefuse(extra?: string): void;
  channelInviteDTMF(dtmf: string): void;
  channelInviteEnd(extra?: string): void;
  onInviteReceivedByPeer?: ((extra: string) => void) | null;
  onInviteAcceptedByPeer?: ((extra: string) => void) | null;
  onInviteRefusedByPeer?: ((extra: string) => void) | null;
  /** code (an extension): 701 re-invite, 702 peer gone, 703 peer offline, 704 timeout, or a request's error. */
  onInviteFailed?: ((extra: string, code: number) => void) | null;
  onInviteEndByPeer?: ((extra: string) => void) | null;
  onInviteEndByMyself?: ((extra: string) => void) | null;
  /** extra: the message data (DTMF digits); msgType (an extension): "DTMF". */
  onInviteMsg?: ((extra: string, msgType: string) => void) | null;
}

export interface Channel {
  readonly name: string;
  messageChannelSend(msg: string, cb?: () => void): void;
  channelLeave(cb?: () => void): void;
  channelSetAttr(name: string, value: string, cb?: () => void): void;
  channelDelAttr(name: string, cb?: () => void): void;
  channelClearAttr(cb?: () => void): void;
  onChannelJoined?: (() => void) | null;
  onChannelJoinFailed?: ((ecode: number) => void) | null;
  onChannelLeaved?: ((ecode: number) => void) | null;
  onChannelUserJoined?: ((account: string, uid: number) => void) | null;
  onChannelUserLeaved?: ((account: string, uid: number) => void) | null;
  /** The most recent members (at most 200), oldest first, oneself included. */
  onChannelUserList?: ((users: Array<[string, number]>) => void) | null;
  /** type: "update", "del" or "clear". */
  onChannelAttrUpdated?: ((name: string, value: string, type: string) => void) | null;
  onMessageChannelReceive?: ((account: string, uid: number, msg: string) => void) | null;
}

/** The answer to invoke(): the parsed JSON object the server returned. */
export type InvokeAnswer = { result?: string; reason?: string; [key: string]: unknown };

export interface Session {
  readonly account: string;
  /** The uid the server assigned at login (0 before). */
  readonly uid: number;
  invoke(func: string, args: object | string, cb?: (err: SignalErrorInfo | null, val: InvokeAnswer | string | undefined) => void): void;
  messageInstantSend(peer: string, msg: string, cb?: () => void): void;
  logout(): void;
  channelJoin(name: string): Channel;
  channelInviteUser2(channelID: string, peer: string, extra?: string): Call;
  /** 0 not logged in, 1 connecting (or reconnecting), 2 logged in. */
  getStatus(): number;
  onLoginSuccess?: ((uid: number) => void) | null;
  onLoginFailed?: ((ecode: number) => void) | null;
  onLogout?: ((ecode: number) => void) | null;
  onMessageInstantReceive?: ((account: string, uid: number, msg: string) => void) | null;
  onInviteReceived?: ((call: Call) => void) | null;
  /** A request the server refused, or a bad argument: the error says which method and why. */
  onError?: ((error: SignalErrorInfo) => void) | null;
  /** Extension: the connection was lost and try `attempt` starts. */
  onReconnecting?: ((attempt: number) => void) | null;
  /** Extension: connected again (after a resume, or a fresh login when the old session was gone). */
  onReconnected?: (() => void) | null;
}

export interface SignalClient {
  readonly appid: string;
  /** The server this object connects to. */
  readonly server: string;
  login(account: string, token: string, reconnect_count?: number, reconnect_time?: number): Session;
  /** level: "DEBUG" (default), "INFO" or "WARNING". */
  setDoLog(isEnabled: boolean, level?: string): void;
  getSDKVersion(): string;
}

export interface SignalFactory {
  (appid: string, options?: SignalOptions): SignalClient;
  new (appid: string, options?: SignalOptions): SignalClient;
  /** The server of Signal objects made afterwards without a `server` option. */
  setServer(url: string): void;
  getSDKVersion(): string;
}
