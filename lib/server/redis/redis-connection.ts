/**
 * Where the cluster's shared state lives: one Redis (`--redis redis://host:port[/db]`) or a Redis
 * Cluster (`--redis-cluster host:port,...`), and how a node opens a connection to it. Every store
 * and the node bus open their own connections through openRedis (a subscriber connection cannot
 * run other commands).
 */
import IORedis, { Cluster, Redis } from 'ioredis';

export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'cluster'; readonly seeds: readonly { host: string; port: number }[] };

/** A connection to either form; both run commands, scripts and pub/sub alike. */
export type RedisClient = Redis | Cluster;

/** Parses `host:port,host:port,...`; throws a readable Error on a malformed entry. */
export function parseClusterSeeds(text: string): { host: string; port: number }[] {
  const seeds = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry) => {
      const match = /^(.+):(\d{1,5})$/.exec(entry);
      const port = match ? Number(match[2]) : NaN;
      if (!match || port < 1 || port > 65535) throw new Error(`"${entry}" is not host:port`);
      return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
    });
  if (seeds.length === 0) throw new Error('no host:port given');
  return seeds;
}

/**
 * Opens a connection named `name` (shown by CLIENT LIST). Commands issued while Redis is away fail
 * after `commandTimeoutMs` instead of queueing without bound.
 */
export function openRedis(target: RedisTarget, name: string, commandTimeoutMs = 2000): RedisClient {
  const common = {
    connectionName: name,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  };
  if (target.kind === 'single') return new IORedis(target.url, common);
  return new Cluster([...target.seeds], {
    redisOptions: common,
    clusterRetryStrategy: (times: number) => Math.min(50 * times, 1000),
    enableOfflineQueue: true,
  });
}
