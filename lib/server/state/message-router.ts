import type { MaybePromise } from './maybe-promise';

/**
 * Delivers events to the session of (appId, account), wherever it lives. A clustered
 * implementation looks up the node of the session and publishes the event to that node.
 */
export interface MessageRouter {
  /** Resolves true once the event is sequenced for the recipient, false when nobody takes it. */
  deliver(appId: string, account: string, kind: number, fields: Uint8Array[]): MaybePromise<boolean>;
}
