// IAgoraAPI over the native binding: forwards every call to the core instance and dispatches the
// events the addon delivers to the ICallBack currently installed.
import { nativeAddon, CallbackName, NativeSdkInstance } from '../binding';
import type { Bytes, IAgoraAPI, ICallBack, LoginStatus } from '../types';

export class AgoraAPI implements IAgoraAPI {
  private readonly native: NativeSdkInstance;
  private handler: ICallBack | null = null;

  /**
   * A new, independent SDK instance. A `vendorID` (possibly empty) selects the Windows flavour
   * (createAgoraSDKInstanceWin); `null` the Linux flavour (createAgoraSDKInstanceCPP), where the
   * App ID comes with login.
   */
  constructor(vendorID: string | null = '') {
    const { SdkInstance } = nativeAddon();
    this.native = new SdkInstance((event, ...args) => this.dispatch(event, args), vendorID);
  }

  /**
   * Calls the installed handler's member for one event. A handler that throws does not stop the
   * events after it: its exception is rethrown on the next tick, where it reaches
   * process 'uncaughtException' like an exception thrown by any other event listener.
   */
  private dispatch(event: CallbackName, args: unknown[]): void {
    const handler = this.handler;
    if (handler === null) return;
    const member = (handler as Record<string, unknown>)[event];
    if (typeof member !== 'function') return;
    try {
      member.apply(handler, args);
    } catch (err) {
      process.nextTick(() => {
        throw err;
      });
    }
  }

  /** True once the instance is destroyed (by destroy(), destory() or the environment ending). */
  isDestroyed(): boolean {
    return this.native.isDestroyed();
  }

  /**
   * Delivers message bodies (msg of onMessageInstantReceive, onMessageChannelReceive,
   * onMessageAppReceived, onMsg; msgData of onInviteMsg) as Buffers instead of strings, for
   * binary payloads.
   */
  setPayloadsAsBuffers(on: boolean): void {
    this.native.setPayloadsAsBuffers(on);
  }

  /**
   * Lets this instance keep the process alive while it is logging in or logged in: the default.
   * An idle instance never keeps the process alive.
   */
  ref(): this {
    this.native.ref();
    return this;
  }

  /**
   * The process may end while this instance is logging in or logged in (as a timer's unref()):
   * when nothing else keeps it alive it exits, and the session is logged out on the way (process
   * 'exit'). Events still arrive while the process runs for other reasons.
   */
  unref(): this {
    this.native.unref();
    return this;
  }

  callbackSet(handler: ICallBack | null): void {
    if (handler !== null && (typeof handler !== 'object' && typeof handler !== 'function')) {
      throw new TypeError('callbackSet(): handler must be an object of callbacks or null');
    }
    if (handler !== null && this.native.isDestroyed()) {
      throw new Error('callbackSet(): this SDK instance has been destroyed; create a new one');
    }
    this.handler = handler ?? null;
  }

  callbackGet(): ICallBack | null {
    return this.handler;
  }

  login(vendorID: string, account: string, token: string, uid: number, deviceID: string): void {
    this.native.login(vendorID, account, token, uid, deviceID);
  }

  login2(
    vendorID: string,
    account: string,
    token: string,
    uid: number,
    deviceID: string,
    retry_time_in_s = 30,
    retry_count = 3,
  ): void {
    this.native.login2(vendorID, account, token, uid, deviceID, retry_time_in_s, retry_count);
  }

  logout(): void {
    this.native.logout();
  }

  channelJoin(channelID: string): void {
    this.native.channelJoin(channelID);
  }

  channelLeave(channelID: string): void {
    this.native.channelLeave(channelID);
  }

  channelQueryUserNum(channelID: string): void {
    this.native.channelQueryUserNum(channelID);
  }

  channelQueryUserIsIn(channelID: string, account: string): void {
    this.native.channelQueryUserIsIn(channelID, account);
  }

  channelSetAttr(channelID: string, name: string, value: Bytes): void {
    this.native.channelSetAttr(channelID, name, value);
  }

  channelDelAttr(channelID: string, name: string): void {
    this.native.channelDelAttr(channelID, name);
  }

  channelClearAttr(channelID: string): void {
    this.native.channelClearAttr(channelID);
  }

