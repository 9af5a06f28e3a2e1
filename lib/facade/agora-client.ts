// A typed event-emitter and promise layer over one SDK instance: events named after the ICallBack
// members (onMessageInstantReceive -> 'messageInstantReceive') and promises for the request /
// answer pairs (login, logout, sending a peer-to-peer message).
import { EventEmitter } from 'node:events';
import { AgoraAPI } from './agora-api';
import { AGORA_E_CODE, Bytes, ICallBack, LoginStatus } from '../types';

type EventNameOf<K> = K extends `on${infer Rest}` ? Uncapitalize<Rest> : never;

/** Every event of {@link AgoraClient} with its arguments, derived from {@link ICallBack}. */
export type AgoraEvents = {
  [K in keyof ICallBack as EventNameOf<K>]-?: Parameters<NonNullable<ICallBack[K]>>;
};

/** A failure the SDK reported with one of its codes. */
export class AgoraError extends Error {
  constructor(readonly code: AGORA_E_CODE | number, message: string) {
    super(message);
    this.name = 'AgoraError';
  }
}

export interface AgoraClientOptions {
  /** The App ID used when login gets none (default ''). */
  vendorID?: string;
  /** The server as "host:port" (default: AGORA_SIG_SERVER or the SDK's default). */
  server?: string;
}

export interface LoginOptions {
  /** The App ID (default: the client's vendorID). */
  appId?: string;
  /** The token (default "_no_need_token"). */
  token?: string;
  deviceID?: string;
  /** Reconnection limits, as login2's (defaults 30 s and 3 attempts). */
  retryTimeInS?: number;
  retryCount?: number;
}

export interface SendOptions {
  /** JSON options of messageInstantSend2 (e.g. a time to live for an offline peer). */
  options?: string;
  /** Reject with SENDMESSAGE_E_TIMEOUT when no answer comes within this time (default 30 s). */
  timeoutMs?: number;
}

interface PendingSend {
  peer: string;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One SDK instance as an EventEmitter with promises. `client.api` is the underlying
 * {@link IAgoraAPI} for everything else. Destroy it with {@link AgoraClient.destroy}.
 *
 * 'error' events (onError: a call could not be carried out) are emitted only when an 'error'
 * listener is installed, so an unobserved failed call does not throw.
 */
export class AgoraClient extends EventEmitter {
  readonly api: AgoraAPI;
  private nextMessageId = 1;
  private readonly pendingSends = new Map<string, PendingSend>();

  constructor(options: AgoraClientOptions = {}) {
    super();
    this.api = new AgoraAPI(options.vendorID ?? '');
    this.api.callbackSet(
      new Proxy({} as ICallBack, {
        get: (_target, prop) =>
          typeof prop === 'string' && prop.startsWith('on')
            ? (...args: unknown[]) => this.deliver(prop, args)
            : undefined,
      }),
    );
    if (options.server !== undefined) this.api.dbg('server', options.server);
  }

  private deliver(member: string, args: unknown[]): void {
    const event = member.charAt(2).toLowerCase() + member.slice(3);
    if (event === 'messageSendSuccess' || event === 'messageSendError') this.settleSend(event, args);
    if (event === 'error' && this.listenerCount('error') === 0) return;
    this.emit(event, ...args);
  }

  override on<E extends keyof AgoraEvents>(event: E, listener: (...args: AgoraEvents[E]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  override once<E extends keyof AgoraEvents>(event: E, listener: (...args: AgoraEvents[E]) => void): this;
  override once(event: string | symbol, listener: (...args: any[]) => void): this;
  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  override off<E extends keyof AgoraEvents>(event: E, listener: (...args: AgoraEvents[E]) => void): this;
  override off(event: string | symbol, listener: (...args: any[]) => void): this;
  override off(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.off(event, listener);
  }

  /** Logs in; resolves with the uid of onLoginSuccess, rejects with the code of onLoginFailed. */
  login(account: string, options: LoginOptions = {}): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const done = (): void => {
        this.off('loginSuccess', onSuccess);
        this.off('loginFailed', onFailed);
      };
      const onSuccess = (uid: number): void => {
        done();
        resolve(uid);
      };
      const onFailed = (ecode: number): void => {
        done();
        reject(new AgoraError(ecode, `login failed (${AGORA_E_CODE[ecode] ?? ecode})`));
      };
      this.on('loginSuccess', onSuccess);
      this.on('loginFailed', onFailed);
      try {
        this.api.login2(
          options.appId ?? '',
          account,
          options.token ?? '_no_need_token',
          0,
          options.deviceID ?? '',
          options.retryTimeInS ?? 30,
          options.retryCount ?? 3,
        );
      } catch (err) {
        done();
        reject(err);
      }
    });
  }

  /** Logs out; resolves with the code of onLogout (101 when this logout ended the session). */
  logout(): Promise<number> {
    if (this.api.getStatus() === LoginStatus.NOT_LOGGED_IN) {
      return Promise.resolve(AGORA_E_CODE.LOGOUT_E_ALREADY_LOGOUT);
    }
    return new Promise<number>((resolve, reject) => {
      this.once('logout', resolve);
      try {
        this.api.logout();
      } catch (err) {
        this.off('logout', resolve);
        reject(err);
      }
    });
  }

  /**
   * Sends a peer-to-peer message; resolves on onMessageSendSuccess, rejects with the code of
   * onMessageSendError (or SENDMESSAGE_E_TIMEOUT when no answer comes in time).
   */
  sendInstant(peer: string, msg: Bytes, options: SendOptions = {}): Promise<void> {
    const msgID = `c${this.nextMessageId++}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingSends.delete(msgID);
        reject(new AgoraError(AGORA_E_CODE.SENDMESSAGE_E_TIMEOUT, `message ${msgID} to ${peer}: no answer`));
      }, options.timeoutMs ?? 30000);
      this.pendingSends.set(msgID, { peer, resolve, reject, timer });
      try {
        if (options.options !== undefined) this.api.messageInstantSend2(peer, 0, msg, msgID, options.options);
        else this.api.messageInstantSend(peer, 0, msg, msgID);
      } catch (err) {
        clearTimeout(timer);
        this.pendingSends.delete(msgID);
        reject(err);
      }
    });
  }

  /** Settles the promise of sendInstant whose message the event is about. */
  private settleSend(event: string, args: unknown[]): void {
    const pending = this.pendingSends.get(args[0] as string);
    if (pending === undefined) return;
    this.pendingSends.delete(args[0] as string);
    clearTimeout(pending.timer);
    if (event === 'messageSendSuccess') {
      pending.resolve();
    } else {
      const ecode = args[1] as number;
      pending.reject(new AgoraError(ecode, `message to ${pending.peer} failed (${AGORA_E_CODE[ecode] ?? ecode})`));
    }
  }

  /** Lets a logged-in client keep the process alive (the default); see AgoraAPI.ref(). */
  ref(): this {
    this.api.ref();
    return this;
  }

  /** Lets the process end while this client is logged in; it logs out on the way out. */
  unref(): this {
    this.api.unref();
    return this;
  }

  /** Destroys the instance; no event follows, and pending sendInstant promises reject. */
  destroy(): void {
    this.api.destroy();
    for (const [msgID, pending] of this.pendingSends) {
      clearTimeout(pending.timer);
      pending.reject(new AgoraError(AGORA_E_CODE.SENDMESSAGE_E_OTHER, `message ${msgID}: the client was destroyed`));
    }
    this.pendingSends.clear();
  }
}
