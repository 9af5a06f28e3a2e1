/**
 * The Redis keys of the cluster's state. App IDs, accounts and channel names are byte strings
 * (latin1 keys) that may hold any byte, braces included, so they enter keys as hex: a hash tag
 * `{...}` then always means what it says. Everything of one account (its directory entry, held
 * messages, user attributes) shares the account's hash tag, and everything of one channel shares the
 * channel's, so that one Lua script may touch all of it on a Redis Cluster too.
 */
export const KEY_PREFIX = 'sig:';

export function hex(latin1Key: string): string {
  return Buffer.from(latin1Key, 'latin1').toString('hex');
}

/** `{a<app>:<account>}`: the hash tag of one account of one App ID. */
export function accountTag(appId: string, account: string): string {
  return `{a${hex(appId)}:${hex(account)}}`;
}

/** `{c<app>:<channel>}`: the hash tag of one channel of one App ID. */
export function channelTag(appId: string, channel: string): string {
  return `{c${hex(appId)}:${hex(channel)}}`;
}

/** The key `sig:<tag>:<what>` of one account (what: session, held, attrs, ...). */
export function accountKey(appId: string, account: string, what: string): string {
  return `${KEY_PREFIX}${accountTag(appId, account)}:${what}`;
}

/** The key `sig:<tag>:<what>` of one channel (what: members, attrs, ...). */
export function channelKey(appId: string, channel: string, what: string): string {
  return `${KEY_PREFIX}${channelTag(appId, channel)}:${what}`;
}

/** The set of node ids that have started and not been cleaned up after their end. */
export const NODES_KEY = `${KEY_PREFIX}nodes`;

/** The key `sig:{n<node>}:<what>` of one node (alive, sessions, claim). */
export function nodeKey(nodeId: string, what: string): string {
  return `${KEY_PREFIX}{n${nodeId}}:${what}`;
}

/**
 * The sharded pub/sub channel of one node's bus (kicks, deliveries and their answers to that
 * node): with the node's hash tag, so on a Redis Cluster only the master of that slot carries it.
 */
export function nodeChannel(nodeId: string): string {
  return nodeKey(nodeId, 'bus');
}

/** A cluster-wide counter (uid, msg) that hands out blocks of ids. */
export function counterKey(what: string): string {
  return `${KEY_PREFIX}ids:${what}`;
}

/**
 * `sig:{g:<what>}:<part>`: a key every node shares (a counter, a sorted set of deadlines). Its own
 * hash tag, so a script may touch it alone or with the other parts of the same `what`.
 */
export function sharedKey(what: string, part: string): string {
  return `${KEY_PREFIX}{g:${what}}:${part}`;
}

/** `sig:{s<session>}:<what>`: per-session keys (the invitations a session takes part in). */
export function sessionKey(sessionId: string, what: string): string {
  return `${KEY_PREFIX}{s${hex(sessionId)}}:${what}`;
}

/** `sig:{v<id>}:invite`: one invitation's hash, found by its id. */
export function invitationKey(id: string): string {
  return `${KEY_PREFIX}{v${hex(id)}}:invite`;
}

/** `sig:{i<app>:<channel>:<caller>:<callee>}:id`: the id of the live invitation of that quadruple. */
export function invitationSlotKey(appId: string, channel: string, caller: string, callee: string): string {
  return `${KEY_PREFIX}{i${hex(appId)}:${hex(channel)}:${hex(caller)}:${hex(callee)}}:id`;
}
