import type { Delivery, SessionEndpoint } from '../state/session-endpoint';
import type { AppMessageHub } from '../app-message-hub';
import type { ChannelService } from '../channel-service';
import type { InviteService } from '../invite-service';
import type { MaybePromise } from '../state/maybe-promise';
import type { MessageRouter } from '../state/message-router';
import type { OfflineMessageStore } from '../state/offline-message-store';
import type { SessionDirectory } from '../state/session-directory';
import type { UserAttrStore } from '../state/user-attr-store';

/** The body of a RESULT, minus the sequencing the session adds. */
export interface Reply {
  code: number;
  text: string;
  values: Uint8Array[];
}

/** The logged-in user a request comes from. */
export interface RequestSender {
  readonly appId: string;
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  /** `uid` as decimal ASCII, encoded once per session. */
  readonly uidBytes: Uint8Array;
  readonly sessionId: string;
  /** The channel the sender is a member of (latin1 key), or null. */
  joinedChannel: string | null;
  /** Sequences an EVENT for the sender itself (it comes before the RESULT of the request). */
  deliverEvent(kind: number, fields: Uint8Array[]): Delivery;
  /**
   * Sequences a small notice past the kept bound (CHANNEL_LEFT to a member removed because it
   * could not keep up): without it the client could not know what it missed.
   */
  deliverNotice?(kind: number, fields: Uint8Array[]): void;
  /** True once the session is over (a request still in the state layer then must undo what it did). */
  readonly ended?: boolean;
  /** The sender's session as routers deliver to it, when it lives in this process. */
  readonly endpoint?: SessionEndpoint;
}

/** Offline-message settings (docs/server.md). */
export interface MessageLimits {
  /** Largest `ttl` of MSG_INSTANT's options, in seconds. */
  maxTtlSeconds: number;
  /** How long MSG_PUSH holds a message for an offline peer, in seconds. */
  pushTtlSeconds: number;
}

/** Server facts DBG reports. */
export interface ServerStats {
  sessions: number;
  channels: number;
  scheduledTasks: number;
  invitations: number;
}

/** What DBG stats tells a user: the counts of its own App ID, nothing of other App IDs. */
export interface AppStats {
  sessions: number;
  channels: number;
  invitations: number;
}

/** Server-wide services a handler may use. */
export interface RequestServices {
  readonly directory: SessionDirectory;
  readonly router: MessageRouter;
  readonly channels: ChannelService;
  readonly invites: InviteService;
  readonly userAttrs: UserAttrStore;
  readonly offlineMessages: OfflineMessageStore;
  readonly appMessages: AppMessageHub;
  readonly messageLimits: MessageLimits;
  /** Largest frame body the server sends (answers that can grow trim to it). */
  readonly maxFrameBytes: number;
  /** A per-server increasing message number. */
  nextServerMsgId(): number;
  stats(): ServerStats;
  /** The counts of one App ID (latin1 key). */
  appStats(appId: string): AppStats;
}

export type RequestHandler = (services: RequestServices, sender: RequestSender, args: Uint8Array[]) => MaybePromise<Reply>;

const NO_VALUES: Uint8Array[] = [];

export function success(values: Uint8Array[] = NO_VALUES): Reply {
  return { code: 0, text: '', values };
}

export function failure(code: number, text: string): Reply {
  return { code, text, values: NO_VALUES };
}
