import type { SessionDirectory, SessionRef } from './session-directory';
import type { SessionEndpoint } from './session-endpoint';
import { userKey } from './user-key';

/**
 * The single-process directory: a map from (appId, account) to the local session, and one from
 * session id to the session for fan-out, whose recipients name their session: looking a session
 * id up hashes a string the session already holds, where (appId, account) builds a new key.
 */
export class MemorySessionDirectory implements SessionDirectory {
  private readonly sessions = new Map<string, SessionEndpoint>();
  private readonly byId = new Map<string, SessionEndpoint>();

  register(session: SessionEndpoint): void {
    const key = userKey(session.appId, session.account);
    const previous = this.sessions.get(key);
    this.sessions.set(key, session);
    this.byId.set(session.sessionId, session);
    if (previous && previous !== session) previous.kick();
  }

  unregister(session: SessionEndpoint): void {
    const key = userKey(session.appId, session.account);
    if (this.sessions.get(key) === session) this.sessions.delete(key);
    if (this.byId.get(session.sessionId) === session) this.byId.delete(session.sessionId);
  }

  /** The registered session with this id (a session replaced by a newer login is not). */
  findSession(sessionId: string): SessionEndpoint | undefined {
    return this.byId.get(sessionId);
  }

  isOnline(appId: string, account: string): boolean {
    return this.sessions.has(userKey(appId, account));
  }

  lookup(appId: string, account: string): SessionRef | null {
    return this.sessions.get(userKey(appId, account)) ?? null;
  }

  find(appId: string, account: string): SessionEndpoint | undefined {
    return this.sessions.get(userKey(appId, account));
  }

  get size(): number {
    return this.sessions.size;
  }
}
