import type { Refusal } from './channel-store';
import type { MaybePromise } from './maybe-promise';

/** A message kept for an offline peer until it logs in or the message's time to live ends. */
export interface HeldMessage {
  readonly serverMsgId: number;
  /** The sender: its session hears MSG_DELIVERED or MSG_EXPIRED. */
  readonly fromAccount: string;
  readonly fromAccountBytes: Uint8Array;
  readonly fromUid: number;
  readonly fromSessionId: string;
  readonly msg: Uint8Array;
  readonly expiresAtMs: number;
}

export interface OfflineMessageListener {
  /** A held message's time ran out before its peer logged in; it is gone from the store. */
  expired(appId: string, account: string, message: HeldMessage): void;
}

/**
 * Messages held for offline peers, per (App ID, account), in the order they were sent. A clustered
 * implementation keeps a list per peer and a sorted set of expiry times per App ID.
 */
export interface OfflineMessageStore {
  setListener(listener: OfflineMessageListener): void;
  /**
   * Keeps the message for `account`; refused beyond the App ID's or the account's bounds. A
   * clustered store answers 'online' (and keeps nothing) when the account's directory entry exists
   * at that moment: its session logged in meanwhile, so the sender delivers again. The in-memory
   * store never answers it (one process: nobody logs in between the delivery and the hold).
   */
  hold(appId: string, account: string, message: HeldMessage): MaybePromise<Refusal | null | 'online'>;
  /** Removes and returns every message held for `account`, oldest first. */
  takeAll(appId: string, account: string): MaybePromise<readonly HeldMessage[]>;
  close(): void;
}
