/** The systems under test: how to start each one's server and its load generator. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoundedProcess, startBounded, waitForPort } from './bounded-process';
import { freePort } from './free-port';
import { BENCH_ADMIN_KEY, scrapeEverySecond } from './metrics-scraper';
import type { ScenarioName, TargetName } from './loadgen-options';
import { BenchRedis, startRedis } from './redis-server';

export interface BenchPaths {
  root: string;
  /** The C++ load generator (agora and floor targets). */
  nativeLoadgen: string;
  floorRelay: string;
}

export interface RunningServer {
  /** The server's processes (one, or each node of a cluster): their CPU and memory are the server's. */
  processes: BoundedProcess[];
  host: string;
  /** The port the load generator connects to (the first node's). */
  port: number;
  /** The second node of a cluster, which the load generator gets as --server2. */
  second?: { host: string; port: number };
  /** The Redis a cluster shares; its CPU and memory are reported apart from the server's. */
  redis?: BenchRedis;
  /** Stops every process above. */
  stop(): Promise<void>;
}

export interface Target {
  name: TargetName;
  description: string;
  /** The scenarios its load generator runs, when not all of them (the others are skipped, not failed). */
  scenarios?: ScenarioName[];
  /** Why the target cannot run here, or undefined when it can. */
  missing(paths: BenchPaths): string | undefined;
  startServer(paths: BenchPaths, timeoutMs: number): Promise<RunningServer>;
  loadgenCommand(paths: BenchPaths, server: RunningServer): string[];
}

const HOST = '127.0.0.1';
const LISTEN_TIMEOUT_MS = 15000;

async function listening(process: BoundedProcess, port: number): Promise<BoundedProcess> {
  try {
    await waitForPort(HOST, port, LISTEN_TIMEOUT_MS, process);
  } catch (e) {
    await process.stop();
    throw e;
  }
  return process;
}

async function single(process: BoundedProcess, port: number): Promise<RunningServer> {
  await listening(process, port);
  return { processes: [process], host: HOST, port, stop: () => process.stop() };
}

function missingFile(path: string, hint: string): string | undefined {
  return existsSync(path) ? undefined : `${path} not found (${hint})`;
}

function missingProgram(name: string, hint: string): string | undefined {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore', timeout: 10000 });
    return undefined;
  } catch {
    return `${name} not found (${hint})`;
  }
}

/** One node of our server; `extra` adds options (--redis for a cluster node). */
async function startAgoraNode(paths: BenchPaths, timeoutMs: number, name: string, extra: string[] = []): Promise<{ process: BoundedProcess; port: number }> {
  const tcpPort = await freePort();
  const wsPort = await freePort();
  const child = startBounded(
    name,
    [
      process.execPath,
      join(paths.root, 'dist/lib/server/cli.js'),
      '--host', HOST,
      '--tcp-port', String(tcpPort),
      '--ws-port', String(wsPort),
      '--log-level', 'error',
      '--config', join(paths.root, 'bench/agora-server.json'),
      ...extra,
    ],
    timeoutMs,
  );
  return { process: await listening(child, tcpPort), port: tcpPort };
}

async function startSocketIoNode(paths: BenchPaths, timeoutMs: number, name: string, extra: string[] = []): Promise<{ process: BoundedProcess; port: number }> {
  const port = await freePort();
  const child = startBounded(
    name,
    [process.execPath, join(paths.root, 'dist/bench/socketio/server.js'), '--host', HOST, '--port', String(port), ...extra],
    timeoutMs,
  );
  return { process: await listening(child, port), port };
}

/**
 * A Redis and two nodes of one kind on it, each node its own process on its own ports. Whatever
 * started is stopped again when a later part fails.
 */
async function startCluster(
  timeoutMs: number,
  startNode: (name: string, redisUrl: string) => Promise<{ process: BoundedProcess; port: number }>,
): Promise<RunningServer> {
  const redis = await startRedis(timeoutMs);
  const nodes: { process: BoundedProcess; port: number }[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.process.stop()));
    await redis.stop();
  };
  try {
    for (const name of ['node 1', 'node 2']) nodes.push(await startNode(name, redis.url));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    processes: nodes.map((n) => n.process),
    host: HOST,
    port: nodes[0].port,
    second: { host: HOST, port: nodes[1].port },
    redis,
    stop,
  };
}