  channelInviteUser(channelID: string, account: string, uid = 0): void {
    this.native.channelInviteUser(channelID, account, uid);
  }

  channelInviteUser2(channelID: string, account: string, extra: Bytes): void {
    this.native.channelInviteUser2(channelID, account, extra);
  }

  channelInvitePhone(channelID: string, phoneNum: string, uid = 0): void {
    this.native.channelInvitePhone(channelID, phoneNum, uid);
  }

  channelInvitePhone2(channelID: string, phoneNum: string, sourcesNum: string): void {
    this.native.channelInvitePhone2(channelID, phoneNum, sourcesNum);
  }

  channelInvitePhone3(channelID: string, phoneNum: string, sourcesNum: string, extra: Bytes): void {
    this.native.channelInvitePhone3(channelID, phoneNum, sourcesNum, extra);
  }

  channelInviteDTMF(channelID: string, phoneNum: string, dtmf: string): void {
    this.native.channelInviteDTMF(channelID, phoneNum, dtmf);
  }

  channelInviteAccept(channelID: string, account: string, uid: number, extra?: Bytes): void {
    if (extra === undefined) this.native.channelInviteAccept(channelID, account, uid);
    else this.native.channelInviteAccept(channelID, account, uid, extra);
  }

  channelInviteRefuse(channelID: string, account: string, uid: number, extra: Bytes): void {
    this.native.channelInviteRefuse(channelID, account, uid, extra);
  }

  channelInviteEnd(channelID: string, account: string, uid: number): void {
    this.native.channelInviteEnd(channelID, account, uid);
  }

  messageAppSend(msg: Bytes, msgID: string): void {
    this.native.messageAppSend(msg, msgID);
  }

  messageInstantSend(account: string, uid: number, msg: Bytes, msgID: string): void {
    this.native.messageInstantSend(account, uid, msg, msgID);
  }

  messageInstantSend2(account: string, uid: number, msg: Bytes, msgID: string, options: Bytes): void {
    this.native.messageInstantSend2(account, uid, msg, msgID, options);
  }

  messageChannelSend(channelID: string, msg: Bytes, msgID: string): void {
    this.native.messageChannelSend(channelID, msg, msgID);
  }

  messageChannelSendForce(channelID: string, msg: Bytes, msgID: string): void {
    this.native.messageChannelSendForce(channelID, msg, msgID);
  }

  messagePushSend(account: string, uid: number, msg: Bytes, msgID: string): void {
    this.native.messagePushSend(account, uid, msg, msgID);
  }

  messageChatSend(account: string, uid: number, msg: Bytes, msgID: string): void {
    this.native.messageChatSend(account, uid, msg, msgID);
  }

  messageDTMFSend(uid: number, msg: Bytes, msgID: string): void {
    this.native.messageDTMFSend(uid, msg, msgID);
  }

  setBackground(bOut: number): void {
    this.native.setBackground(bOut);
  }

  setNetworkStatus(bOut: number): void {
    this.native.setNetworkStatus(bOut);
  }

  ping(): void {
    this.native.ping();
  }

  setAttr(name: string, value: Bytes): void {
    this.native.setAttr(name, value);
  }

  getAttr(name: string): void {
    this.native.getAttr(name);
  }

  getAttrAll(): void {
    this.native.getAttrAll();
  }

  getUserAttr(account: string, name: string): void {
    this.native.getUserAttr(account, name);
  }

  getUserAttrAll(account: string): void {
    this.native.getUserAttrAll(account);
  }

  queryUserStatus(account: string): void {
    this.native.queryUserStatus(account);
  }

  invoke(name: string, req: Bytes, callID: string): void {
    this.native.invoke(name, req, callID);
  }

  start(): void {
    this.native.start();
  }

  stop(): void {
    this.native.stop();
  }

  isOnline(): boolean {
    return this.native.isOnline();
  }

  getStatus(): LoginStatus {
    return this.native.getStatus();
  }

  getSdkVersion(): number {
    return this.native.getSdkVersion();
  }

  bc_call(func: string, json_args: Bytes, callID: string): void {
    this.native.bc_call(func, json_args, callID);
  }

  dbg(a: string, b: string): void {
    this.native.dbg(a, b);
  }

  destory(): void {
    this.destroy();
  }

  destroy(): void {
    this.native.destroy();
    this.handler = null;
  }
}
