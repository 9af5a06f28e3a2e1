// The Java Server SDK model's Signal: one App ID, any number of LoginSessions; a process may hold
// any number of Signals.
import { requireString } from '../node-web/fire';
import type { LoginCallback, Partially, UserAttrCallback } from './callbacks';
import { LoginSession } from './login-session';
import { LoginStatus } from './login-status';

/** Where the sessions of a Signal connect (an addition of this package). */
export interface SignalOptions {
  /** "host:port" of the server (default: AGORA_SIG_SERVER, else the SDK's default). */
  server?: string;
}

export class Signal {
  private doLog = false;
  private latest: LoginSession | undefined;
  private readonly sessions: LoginSession[] = [];

  constructor(
    /** The App ID of every session of this Signal. */
    readonly appid: string,
    private readonly options: SignalOptions = {},
  ) {
    requireString('Signal', 'appid', appid);
    if (options.server !== undefined) requireString('Signal', 'options.server', options.server);
  }

  /** Prints the SDK's log lines of this Signal's sessions to the console. */
  setDoLog(doLog: boolean): void {
    this.doLog = Boolean(doLog);
  }

  /** Logs `account` in and returns its LoginSession at once; `cb` hears the outcome. */
  login(account: string, token: string, cb?: Partially<LoginCallback>): LoginSession {
    requireString('login', 'account', account);
    requireString('login', 'token', token);
    if (cb !== undefined && (cb === null || typeof cb !== 'object')) {
      throw new TypeError('login(): cb must be a LoginCallback (or an object with some of its members)');
    }
    const session = new LoginSession({
      appId: this.appid,
      server: this.options.server,
      account,
      token,
      callback: cb ?? {},
      log: (line) => {
        if (this.doLog) console.log(`[signal ${account}] ${line}`);
      },
    });
    this.latest = session;
    this.sessions.push(session);
    return session;
  }

  /**
   * The status of this Signal's most recent login: 4 before any, then 1 logging in, 2 logged in,
   * 3 login failed, 0 logged out. LoginSession.getStatus gives each session's own.
   */
  getStatus(): LoginStatus {
    return this.latest === undefined ? LoginStatus.INITIAL : this.latest.getStatus();
  }

  /** As LoginSession.userSetAttr, through the most recent session that is logged in. */
  userSetAttr(name: string, value: string, cb?: Partially<UserAttrCallback>): void {
    const session = this.loggedIn();
    if (session) session.userSetAttr(name, value, cb);
    else notLoggedIn(cb, 'onUserSetAttr');
  }

  /** As LoginSession.userGetAttr, through the most recent session that is logged in. */
  userGetAttr(account: string, name: string, cb?: Partially<UserAttrCallback>): void {
    const session = this.loggedIn();
    if (session) session.userGetAttr(account, name, cb);
    else notLoggedIn(cb, 'onUserGetAttr');
  }

  /** As LoginSession.userGetAttrAll, through the most recent session that is logged in. */
  userGetAttrAll(account: string, cb?: Partially<UserAttrCallback>): void {
    const session = this.loggedIn();
    if (session) session.userGetAttrAll(account, cb);
    else notLoggedIn(cb, 'onUserGetAttrAll');
  }

  /** As LoginSession.channelQueryUserNum, through the most recent session that is logged in. */
  channelQueryUserNum(name: string, cb?: Partially<UserAttrCallback>): void {
    const session = this.loggedIn();
    if (session) session.channelQueryUserNum(name, cb);
    else notLoggedIn(cb, 'onChannelQueryUserNum');
  }

  private loggedIn(): LoginSession | undefined {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const s = this.sessions[i];
      if (s.getStatus() === LoginStatus.LOGGED_IN) return s;
      if (s.getStatus() !== LoginStatus.CONNECTING) this.sessions.splice(i, 1);
    }
    return undefined;
  }
}

/** The answer to a query made with no session logged in: error 1003, on a later tick like any answer. */
function notLoggedIn(cb: Partially<UserAttrCallback> | undefined, member: keyof UserAttrCallback): void {
  process.nextTick(() => cb?.[member]?.('1003', { result: 'failed', reason: 'no session of this Signal is logged in' }));
}
