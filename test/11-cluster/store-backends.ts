/**
 * Where a contract suite runs: in memory, in memory behind the slow wrappers, on one
 * redis-server, on a three-master Redis Cluster. The Redis ones start their servers once per
 * file, empty them before each test and hand out connections closed after each test.
 */
import { Cluster } from 'ioredis';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { RedisClusterProcesses, RedisProcess, startRedis, startRedisCluster } from '../support/redis-server';

export type BackendKind = 'memory' | 'slow' | 'redis' | 'redis-cluster';
export const BACKEND_KINDS: readonly BackendKind[] = ['memory', 'slow', 'redis', 'redis-cluster'];

export class StoreBackend {
  private single: RedisProcess | null = null;
  private cluster: RedisClusterProcesses | null = null;
  private readonly open: RedisClient[] = [];

  constructor(readonly kind: BackendKind) {}

  /** Two instances see one state (two nodes); in memory each instance has its own. */
  get shared(): boolean {
    return this.kind === 'redis' || this.kind === 'redis-cluster';
  }

  async start(): Promise<void> {
    if (this.kind === 'redis') this.single = await startRedis();
    if (this.kind === 'redis-cluster') this.cluster = await startRedisCluster();
  }

  async stop(): Promise<void> {
    await this.closeConnections();
    await this.single?.stop();
    await this.cluster?.stop();
  }

  connect(): RedisClient {
    let client: RedisClient;
    if (this.single !== null) client = openRedis({ kind: 'single', url: this.single.url }, 'contract-test');
    else if (this.cluster !== null) client = openRedis({ kind: 'cluster', seeds: this.cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) }, 'contract-test');
    else throw new Error(`the ${this.kind} backend has no Redis`);
    this.open.push(client);
    return client;
  }

  /** Empties every Redis server. */
  async reset(): Promise<void> {
    if (!this.shared) return;
    const client = this.connect();
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    if (client instanceof Cluster) await Promise.all(client.nodes('master').map((n) => n.flushall()));
    else await client.flushall();
  }

  async closeConnections(): Promise<void> {
    const clients = this.open.splice(0);
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds or `ms` pass. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await sleep(10);
  }
  return true;
}
