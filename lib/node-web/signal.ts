// The Web object model's entry point: Signal(appid) (with or without `new`), as in the Web SDK.
import { requireString } from './fire';
import { sdkVersionText } from './sdk-version';
import { Session } from './session';

/** Where the sessions of a Signal connect (an addition of this package; the Web SDK has none). */
export interface SignalOptions {
  /** "host:port" of the server (default: AGORA_SIG_SERVER, else the SDK's default). */
  server?: string;
}

class SignalImpl {
  private doLog = false;
  private logLevel = 'DEBUG';

  constructor(
    /** The App ID every session of this Signal logs in with. */
    readonly appid: string,
    private readonly options: SignalOptions = {},
  ) {
    requireString('Signal', 'appid', appid);
    if (options.server !== undefined) requireString('Signal', 'options.server', options.server);
  }

  /**
   * Logs in and returns the Session at once; its onLoginSuccess or onLoginFailed follows. After a
   * lost connection the session retries until `reconnect_count` attempts or `reconnect_time`
   * seconds, whichever comes first, then reports onLogout(102).
   */
  login(account: string, token: string, reconnect_count = 10, reconnect_time = 30): Session {
    requireString('login', 'account', account);
    requireString('login', 'token', token);
    for (const [param, value] of [['reconnect_count', reconnect_count], ['reconnect_time', reconnect_time]] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`login(): ${param} must be a whole number >= 0, got ${String(value)}`);
      }
    }
    return new Session({
      appId: this.appid,
      server: this.options.server,
      account,
      token,
      reconnectCount: reconnect_count,
      reconnectTime: reconnect_time,
      log: (line) => {
        if (this.doLog) console.log(`[signal ${this.logLevel}] ${line}`);
      },
    });
  }

  /** Prints the SDK's log lines of this Signal's sessions to the console (`level` is shown with them). */
  setDoLog(isEnabled: boolean, level = 'DEBUG'): void {
    this.doLog = Boolean(isEnabled);
    this.logLevel = String(level);
  }

  /** The SDK version, e.g. "1.4.0". */
  getSDKVersion(): string {
    return sdkVersionText();
  }
}

/** A Signal: `Signal(appid)` and `new Signal(appid)` both make one. */
export type Signal = SignalImpl;

export interface SignalFactory {
  new (appid: string, options?: SignalOptions): Signal;
  (appid: string, options?: SignalOptions): Signal;
  readonly prototype: Signal;
}

export const Signal = function Signal(appid: string, options?: SignalOptions): Signal {
  return new SignalImpl(appid, options);
} as unknown as SignalFactory;
(Signal as unknown as { prototype: unknown }).prototype = SignalImpl.prototype;
