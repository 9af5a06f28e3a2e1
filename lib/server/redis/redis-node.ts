/**
 * A node's liveness, and what the survivors do when a node dies. Each node refreshes its key
 * `sig:{n<node>}:alive` (expiring after 3/4 of nodeTimeoutMs) every quarter of nodeTimeoutMs and
 * sweeps `sig:nodes` every fifth of it: a node whose key is gone is claimed by one survivor (a
 * script sets `sig:{n<node>}:claim` only while the alive key is missing), which removes the
 * directory entries of the sessions the dead node listed and tells its server, which ends their
 * channel memberships and invitations. A node whose sessions are gone for the others this way
 * within nodeTimeoutMs of its last refresh.
 */
import type { Logger } from '../logger';
import { NODES_KEY, nodeKey } from './keys';
import { redisCall, RedisClient } from './redis-connection';
import { parseSessionMember, unregisterEntry } from './redis-session-directory';

/** A session of a node that died: its directory entry is already gone. */
export interface GoneSession {
  readonly appId: string;
  readonly account: string;
  readonly sessionId: string;
  readonly uid: number;
}

/** What a node's server does about the liveness of nodes. */
export interface ClusterHost {
  /** Sessions of a dead node: end their channel memberships and invitations. */
  onSessionsGone(sessions: GoneSession[]): void;
  /**
   * This node could not refresh its liveness in time and the others removed its sessions: its
   * sessions must end (their clients log in again) since nobody else can reach them any more.
   */
  onDeclaredDead(): void;
}

/**
 * KEYS alive; ARGV ttl. Refreshes liveness while it has not run out: once it has, a survivor may
 * already be removing this node's sessions, so the node cannot simply carry on.
 */
