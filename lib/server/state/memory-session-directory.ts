import type { SessionDirectory, SessionRef } from './session-directory';
import type { SessionEndpoint } from './session-endpoint';

/**
 * The single-process directory: per App ID a map from account to the local session, and a map from
 * session id to the session. Two levels rather than one map keyed by (appId, account): a message
 * looks its peer up by strings it already has, without building (and hashing) a new key string.
 */
export class MemorySessionDirectory implements SessionDirectory {
  private readonly apps = new Map<string, Map<string, SessionEndpoint>>();
  private readonly byId = new Map<string, SessionEndpoint>();
  private count = 0;

  register(session: SessionEndpoint): void {
    let accounts = this.apps.get(session.appId);
    if (accounts === undefined) {
      accounts = new Map();
      this.apps.set(session.appId, accounts);
    }
    const previous = accounts.get(session.account);
    if (previous === undefined) this.count++;
    accounts.set(session.account, session);
    this.byId.set(session.sessionId, session);
    if (previous && previous !== session) previous.kick();
  }

  unregister(session: SessionEndpoint): void {
    const accounts = this.apps.get(session.appId);
    if (accounts !== undefined && accounts.get(session.account) === session) {
      accounts.delete(session.account);
      this.count--;
      if (accounts.size === 0) this.apps.delete(session.appId);
    }
    if (this.byId.get(session.sessionId) === session) this.byId.delete(session.sessionId);
  }

  /** The registered session with this id (a session replaced by a newer login is not). */
  findSession(sessionId: string): SessionEndpoint | undefined {
    return this.byId.get(sessionId);
  }

  isOnline(appId: string, account: string): boolean {
    return this.find(appId, account) !== undefined;
  }

  lookup(appId: string, account: string): SessionRef | null {
    return this.find(appId, account) ?? null;
  }

  find(appId: string, account: string): SessionEndpoint | undefined {
    return this.apps.get(appId)?.get(account);
  }

  get size(): number {
    return this.count;
  }
}
