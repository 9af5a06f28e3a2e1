/**
 * Where the cluster's shared state lives: one Redis (`--redis redis://host:port[/db]`) or a Redis
 * Cluster (`--redis-cluster host:port,...`), and how a node opens a connection to it. Every store
 * and the node bus open their own connections through openRedis (a subscriber connection cannot
 * run other commands).
 */
import { StoreUnavailable } from '../state/store-unavailable';
import IORedis, { Cluster, ClusterOptions, Command, Redis, RedisOptions } from 'ioredis';
import { CommandDeadlines } from './command-deadlines';

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

/** A connection to one Redis whose commands fail after the command timeout (command-deadlines.ts). */
class DeadlinedRedis extends IORedis {
  private readonly deadlines: CommandDeadlines;
  constructor(url: string, options: RedisOptions, commandTimeoutMs: number) {
    super(url, options);
    this.deadlines = new CommandDeadlines(commandTimeoutMs, () => this.stream?.bytesRead ?? 0);
  }
  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    this.deadlines.arm(command);
    return super.sendCommand(command, stream);
  }
}

/** The same for a Redis Cluster: every command passes here before it is routed to a master. */
class DeadlinedCluster extends Cluster {
  private readonly deadlines: CommandDeadlines;
  constructor(seeds: { host: string; port: number }[], options: ClusterOptions, commandTimeoutMs: number) {
    super(seeds, options);
    this.deadlines = new CommandDeadlines(commandTimeoutMs, () => this.nodes().reduce((sum, node) => sum + (node.stream?.bytesRead ?? 0), 0));
  }
  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: unknown): unknown {
    this.deadlines.arm(command);
    return super.sendCommand(command, stream, node);
  }
}

/**
 * Opens a connection named `name` (shown by CLIENT LIST). Commands issued while Redis is away, or
 * while it answers nothing, fail after `commandTimeoutMs` instead of queueing without bound; while
 * Redis answers, a command waits up to MAX_WAIT_TIMEOUTS times that (command-deadlines.ts).
 */
export function openRedis(target: RedisTarget, name: string, commandTimeoutMs = 2000, options: { shardedSubscriber?: boolean } = {}): RedisClient {
  const common = {
    connectionName: name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  };
  if (target.kind === 'single') return new DeadlinedRedis(target.url, common, commandTimeoutMs);
  return new DeadlinedCluster(
    [...target.seeds],
    {
      redisOptions: common,
      clusterRetryStrategy: (times: number) => Math.min(50 * times, 1000),
      enableOfflineQueue: true,
      // SSUBSCRIBE reaches the master of the channel's slot (the node bus), not every master.
      shardedSubscribers: options.shardedSubscriber === true,
    },
    commandTimeoutMs,
  );
}

/** The Redis of a configuration, or null when the server keeps its state in its own memory. */
export function redisTargetOf(config: { redis?: string; redisCluster?: string }): RedisTarget | null {
  if (config.redis !== undefined) return { kind: 'single', url: config.redis };
  if (config.redisCluster !== undefined) return { kind: 'cluster', seeds: parseClusterSeeds(config.redisCluster) };
  return null;
}

/** The target as an operator wrote it, for messages. */
export function describeTarget(target: RedisTarget): string {
  return target.kind === 'single' ? target.url : target.seeds.map((s) => `${s.host}:${s.port}`).join(',');
}

/**
 * A request needed Redis and Redis did not answer in time (down, unreachable, or too slow). Its
 * request fails with code 1002 and this message (docs/cluster.md); nothing was half done that a
 * retry cannot finish.
 */
export class ClusterUnavailable extends StoreUnavailable {
  constructor(what: string, cause?: unknown) {
    super(`Redis unavailable: ${what}${cause === undefined ? '' : ` (${(cause as Error)?.message ?? String(cause)})`}`);
    this.name = 'ClusterUnavailable';
  }
}

/** Runs one Redis call; any failure of it becomes ClusterUnavailable naming `what`. */
export function redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  let started: Promise<T>;
  try {
    started = call();
  } catch (e) {
    return Promise.reject(new ClusterUnavailable(what, e));
  }
  return started.catch((e: unknown) => {
    throw e instanceof ClusterUnavailable ? e : new ClusterUnavailable(what, e);
  });
}

/**
 * Resolves once `client` answers PING; rejects with ClusterUnavailable after `withinMs` (a node
 * that cannot reach Redis at start refuses to start rather than serve a broken cluster).
 */
export async function waitForRedis(client: RedisClient, target: RedisTarget, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  let last: unknown = undefined;
  while (Date.now() < until) {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A PING may wait for reconnection attempts: the deadline bounds the wait, not the attempts.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer to PING')), Math.max(1, until - Date.now()));
      });
      await Promise.race([client.ping(), late]);
      return;
    } catch (e) {
      last = e;
      if (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      clearTimeout(timer);
    }
  }
  throw new ClusterUnavailable(`cannot reach ${describeTarget(target)} within ${withinMs} ms`, last);
}