const REFRESH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`;

/** KEYS alive, claim; ARGV claimant, ttl. Claims a node whose liveness ran out. */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

type Scripted = RedisClient & {
  sigRefresh(alive: string, ttl: string): Promise<number>;
  sigClaim(alive: string, claim: string, claimant: string, ttl: string): Promise<number>;
};

/**
 * Takes `nodeId` for this process unless a live node, or a dead one not cleaned up yet, has it
 * (ids are random: this matters once in billions of starts, but then it would mix two nodes' sessions).
 */
export async function reserveNodeId(redis: RedisClient, nodeId: string, nodeTimeoutMs: number): Promise<boolean> {
  if ((await redis.sismember(NODES_KEY, nodeId)) === 1) return false;
  return (await redis.set(nodeKey(nodeId, 'alive'), '1', 'PX', Math.max(100, Math.floor((nodeTimeoutMs * 3) / 4)), 'NX')) === 'OK';
}

/**
 * Sessions per App ID over every node of the cluster (the admin API's GET /v1/apps), from each
 * node's set of its sessions, read in pages (SSCAN) so that no one command holds Redis long. A
 * snapshot taken while sessions come and go, as any count across processes is; a node that died
 * is counted until a survivor has cleaned up after it (within nodeTimeoutMs).
 */
export async function sessionsPerApp(redis: RedisClient): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const nodes = await redisCall('listing the nodes', () => redis.smembers(NODES_KEY));
  for (const node of nodes) {
    // SSCAN may return a member twice while the set is resized: each counts once.
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, members] = await redisCall('counting the sessions of the cluster', () => redis.sscan(nodeKey(node, 'sessions'), cursor, 'COUNT', 1000));
      cursor = next;
      for (const member of members) {
        if (seen.has(member)) continue;
        seen.add(member);
        const session = parseSessionMember(member);
        if (session !== null) counts.set(session.appId, (counts.get(session.appId) ?? 0) + 1);
      }
    } while (cursor !== '0');
  }
  return counts;
}

/** How long a claim keeps other survivors off a dead node while the claimant removes its sessions. */
const CLAIM_MS = 60_000;

export class RedisNode {
  private host: ClusterHost | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    private readonly redis: RedisClient,
    readonly nodeId: string,
    readonly nodeTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    redis.defineCommand('sigRefresh', { numberOfKeys: 1, lua: REFRESH });
    redis.defineCommand('sigClaim', { numberOfKeys: 2, lua: CLAIM });
  }

  attach(host: ClusterHost): void {
    this.host = host;
  }

  private get aliveMs(): number {
    return Math.max(100, Math.floor((this.nodeTimeoutMs * 3) / 4));
  }

  /** Announces the node and starts its timers. */
  async start(): Promise<void> {
    await redisCall('announcing this node', () => this.redis.set(nodeKey(this.nodeId, 'alive'), '1', 'PX', this.aliveMs));
    await redisCall('announcing this node', () => this.redis.sadd(NODES_KEY, this.nodeId));
    this.refreshTimer = setInterval(() => this.refresh(), Math.max(25, Math.floor(this.nodeTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => void this.sweep(), Math.max(25, Math.floor(this.nodeTimeoutMs / 5)));
    this.refreshTimer.unref();
    this.sweepTimer.unref();
  }

  /** Stops the timers; `clean`: the node's sessions are unregistered, so it leaves no trace. */
  async stop(clean: boolean): Promise<void> {
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.refreshTimer = this.sweepTimer = null;
    if (!clean) return;
    await this.redis.srem(NODES_KEY, this.nodeId).catch(() => undefined);
    await this.redis.del(nodeKey(this.nodeId, 'alive')).catch(() => undefined);
  }

  /** Stops refreshing without removing anything, as a killed process would (tests). */
  simulateDeath(): void {
    void this.stop(false);
  }

  private refresh(): void {
    (this.redis as Scripted).sigRefresh(nodeKey(this.nodeId, 'alive'), String(this.aliveMs)).then(
      (ok) => {
        if (ok === 1) return;
        this.logger.error(`node ${this.nodeId}: its liveness ran out (Redis or this process was stalled): the other nodes count its sessions as gone; ending them and joining again`);
        this.host?.onDeclaredDead();
        this.redis
          .set(nodeKey(this.nodeId, 'alive'), '1', 'PX', this.aliveMs)
          .then(() => this.redis.sadd(NODES_KEY, this.nodeId))
          .catch((e: unknown) => this.logger.warn(`node ${this.nodeId}: joining again failed (retried at the next refresh): ${(e as Error).message}`));
      },
      (e: unknown) => this.logger.warn(`node ${this.nodeId}: refreshing its liveness failed: ${(e as Error).message}`),
    );
  }

  /** Finds nodes whose liveness ran out and cleans up after those this node claims. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const nodes = await this.redis.smembers(NODES_KEY);
      for (const node of nodes) {
        if (node === this.nodeId) continue;
        const claimed = await (this.redis as Scripted).sigClaim(nodeKey(node, 'alive'), nodeKey(node, 'claim'), this.nodeId, String(CLAIM_MS));
        if (claimed === 1) await this.cleanUp(node);
      }
    } catch (e) {
      this.logger.warn(`node ${this.nodeId}: looking for dead nodes failed: ${(e as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async cleanUp(node: string): Promise<void> {
    const setKey = nodeKey(node, 'sessions');
    const members = await this.redis.smembers(setKey);
    const gone: GoneSession[] = [];
    for (const member of members) {
      const session = parseSessionMember(member);
      if (session !== null) {
        await unregisterEntry(this.redis, session.appId, session.account, session.sessionId);
        gone.push(session);
      }
      await this.redis.srem(setKey, member);
    }
    await this.redis.srem(NODES_KEY, node);
    await this.redis.del(nodeKey(node, 'claim'));
    this.logger.warn(`node ${this.nodeId}: node ${node} stopped refreshing its liveness; its ${gone.length} sessions are offline`);
    if (gone.length > 0) this.host?.onSessionsGone(gone);
  }
}
