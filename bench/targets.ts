/** The systems under test: how to start each one's server and its load generator. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoundedProcess, startBounded, waitForPort } from './bounded-process';
import { freePort } from './free-port';
import { BENCH_ADMIN_KEY, scrapeEverySecond } from './metrics-scraper';
import type { ScenarioName, TargetName } from './loadgen-options';

export interface BenchPaths {
  root: string;
  /** The C++ load generator (agora and floor targets). */
  nativeLoadgen: string;
  floorRelay: string;
}

export interface RunningServer {
  process: BoundedProcess;
  host: string;
  /** The port the load generator connects to. */
  port: number;
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

async function listening(process: BoundedProcess, port: number): Promise<RunningServer> {
  try {
    await waitForPort(HOST, port, LISTEN_TIMEOUT_MS, process);
  } catch (e) {
    await process.stop();
    throw e;
  }
  return { process, host: HOST, port };
}

function missingFile(path: string, hint: string): string | undefined {
  return existsSync(path) ? undefined : `${path} not found (${hint})`;
}

/** The agora server (cli.js with bench/agora-server.json) with `extraArgs`. */
async function startAgoraServer(paths: BenchPaths, timeoutMs: number, extraArgs: string[]): Promise<RunningServer> {
  const tcpPort = await freePort();
  const wsPort = await freePort();
  const server = startBounded(
    'agora server',
    [
      process.execPath,
      join(paths.root, 'dist/lib/server/cli.js'),
      '--host', HOST,
      '--tcp-port', String(tcpPort),
      '--ws-port', String(wsPort),
      '--log-level', 'error',
      '--config', join(paths.root, 'bench/agora-server.json'),
      ...extraArgs,
    ],
    timeoutMs,
  );
  return listening(server, tcpPort);
}

/** The agora server with its admin listener on, /metrics scraped every second while it runs. */
async function startScrapedAgoraServer(paths: BenchPaths, timeoutMs: number): Promise<RunningServer> {
  const adminPort = await freePort();
  const server = await startAgoraServer(paths, timeoutMs, ['--admin-port', String(adminPort), '--admin-key', BENCH_ADMIN_KEY]);
  await waitForPort(HOST, adminPort, LISTEN_TIMEOUT_MS, server.process);
  const scraper = scrapeEverySecond(HOST, adminPort);
  void server.process.exited.then(() => {
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
    startServer: (paths, timeoutMs) => startAgoraServer(paths, timeoutMs, []),
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
      const port = await freePort();
      const server = startBounded(
        'socketio server',
        [process.execPath, join(paths.root, 'dist/bench/socketio/server.js'), '--host', HOST, '--port', String(port)],
        timeoutMs,
      );
      return listening(server, port);
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
      return listening(server, port);
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
];
