/**
 * Real redis-server processes for the tests: one server, or a Redis Cluster of three masters, each
 * on free loopback ports in a throwaway directory, stopped (and the directory removed) by stop().
 * Needs Debian's redis-server (scripts/install-system-deps.sh).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

export interface RedisProcess {
  readonly port: number;
  /** redis://127.0.0.1:port */
  readonly url: string;
  /** Its working directory (append-only file, cluster config). */
  readonly dir: string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and, unless `keepDir`, removes its directory. */
  stop(keepDir?: boolean): Promise<void>;
  /** Stops it at once with SIGKILL (nothing flushed beyond what appendfsync wrote). */
  kill(): Promise<void>;
}

export interface RedisClusterProcesses {
  readonly nodes: readonly RedisProcess[];
  /** host:port,host:port,host:port (the --redis-cluster form). */
  readonly seeds: string;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** An append-only file (appendfsync always), so that a restart on `dir` keeps every write. */
  appendOnly?: boolean;
  /** Reuse this directory (a restart); a new one otherwise. */
  dir?: string;
  /** Reuse this port (a restart); a free one otherwise. */
  port?: number;
  cluster?: boolean;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`redis-server on port ${port} exited with ${child.exitCode}`));
        return;
      }
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`redis-server did not listen on port ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Starts one redis-server on a free loopback port. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisProcess> {
  const port = options.port ?? (await freeLoopbackPort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'agora-sig-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--daemonize', 'no',
    '--logfile', '',
    '--loglevel', 'warning',
  ];
  if (options.appendOnly) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  if (options.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  const stopWith = async (signal: NodeJS.Signals, keepDir: boolean): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop: (keepDir = false) => stopWith('SIGTERM', keepDir),
    kill: () => stopWith('SIGKILL', true),
  };
}

function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')}: ${error.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts a Redis Cluster of `masters` (3) masters without replicas and waits until it serves. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcesses> {
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startRedis({ cluster: true }));
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const until = Date.now() + 15_000;
    for (;;) {
      const info = await redisCli(['-p', String(nodes[0].port), 'cluster', 'info']);
      if (/cluster_state:ok/.test(info)) break;
      if (Date.now() > until) throw new Error(`the Redis Cluster did not become ready: ${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  return {
    nodes,
    seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
