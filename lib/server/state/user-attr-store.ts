import type { Refusal } from './channel-store';
import type { MaybePromise } from './maybe-promise';

/** A user attribute: name (latin1 key) and value bytes. */
export type UserAttr = readonly [name: string, value: Uint8Array];

/**
 * User attributes, per (App ID, account). They outlive sessions: a logout keeps them. A clustered
 * implementation keeps one hash per (App ID, account).
 */
export interface UserAttrStore {
  /** Sets an attribute; an empty value deletes it. Refused beyond the per-account bound. */
  set(appId: string, account: string, name: string, value: Uint8Array): MaybePromise<Refusal | null>;
  /** The value, or undefined when the attribute is not set. */
  get(appId: string, account: string, name: string): MaybePromise<Uint8Array | undefined>;
  /** Every attribute, in the order they were first set. */
  getAll(appId: string, account: string): MaybePromise<readonly UserAttr[]>;
}
