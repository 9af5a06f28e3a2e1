/**
 * Who is online, cluster-wide: the hash `accountKey(appId, account, 'session')` = {node, sessionId,
 * uid} per online account, swapped in by one Lua script at login (the previous session, on any
 * node, is kicked with 103) and removed by a compare-and-delete at logout. Each node also lists its
 * sessions in `sig:{n<node>}:sessions`, so that a survivor can remove the entries of a node that
 * died (redis-node.ts). The sessions of this node are also kept here in memory: the router delivers
 * to them without asking Redis, and the bus finds them by session id.
 */
import { userKey } from '../state/user-key';
import type { Logger } from '../logger';
import { MemorySessionDirectory } from '../state/memory-session-directory';
import type { SessionDirectory, SessionRef } from '../state/session-directory';
import type { SessionEndpoint } from '../state/session-endpoint';
import { accountKey, hex, nodeKey } from './keys';
import type { NodeBus } from './node-bus';
import { redisCall, RedisClient } from './redis-connection';

/** KEYS[1] entry; ARGV node, sessionId, uid. Answers the entry replaced: {node, sessionId} or nil. */
const REGISTER = `
local old = redis.call('HMGET', KEYS[1], 'node', 'sessionId')
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'sessionId', ARGV[2], 'uid', ARGV[3])
if old[2] and old[2] ~= ARGV[2] then return {old[1], old[2]} end
return false
`;

