import type { MaybePromise } from './maybe-promise';

/** waiting: the callee is offline; ringing: its session has the invitation; accepted: a call. */
export type InviteState = 'waiting' | 'ringing' | 'accepted';

/** A session taking part in an invitation. */
export interface InviteParty {
  /** latin1 account key. */
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  readonly sessionId: string;
}

/** The session that has (or had) the invitation on the callee's side: the callee's, or the SIP gateway's. */
export interface InviteHolder {
  readonly sessionId: string;
  readonly uid: number;
}

export interface Invitation {
  /** Unique among every invitation ever made (a later invitation with the same key has another id). */
  readonly id: string;
  readonly appId: string;
  /** latin1 channel name. */
  readonly channel: string;
  readonly caller: InviteParty;
  /** latin1: the callee's account, or the phone number of a phone call. */
  readonly callee: string;
  /** A phone call: `target` is the App ID's SIP gateway. */
  readonly phone: boolean;
  /** latin1 account whose session gets the invitation: the callee, or the SIP gateway. */
  readonly target: string;
  /** The extra as the caller sent it (INVITE_FAILED carries it back). */
  readonly extra: Uint8Array;
  /** The extra INVITE_RECEIVED carries (for a phone call, with phoneNum and srcNum). */
  readonly deliveredExtra: Uint8Array;
  readonly state: InviteState;
  /** Set from `ringing` on. */
  readonly holder: InviteHolder | null;
  /** Epoch ms: unanswered by then (waiting or ringing), it fails with 704. */
  readonly answerDeadlineMs: number;
  /** Epoch ms: still waiting for the callee to log in by then, it fails with 703. */
  readonly offlineDeadlineMs: number;
}

export type InviteExpiry = 'offline' | 'timeout';

export interface InviteStoreListener {
  /** A deadline passed; the invitation is already gone from the store. */
  expired(invitation: Invitation, why: InviteExpiry): void;
}

/**
 * Live invitations, keyed by (App ID, channel, caller account, callee) and indexed by the sessions
 * taking part. Every state change is a compare-and-set that answers null when the invitation is no
 * longer in the state it expects, so a timer and a request racing for one invitation cannot both
 * act on it. A clustered implementation keeps a hash per invitation, a key per (App ID, channel,
 * caller, callee), sets per session and per waited-for account, a sorted set of deadlines polled by
 * one timer, and makes each transition one Lua script.
 */
export interface InviteStore {
  setListener(listener: InviteStoreListener): void;
  /** Adds a `waiting` invitation; answers null, or the live invitation that has its key (nothing added). */
  add(invitation: Invitation): MaybePromise<Invitation | null>;
  /** The live invitation of (appId, channel, caller, callee), or null. */
  find(appId: string, channel: string, caller: string, callee: string): MaybePromise<Invitation | null>;
  /** Invitations made or held by the session, oldest first. */
  ofSession(sessionId: string): MaybePromise<readonly Invitation[]>;
  /** `waiting` invitations whose target is (appId, account), oldest first. */
  waitingFor(appId: string, account: string): MaybePromise<readonly Invitation[]>;
  /** waiting -> ringing, held by `holder`; its offline deadline no longer applies. */
  ring(id: string, holder: InviteHolder): MaybePromise<Invitation | null>;
  /** ringing -> accepted; its answer deadline no longer applies. */
  accept(id: string): MaybePromise<Invitation | null>;
  /** Removes a live invitation; answers it, or null when it was already gone. */
  remove(id: string): MaybePromise<Invitation | null>;
  /** Live invitations held (for tests and metrics). */
  readonly count: number;
  /** Live invitations of one App ID (DBG stats; may scan). */
  countOf(appId: string): number;
  close(): void;
}
