// One native SDK instance seen by an object model: the instance's flat callbacks reach the model's
// handler, except the answers to requests the model made itself (messages and RPCs, matched by the
// message or call ID this bridge chose), which go to the callback given with that request.
import { AgoraAPI } from '../facade/agora-api';
import type { Bytes, ICallBack } from '../types';

/** What becomes of one message: delivered, held for an offline peer, or failed. */
export interface SendOutcome {
  onSuccess?(): void;
  onHeld?(ttlSeconds: number): void;
  onFailure?(ecode: number): void;
}

/** The answer to one RPC: `err` "" on success, else the error code as text; `resp` the JSON answer. */
export type InvokeAnswer = (err: string, resp: string) => void;

export class InstanceBridge {
  readonly api: AgoraAPI;
  private nextRequestId = 1;
  private readonly sends = new Map<string, SendOutcome>();
  private readonly invokes = new Map<string, InvokeAnswer>();
  private joinedChannel: string | null = null;
  private ended = false;

  /**
   * @param appId   the App ID (the Windows flavour of the instance: the App ID given at creation)
   * @param server  "host:port" of the server, or undefined for AGORA_SIG_SERVER / the default
   * @param handler the model's handler of every other callback
   * @param onEnded run once the session is over (after onLogout or onLoginFailed was handled)
   */
  constructor(
    appId: string,
    server: string | undefined,
    private readonly handler: ICallBack,
    private readonly onEnded: () => void = () => undefined,
  ) {
    this.api = new AgoraAPI(appId);
    this.api.callbackSet(
      new Proxy({} as ICallBack, {
        get: (_target, prop) =>
          typeof prop === 'string' && prop.startsWith('on')
            ? (...args: unknown[]) => this.deliver(prop, args)
            : undefined,
      }),
    );
    if (server !== undefined) this.api.dbg('server', server);
  }

  /**
   * The channel this user is in, as the last onChannelJoined named it: the core reports the
   * members of a channel (onChannelUserJoined / Leaved / List) without naming it, and a user is
   * in one channel at a time.
   */
  get channel(): string | null {
    return this.joinedChannel;
  }

  /** True once the session is over and the native instance is freed. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The API for `method`, or a clear error when the session is over: an ended session's
   * instance is freed so that a process with many sessions does not keep a thread per old one.
   */
  use(method: string): AgoraAPI {
    if (this.ended || this.api.isDestroyed()) {
      throw new Error(`${method}(): this session has ended (logged out or login failed); log in again for a new one`);
    }
    return this.api;
  }

  private newId(prefix: string): string {
    return `${prefix}${this.nextRequestId++}`;
  }

  /** Sends a peer-to-peer message; `options` is messageInstantSend2's JSON (e.g. a ttl) or undefined. */
  sendInstant(method: string, peer: string, msg: Bytes, options: string | undefined, outcome: SendOutcome): void {
    const api = this.use(method);
    const msgID = this.newId('m');
    this.sends.set(msgID, outcome);
    try {
      if (options === undefined) api.messageInstantSend(peer, 0, msg, msgID);
      else api.messageInstantSend2(peer, 0, msg, msgID, options);
    } catch (err) {
      this.sends.delete(msgID);
      throw err;
    }
  }

  /** Sends a message to a channel this user is in. */
  sendChannel(method: string, channel: string, msg: Bytes, outcome: SendOutcome): void {
    const api = this.use(method);
    const msgID = this.newId('c');
    this.sends.set(msgID, outcome);
    try {
      api.messageChannelSend(channel, msg, msgID);
    } catch (err) {
      this.sends.delete(msgID);
      throw err;
    }
  }

  /** Calls an RPC (`io.agora.signal.*`) with a JSON request. */
  invoke(method: string, func: string, req: string, answer: InvokeAnswer): void {
    const api = this.use(method);
    const callID = this.newId('i');
    this.invokes.set(callID, answer);
    try {
      api.invoke(func, req, callID);
    } catch (err) {
      this.invokes.delete(callID);
      throw err;
    }
  }

  /** Frees the native instance now (no callback follows). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sends.clear();
    this.invokes.clear();
    this.joinedChannel = null;
    this.api.destroy();
  }

  private deliver(member: string, args: unknown[]): void {
    switch (member) {
      case 'onMessageSendSuccess': {
        const outcome = this.takeSend(args[0] as string);
        outcome?.onSuccess?.();
        return;
      }
      case 'onMessageSendError': {
        const outcome = this.takeSend(args[0] as string);
        outcome?.onFailure?.(args[1] as number);
        return;
      }
      case 'onMessageSendProgress': {
        const outcome = this.sends.get(args[1] as string);
        if (args[2] === 'held') outcome?.onHeld?.(Number(args[3]));
        return;
      }
      case 'onInvokeRet': {
        const answer = this.invokes.get(args[0] as string);
        if (answer === undefined) break;
        this.invokes.delete(args[0] as string);
        answer(args[1] as string, args[2] as string);
        return;
      }
      case 'onChannelJoined':
        this.joinedChannel = args[0] as string;
        break;
      default:
        break;
    }
    const handlerMember = (this.handler as Record<string, unknown>)[member];
    if (typeof handlerMember === 'function') handlerMember.apply(this.handler, args);
    if (member === 'onChannelLeaved' && this.joinedChannel === args[0]) this.joinedChannel = null;
    if (member === 'onLogout' || member === 'onLoginFailed') {
      // After the handler ran, so it still sees a live session; the native instance has nothing
      // more to say once the session is over.
      setImmediate(() => {
        this.end();
        this.onEnded();
      });
    }
  }

  private takeSend(msgID: string): SendOutcome | undefined {
    const outcome = this.sends.get(msgID);
    this.sends.delete(msgID);
    return outcome;
  }
}
