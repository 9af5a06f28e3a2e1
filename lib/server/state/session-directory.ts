import type { MaybePromise } from './maybe-promise';
import type { SessionEndpoint } from './session-endpoint';

/** Which session an online account has. */
export interface SessionRef {
  readonly sessionId: string;
  readonly uid: number;
}

/**
 * Who is online: at most one session per (appId, account). A session stays registered while it
 * waits in its resume window. Accounts of different App IDs never see each other.
 *
 * A clustered implementation keeps the (appId, account) -> (node, sessionId) map in shared storage
 * and tells the node holding a replaced session to kick it.
 */
export interface SessionDirectory {
  /** Makes `session` the session of its (appId, account); a previous one is kicked (LOGGED_OUT 103). */
  register(session: SessionEndpoint): MaybePromise<void>;
  /** Removes `session`, unless another session has already replaced it. */
  unregister(session: SessionEndpoint): MaybePromise<void>;
  isOnline(appId: string, account: string): MaybePromise<boolean>;
  /** The session of (appId, account), or null when the account is offline. */
  lookup(appId: string, account: string): MaybePromise<SessionRef | null>;
}
