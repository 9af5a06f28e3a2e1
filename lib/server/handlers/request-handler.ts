import type { Reply } from '../reply';
import type { RequestSender } from '../request-sender';
import type { AppMessageHub } from '../app-message-hub';
import type { ChannelService } from '../channel-service';
import type { InviteService } from '../invite-service';
import type { MaybePromise } from '../state/maybe-promise';
import type { MessageRouter } from '../state/message-router';
import type { OfflineMessageStore } from '../state/offline-message-store';
import type { SessionDirectory } from '../state/session-directory';
import type { UserAttrStore } from '../state/user-attr-store';

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