/** KEYS[1] entry; ARGV sessionId. Deletes the entry only while it still names that session. */
const UNREGISTER = `
if redis.call('HGET', KEYS[1], 'sessionId') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS[1] entry; ARGV sessionId, node. Points the entry at another node while it names that session. */
const MOVE = `
if redis.call('HGET', KEYS[1], 'sessionId') == ARGV[1] then redis.call('HSET', KEYS[1], 'node', ARGV[2]) return 1 end
return 0
`;

/** The member of a node's session set: enough to end the session's traces when the node dies. */
export function sessionMember(appId: string, account: string, sessionId: string, uid: number): string {
  return `${hex(appId)} ${hex(account)} ${sessionId} ${uid}`;
}

export function parseSessionMember(member: string): { appId: string; account: string; sessionId: string; uid: number } | null {
  const parts = member.split(' ');
  if (parts.length !== 4) return null;
  return { appId: Buffer.from(parts[0], 'hex').toString('latin1'), account: Buffer.from(parts[1], 'hex').toString('latin1'), sessionId: parts[2], uid: Number(parts[3]) };
}

type Scripted = RedisClient & {
  sigRegister(key: string, node: string, sessionId: string, uid: string): Promise<[string, string] | null>;
  sigUnregister(key: string, sessionId: string): Promise<number>;
  sigMove(key: string, sessionId: string, node: string): Promise<number>;
};

export function defineDirectoryScripts(redis: RedisClient): void {
  redis.defineCommand('sigRegister', { numberOfKeys: 1, lua: REGISTER });
  redis.defineCommand('sigUnregister', { numberOfKeys: 1, lua: UNREGISTER });
  redis.defineCommand('sigMove', { numberOfKeys: 1, lua: MOVE });
}

/** Compare-and-delete of one entry, also for a survivor cleaning up after a dead node. */
export function unregisterEntry(redis: RedisClient, appId: string, account: string, sessionId: string): Promise<number> {
  return (redis as Scripted).sigUnregister(accountKey(appId, account, 'session'), sessionId);
}

export class RedisSessionDirectory implements SessionDirectory {
  /** This node's sessions. */
  readonly local = new MemorySessionDirectory();
  private bus: NodeBus | null = null;
  /** HMGETs of account entries under way, by userKey(appId, account). */
  private readonly lookups = new Map<string, Promise<(SessionRef & { node: string }) | null>>();
  /**
   * Logouts whose removal from Redis failed (Redis away): retried until they succeed, else the
   * account would stay online for the other nodes while this node lives.
   */
  private readonly unfinished = new Map<string, { appId: string; account: string; sessionId: string; uid: number }>();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisClient,
    readonly nodeId: string,
    private readonly logger?: Logger,
    private readonly retryMs = 1000,
  ) {
    defineDirectoryScripts(redis);
  }

  /** Logouts still to be written to Redis. */
  get unfinishedCount(): number {
    return this.unfinished.size;
  }

  /** Stops retrying (the node is closing). */
  close(): void {
    if (this.retryTimer !== null) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  /** Kicks of sessions on other nodes go through the bus, which is made after the directory. */
  setBus(bus: NodeBus): void {
    this.bus = bus;
  }

  async register(session: SessionEndpoint): Promise<void> {
    const member = sessionMember(session.appId, session.account, session.sessionId, session.uid);
    // Listed before the entry exists: a node dying between the two leaves an entry a survivor finds.
    await redisCall('listing the session of this node', () => this.redis.sadd(nodeKey(this.nodeId, 'sessions'), member));
    const old = await redisCall('registering the login', () =>
      (this.redis as Scripted).sigRegister(accountKey(session.appId, session.account, 'session'), this.nodeId, session.sessionId, String(session.uid)),
    );
    const previousHere = this.local.find(session.appId, session.account);
    // The local map kicks a previous local session of the account itself (103).
    this.local.register(session);
    if (old === null || old === undefined) return;
    const [oldNode, oldSessionId] = old;
    if (oldNode === this.nodeId) {
      // A session of this node replaced by an older-registered local one is already kicked above.
      if (previousHere === undefined || previousHere.sessionId !== oldSessionId) this.local.findSession(oldSessionId)?.kick();
    } else if (this.bus !== null) {
      // The login is registered either way: the old session no longer gets anything routed to it.
      await this.bus.kick(oldNode, oldSessionId).catch((e: Error) => this.logger?.warn(`kicking session ${oldSessionId} on node ${oldNode} failed: ${e.message}`));
    }
  }

  async unregister(session: SessionEndpoint): Promise<void> {
    this.local.unregister(session);
    const ref = { appId: session.appId, account: session.account, sessionId: session.sessionId, uid: session.uid };
    try {
      await this.remove(ref);
    } catch (e) {
      this.unfinished.set(ref.sessionId, ref);
      this.retryTimer ??= setInterval(() => void this.retry(), this.retryMs).unref();
      throw e;
    }
  }

  private async remove(ref: { appId: string; account: string; sessionId: string; uid: number }): Promise<void> {
    await redisCall('removing the login', () => unregisterEntry(this.redis, ref.appId, ref.account, ref.sessionId));
    await redisCall('unlisting the session of this node', () => this.redis.srem(nodeKey(this.nodeId, 'sessions'), sessionMember(ref.appId, ref.account, ref.sessionId, ref.uid)));
  }

  private async retry(): Promise<void> {
    for (const [id, ref] of [...this.unfinished]) {
      try {
        await this.remove(ref);
        this.unfinished.delete(id);
      } catch {
        return;
      }
    }
    if (this.unfinished.size === 0 && this.retryTimer !== null) {
      clearInterval(this.retryTimer);
      this.retryTimer = null;
    }
  }

  isOnline(appId: string, account: string): Promise<boolean> | boolean {
    if (this.local.find(appId, account) !== undefined) return true;
    return redisCall('looking up an account', () => this.redis.exists(accountKey(appId, account, 'session'))).then((n) => n === 1);
  }

  lookup(appId: string, account: string): Promise<(SessionRef & { node: string }) | null> | (SessionRef & { node: string }) {
    const here = this.local.find(appId, account);
    if (here !== undefined) return { sessionId: here.sessionId, uid: here.uid, node: this.nodeId };
    // Lookups of one account at the same time share one HMGET: a sender pipelining to a peer it
    // has not reached yet would otherwise ask once per message. Its callers still run in order.
    const key = userKey(appId, account);
    const running = this.lookups.get(key);
    if (running !== undefined) return running;
    const started = redisCall('looking up an account', () => this.redis.hmget(accountKey(appId, account, 'session'), 'node', 'sessionId', 'uid')).then(
      ([node, sessionId, uid]) => {
        this.lookups.delete(key);
        return node === null || sessionId === null ? null : { node, sessionId, uid: Number(uid) };
      },
      (e: unknown) => {
        this.lookups.delete(key);
        throw e;
      },
    );
    this.lookups.set(key, started);
    return started;
  }

  /**
   * Points the session's entry at `toNode` (its client resumed there); false when a newer login
   * replaced it. Listed in the new node's set first, so that whichever node dies, a survivor
   * finds the entry.
   */
  async moveTo(session: SessionEndpoint, toNode: string): Promise<boolean> {
    const member = sessionMember(session.appId, session.account, session.sessionId, session.uid);
    await redisCall('listing the session on its new node', () => this.redis.sadd(nodeKey(toNode, 'sessions'), member));
    const moved = await redisCall('moving the session', () => (this.redis as Scripted).sigMove(accountKey(session.appId, session.account, 'session'), session.sessionId, toNode));
    if (moved !== 1) {
      await redisCall('unlisting the session', () => this.redis.srem(nodeKey(toNode, 'sessions'), member));
      return false;
    }
    await redisCall('unlisting the session of this node', () => this.redis.srem(nodeKey(this.nodeId, 'sessions'), member));
    return true;
  }

  /** Ends the local session with this id (another node kicks it); true when it was here. */
  kickLocal(sessionId: string, code?: number, reason?: string): boolean {
    const session = this.local.findSession(sessionId);
    session?.kick(code, reason);
    return session !== undefined;
  }
}
