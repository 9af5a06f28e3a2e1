import type { SessionDirectory, SessionRef } from './session-directory';
import type { SessionEndpoint } from './session-endpoint';
import { userKey } from './user-key';

/** The single-process directory: a map from (appId, account) to the local session. */
export class MemorySessionDirectory implements SessionDirectory {
  private readonly sessions = new Map<string, SessionEndpoint>();

  register(session: SessionEndpoint): void {
    const key = userKey(session.appId, session.account);
    const previous = this.sessions.get(key);
    this.sessions.set(key, session);
    if (previous && previous !== session) previous.kick();
  }

  unregister(session: SessionEndpoint): void {
    const key = userKey(session.appId, session.account);
    if (this.sessions.get(key) === session) this.sessions.delete(key);
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