/** Whether our server's command line has the Redis option (the server's --help lists it). */
function missingRedisOption(paths: BenchPaths): string | undefined {
  try {
    const help = execFileSync(process.execPath, [join(paths.root, 'dist/lib/server/cli.js'), '--help'], { encoding: 'utf8', timeout: 20000 });
    return /--redis\b/.test(help) ? undefined : 'this build of the server has no --redis option';
  } catch (e) {
    return `cannot read the server's --help: ${(e as Error).message}`;
  }
}

function secondServer(server: RunningServer): string[] {
  if (server.second === undefined) throw new Error('a cluster target needs its second node');
  return ['--server2', `${server.second.host}:${server.second.port}`];
}

/** The agora server with its admin listener on, /metrics scraped every second while it runs. */
async function startScrapedAgoraServer(paths: BenchPaths, timeoutMs: number): Promise<RunningServer> {
  const adminPort = await freePort();
  const node = await startAgoraNode(paths, timeoutMs, 'agora server', ['--admin-port', String(adminPort), '--admin-key', BENCH_ADMIN_KEY]);
  const server = await single(node.process, node.port);
  await waitForPort(HOST, adminPort, LISTEN_TIMEOUT_MS, node.process);
  const scraper = scrapeEverySecond(HOST, adminPort);
  void node.process.exited.then(() => {
    const { scrapes, failures } = scraper.stop();
    process.stderr.write(`[bench] agora-metrics: ${scrapes} scrapes of /metrics${failures > 0 ? `, ${failures} failed` : ''}\n`);
  });
  return server;
}

