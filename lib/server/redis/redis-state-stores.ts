/**
 * The user attribute, held-message and invitation stores of one node on Redis, with the bounds the
 * server's configuration sets (the same settings the in-memory stores take), ready to pass to
 * `new SignalServer(config, { ...redisStateStores(...), ... })`.
 */
import type { ServerConfig } from '../config';
import type { RedisClient } from './redis-connection';
import { RedisInviteStore } from './redis-invite-store';
import { RedisOfflineMessageStore } from './redis-offline-message-store';
import { RedisUserAttrStore } from './redis-user-attr-store';

export interface RedisStateStores {
  readonly userAttrs: RedisUserAttrStore;
  readonly offlineMessages: RedisOfflineMessageStore;
  readonly invites: RedisInviteStore;
}

/** `onError` hears the Redis errors of the background work (expiry polling, index upkeep). */
export function redisStateStores(client: RedisClient, settings: ServerConfig, onError?: (e: unknown) => void): RedisStateStores {
  return {
    userAttrs: new RedisUserAttrStore(client, {
      maxAttrsPerAccount: settings.maxUserAttrsPerAccount,
      maxBytesPerAccount: settings.maxUserAttrBytesPerAccount,
      maxBytesTotal: settings.maxUserAttrBytesTotal,
    }),
    offlineMessages: new RedisOfflineMessageStore(
      client,
      {
        maxMessagesPerApp: settings.maxHeldMessagesPerApp,
        maxBytesPerApp: settings.maxHeldBytesPerApp,
        maxMessagesPerAccount: settings.maxHeldMessagesPerAccount,
        maxMessagesTotal: settings.maxHeldMessagesTotal,
        maxBytesTotal: settings.maxHeldBytesTotal,
      },
      { onError },
    ),
    invites: new RedisInviteStore(client, { onError }),
  };
}
