import { webSocketFactory, WebSocketFactory } from '../client';
import type { SignalClient as SignalClientApi, SignalFactory, SignalOptions } from './api-types';
import { defaultServer, normalizeServerUrl, setDefaultServer } from './default-server';
import { SDK_VERSION } from './sdk-version';
import { Session } from './session';
import { WebLogger } from './web-logger';

function socketFactory(options: SignalOptions | undefined): WebSocketFactory {
  const ctor = options?.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
  if (typeof ctor !== 'function') {
    throw new TypeError('Signal: no WebSocket here; pass one as Signal(appid, { WebSocket })');
  }
  return webSocketFactory(ctor);
}

function countOr(value: unknown, fallback: number): number {
  const n = Number(value);
  return value === undefined || value === null || !Number.isFinite(n) || n < 0 ? fallback : n;
}

/** What Signal(appid) returns: logs in and holds the SDK's log setting. */
export class SignalClient implements SignalClientApi {
  readonly server: string;
  private readonly logger = new WebLogger();
  private readonly createSocket: WebSocketFactory;
  private current: Session | null = null;

  constructor(readonly appid: string, options?: SignalOptions) {
    this.server = options?.server !== undefined ? normalizeServerUrl(options.server) : defaultServer();
    this.createSocket = socketFactory(options);
  }

  /**
   * Returns the Session at once; its callbacks (set afterwards) report the outcome. While a login
   * of this object is under way or active, login is ignored and returns that session.
   */
  login(account: string, token: string, reconnect_count = 10, reconnect_time = 30): Session {
    if (this.current !== null && !this.current.isEnding) {
      this.logger.log('info', `login ignored: ${this.current.account} is logged in or logging in (logout first)`);
      return this.current;
    }
    const session = new Session({
      appId: String(this.appid ?? ''),
      account: String(account ?? ''),
      token: String(token ?? ''),
      server: this.server,
      createSocket: this.createSocket,
      reconnectCount: countOr(reconnect_count, 10),
      reconnectTimeS: countOr(reconnect_time, 30),
      clientName: `agora-sig-web ${SDK_VERSION}`,
      logger: this.logger,
    });
    this.current = session;
    session.start();
    return session;
  }

  setDoLog(isEnabled: boolean, level?: string): void {
    this.logger.configure(isEnabled, level);
  }

  getSDKVersion(): string {
    return SDK_VERSION;
  }
}

/** Signal(appid[, options]), callable with or without `new`. */
export const Signal: SignalFactory = Object.assign(
  function Signal(appid: string, options?: SignalOptions): SignalClient {
    return new SignalClient(appid, options);
  } as unknown as Pick<SignalFactory, never>,
  {
    setServer: (url: string): void => setDefaultServer(url),
    getSDKVersion: (): string => SDK_VERSION,
  },
) as SignalFactory;
