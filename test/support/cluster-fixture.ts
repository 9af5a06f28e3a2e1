/**
 * A cluster for one test: one redis-server (or a three-master Redis Cluster) and N SignalServer
 * nodes in this process over it, each on ephemeral ports. Tests spread their clients over the
 * nodes (`loggedIn(i, ...)`) and tear everything down with stop().
 */
import { resolveConfig, ServerConfigInput } from '../../lib/server/config';
import { createLogger, LogLevel } from '../../lib/server/logger';
import { ClusterState, createClusterState } from '../../lib/server/redis/cluster-state';
import { ListeningAddress, SignalServer } from '../../lib/server/signal-server';
import type { ChannelStore } from '../../lib/server/state/channel-store';
import { RawClient } from '../02-server/raw-client';
import { RedisClusterProcesses, RedisOptions, RedisProcess, startRedis, startRedisCluster } from './redis-server';

export interface ClusterNodeHandle {
  server: SignalServer;
  address: ListeningAddress;
  state: ClusterState;
}

export interface ClusterFixtureOptions {
  nodes?: number;
  /** A three-master Redis Cluster instead of one redis-server. */
  redisCluster?: boolean;
  config?: ServerConfigInput;
  /** For the one redis-server (an append-only file, ...). */
  redisOptions?: RedisOptions;
  /** One channel store for every node, standing for a shared (Redis) one. */
  channels?: ChannelStore;
}

export class ClusterFixture {
  redis: RedisProcess | null = null;
  redisCluster: RedisClusterProcesses | null = null;
  readonly nodes: ClusterNodeHandle[] = [];
  readonly logLines: string[] = [];
  private readonly clients: RawClient[] = [];
  private config: ServerConfigInput = {};
  private ownsRedis = true;
  private channels: ChannelStore | undefined;

  async start(options: ClusterFixtureOptions = {}): Promise<void> {
    if (options.redisCluster) this.redisCluster = await startRedisCluster();
    else this.redis = await startRedis(options.redisOptions);
    await this.startNodes(options);
  }

  /** Nodes over a Redis the test started (and stops) itself. */
  async startOn(redis: RedisProcess, options: ClusterFixtureOptions = {}): Promise<void> {
    this.ownsRedis = false;
    this.redis = redis;
    await this.startNodes(options);
  }

  private async startNodes(options: ClusterFixtureOptions): Promise<void> {
    this.channels = options.channels;
    this.config = {
      tcpPort: 0,
      wsPort: 0,
      logLevel: 'silent',
      ...(this.redisCluster ? { redisCluster: this.redisCluster.seeds } : { redis: (this.redis as RedisProcess).url }),
      ...options.config,
    };
    for (let i = 0; i < (options.nodes ?? 2); i++) await this.addNode();
  }

  /** Starts one more node over the same Redis; answers its index. */
  async addNode(): Promise<number> {
    const level: LogLevel = (process.env.SERVER_TEST_LOG_LEVEL as LogLevel | undefined) ?? 'info';
    const index = this.nodes.length;
    const logger = createLogger(level, (line) => {
      this.logLines.push(`node ${index}: ${line}`);
      if (process.env.SERVER_TEST_LOG_LEVEL) process.stderr.write(`node ${index}: ${line}\n`);
    });
    const state = await createClusterState(resolveConfig(this.config), { logger });
    const server = new SignalServer(this.config, { logger, ...state.options, ...(this.channels ? { channels: this.channels } : {}) });
    const address = await server.listen();
    this.nodes.push({ server, address, state });
    return index;
  }

  address(node: number): ListeningAddress {
    return this.nodes[node].address;
  }

  async tcp(node: number): Promise<RawClient> {
    const client = await RawClient.tcp(this.nodes[node].address.tcpPort);
    this.clients.push(client);
    return client;
  }

  async ws(node: number): Promise<RawClient> {
    const client = await RawClient.ws(this.nodes[node].address.wsPort);
    this.clients.push(client);
    return client;
  }

  /** A TCP client of node `node` that has said HELLO and logged in. */
  async loggedIn(node: number, appId: string, account: string): Promise<{ client: RawClient; uid: number; sessionId: string }> {
    const client = await this.tcp(node);
    const ok = await client.login(appId, account);
    return { client, uid: ok.uid, sessionId: Buffer.from(ok.sessionId).toString('latin1') };
  }

  /** Closes the clients and the nodes, leaving Redis running. */
  async stopNodes(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.clients.length = 0;
    for (const node of this.nodes) await node.server.close();
    this.nodes.length = 0;
  }

  async stop(): Promise<void> {
    await this.stopNodes();
    if (this.redis && this.ownsRedis) await this.redis.stop();
    if (this.redisCluster) await this.redisCluster.stop();
    this.redis = this.redisCluster = null;
  }
}