export const TARGETS: Target[] = [
  {
    name: 'agora',
    description: 'this project: the Node signaling server, clients through the C++ core',
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/lib/server/cli.js'), 'npm run build:ts') ??
      missingFile(paths.nativeLoadgen, 'bash bench/build.sh'),
    startServer: async (paths, timeoutMs) => {
      const node = await startAgoraNode(paths, timeoutMs, 'agora server');
      return single(node.process, node.port);
    },
    loadgenCommand: (paths, server) => [paths.nativeLoadgen, '--target', 'agora', '--server', `${server.host}:${server.port}`],
  },
  {
    name: 'agora-metrics',
    description: 'the agora target with the admin listener on and /metrics scraped every second (the cost of metrics)',
    scenarios: ['p2p-latency', 'p2p-throughput'],
    missing: (paths) => TARGETS[0].missing(paths),
    startServer: startScrapedAgoraServer,
    loadgenCommand: (paths, server) => TARGETS[0].loadgenCommand(paths, server),
  },
  {
    name: 'socketio',
    description: 'Socket.IO 4 server and socket.io-client, default settings, websocket transport',
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/bench/socketio/server.js'), 'npm run build:ts') ??
      missingFile(join(paths.root, 'dist/bench/socketio/loadgen.js'), 'npm run build:ts'),
    startServer: async (paths, timeoutMs) => {
      const node = await startSocketIoNode(paths, timeoutMs, 'socketio server');
      return single(node.process, node.port);
    },
    loadgenCommand: (paths, server) => [
      process.execPath,
      join(paths.root, 'dist/bench/socketio/loadgen.js'),
      '--target', 'socketio',
      '--server', `${server.host}:${server.port}`,
    ],
  },
  {
    name: 'floor',
    description: 'minimal one-thread epoll relay of length-prefixed frames, raw TCP clients',
    missing: (paths) =>
      missingFile(paths.floorRelay, 'bash bench/build.sh') ?? missingFile(paths.nativeLoadgen, 'bash bench/build.sh'),
    startServer: async (paths, timeoutMs) => {
      const port = await freePort();
      const server = startBounded('floor relay', [paths.floorRelay, '--host', HOST, '--port', String(port)], timeoutMs);
      return single(server, port);
    },
    loadgenCommand: (paths, server) => [paths.nativeLoadgen, '--target', 'floor', '--server', `${server.host}:${server.port}`],
  },
  {
    name: 'java',
    description: 'this project: the Node signaling server, clients through the Java SDK (java/bench/JavaLoadgen.java, one JVM)',
    scenarios: ['p2p-latency', 'p2p-throughput'],
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/lib/server/cli.js'), 'npm run build:ts') ??
      missingFile(join(paths.root, 'java/target/classpath.txt'), 'bash bench/build.sh (needs mvn and a JDK)'),
    // The same server as the agora target, so the two rows differ only by the client SDK.
    startServer: (paths, timeoutMs) => TARGETS[0].startServer(paths, timeoutMs),
    loadgenCommand: (paths, server) => {
      const java = join(paths.root, 'java');
      const classpath = `${join(java, 'target/classes')}:${readFileSync(join(java, 'target/classpath.txt'), 'utf8').trim()}`;
      // Source-file mode (JEP 330) as documented in the file's header: no separate compile step.
      return ['java', '-cp', classpath, join(java, 'bench/JavaLoadgen.java'), '--target', 'java', '--server', `${server.host}:${server.port}`];
    },
  },
  {
    name: 'addon',
    description: 'this project: the Node signaling server, clients through the Node addon from JavaScript (bench/addon/loadgen.ts, one process)',
    scenarios: ['p2p-latency', 'p2p-throughput'],
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/lib/server/cli.js'), 'npm run build:ts') ??
      missingFile(join(paths.root, 'dist/bench/addon/loadgen.js'), 'npm run build:ts'),
    // The same server as the agora target, so the two rows differ only by the client: the C++
    // core driven from C++, or the same core driven from JavaScript through the bridge.
    startServer: (paths, timeoutMs) => TARGETS[0].startServer(paths, timeoutMs),
    loadgenCommand: (paths, server) => [
      process.execPath,
      join(paths.root, 'dist/bench/addon/loadgen.js'),
      '--target', 'addon',
      '--server', `${server.host}:${server.port}`,
    ],
  },
  {
    name: 'agora-cluster',
    description:
      'this project on Redis: two server nodes (each its own process and ports, --redis) and one redis-server; clients through the C++ core, p2p senders on node 1 and receivers on node 2, channel members and logins alternating between the nodes',
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/lib/server/cli.js'), 'npm run build:ts') ??
      missingFile(paths.nativeLoadgen, 'bash bench/build.sh') ??
      missingProgram('redis-server', 'scripts/install-system-deps.sh') ??
      missingRedisOption(paths),
    startServer: (paths, timeoutMs) =>
      startCluster(timeoutMs, (name, redisUrl) => startAgoraNode(paths, timeoutMs, `agora ${name}`, ['--redis', redisUrl])),
    loadgenCommand: (paths, server) => [
      paths.nativeLoadgen,
      '--target', 'agora',
      '--server', `${server.host}:${server.port}`,
      ...secondServer(server),
    ],
  },
  {
    name: 'socketio-cluster',
    description:
      'Socket.IO 4 on Redis: two servers with @socket.io/redis-adapter (ioredis) and one redis-server; the same placement of clients as agora-cluster',
    missing: (paths) =>
      missingFile(join(paths.root, 'dist/bench/socketio/server.js'), 'npm run build:ts') ??
      missingFile(join(paths.root, 'dist/bench/socketio/loadgen.js'), 'npm run build:ts') ??
      missingProgram('redis-server', 'scripts/install-system-deps.sh'),
    startServer: (paths, timeoutMs) =>
      startCluster(timeoutMs, (name, redisUrl) => startSocketIoNode(paths, timeoutMs, `socketio ${name}`, ['--redis', redisUrl])),
    loadgenCommand: (paths, server) => [
      process.execPath,
      join(paths.root, 'dist/bench/socketio/loadgen.js'),
      '--target', 'socketio',
      '--server', `${server.host}:${server.port}`,
      ...secondServer(server),
    ],
  },
];
