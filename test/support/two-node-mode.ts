/**
 * Runs the behaviour suites against a cluster: loaded with `mocha --require` (scripts/test.sh's
 * second pass), it starts one redis-server for the run and makes every `new SignalServer(config)`
 * of the tests two nodes over that Redis behind a round-robin proxy on the addresses the test asks
 * for, so that the clients of each test are spread over both nodes and a reconnect lands on the
 * other node. Before listen() resolves, and for anything a test reads of the server itself, the
 * first node stands for the pair; what the test observes through its clients is the cluster's.
 */
import IORedis from 'ioredis';
import { resolveConfig, ServerConfigInput } from '../../lib/server/config';
import { loadTlsCredentials } from '../../lib/server/tls-credentials';
import { createLogger } from '../../lib/server/logger';
import { createClusterState } from '../../lib/server/redis/cluster-state';
import * as signalServerModule from '../../lib/server/signal-server';
import type { ListeningAddress, SignalServerOptions } from '../../lib/server/signal-server';
import { RedisProcess, startRedis } from './redis-server';
import { RoundRobinProxy } from './round-robin-proxy';

const Original = signalServerModule.SignalServer;
type Node = InstanceType<typeof Original>;
let redis: RedisProcess | null = null;
/** Each pair of nodes gets a database of its own (emptied first): no state leaks between tests. */
let nextDb = 0;

function clusterRedis(): RedisProcess {
  if (redis === null) throw new Error('two-node mode: Redis is not started');
  return redis;
}

class NodePair {
  first: Node | null = null;
  second: Node | null = null;
  private proxies: RoundRobinProxy[] = [];
  private readonly config: ServerConfigInput;

  constructor(config: ServerConfigInput, private readonly options: SignalServerOptions) {
    const db = nextDb;
    nextDb = (nextDb + 1) % 16;
    this.config = { ...config, redis: `${clusterRedis().url}/${db}` };
    // Bad settings and certificate files fail here, as they do in SignalServer's constructor.
    loadTlsCredentials(resolveConfig(this.config));
  }

  async listen(): Promise<ListeningAddress> {
    // Nothing is written before the first node starts, so emptying the database here is in time.
    const admin = new IORedis(this.config.redis as string);
    await admin.flushdb();
    admin.disconnect();
    const nodeConfig = { ...this.config, tcpPort: 0, wsPort: 0 };
    const resolved = resolveConfig(nodeConfig);
    const logger = this.options.logger ?? createLogger(resolved.logLevel);
    const addresses: ListeningAddress[] = [];
    for (const slot of ['first', 'second'] as const) {
      const state = await createClusterState(resolved, { logger });
      const node = new Original(nodeConfig, { ...this.options, logger, ...state.options });
      this[slot] = node;
      addresses.push(await node.listen());
    }
    const [a, b] = addresses;
    const tcp = new RoundRobinProxy([a.tcpPort, b.tcpPort], a.host);
    const ws = new RoundRobinProxy([a.wsPort, b.wsPort], a.host);
    this.proxies = [tcp, ws];
    return { ...a, tcpPort: await tcp.listen(this.config.tcpPort ?? 0), wsPort: await ws.listen(this.config.wsPort ?? 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
    this.proxies = [];
    const nodes = [this.first, this.second];
    await Promise.all(nodes.map((n) => n?.close()));
  }
}

/** `new SignalServer(...)` in two-node mode: the pair, reading through to the first node for the rest. */
function TwoNodeServer(config: ServerConfigInput = {}, options: SignalServerOptions = {}): NodePair {
  const pair = new NodePair(config, options);
  return new Proxy(pair, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      const first = target.first;
      if (first === null) throw new Error(`two-node mode: server.${String(prop)} was read before listen()`);
      const value = Reflect.get(first, prop, first);
      return typeof value === 'function' ? value.bind(first) : value;
    },
  });
}

(signalServerModule as unknown as { SignalServer: unknown }).SignalServer = TwoNodeServer;

/**
 * Tests that observe what one process holds or does inside rather than what clients see (with two
 * nodes behind a proxy their figures are one node's), and the waits for the invitation timers'
 * default lengths: they run in the single-process pass only.
 */
const ONE_PROCESS_ONLY: ReadonlyMap<string, string> = new Map([
  ['02-server: the scheduler (one timer for every TTL) keeps 100,000 channel TTLs in one heap and retires them on time', "the channel TTLs are in Redis, not in the node's timer heap"],
  ['02-server: TLS on both listeners a server with TLS logs that it listens on tls:// and wss://', "the log line names the node's own ports, not the proxy's"],
  [
    '02-server: TLS on both listeners with connection limits a TLS or wss:// session leaves the pool of sockets without a session, so idle sockets push out idle ones only',
    "one node's connection limits, and every socket comes from the proxy's address",
  ],
  ['04 e2e: invoke, bc_call and dbg through the addon dbg answers through onDbg: ping, echo, version, server_time, stats; an unknown command is onError(1004)', 'DBG stats counts the sessions of the node that answers'],
  ...[
    '02-server: invitation timers at the real defaults (20 s offline wait, 30 s timeout) an offline callee fails with 703 after 20 s; an unanswered invitation with 704 after 30 s',
    "04 e2e: invitations between users at the seeds' real timer values an offline callee is waited for 20 s, then 703",
    "04 e2e: invitations between users at the seeds' real timer values an unanswered invitation without _timeout fails with 704 after 30 s",
  ].map((title): [string, string] => [title, "the defaults' 20 and 30 s do not depend on where the state is (the two-node pass tests the timers with short values)"]),
  ['02-server: flow control of pipelined requests bounds the queue in bytes too', 'a request to the Redis stores is answered later: the requests queue while the window is open, as async-state.test.ts shows'],
]);

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    const title = this.currentTest?.fullTitle() ?? '';
    if (ONE_PROCESS_ONLY.has(title)) this.skip();
  },
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(20_000);
    redis = await startRedis();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(20_000);
    await redis?.stop();
    redis = null;
  },
};
