/**
 * The redis-server of the cluster targets: one process on a free loopback port (never Redis'
 * default 6379, which an operator's own Redis may hold), no persistence, stopped with the run,
 * and its own command counters (INFO commandstats) read over one connection of the runner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { BoundedProcess, startBounded, waitForPort } from './bounded-process';
import { freePort } from './free-port';

export interface BenchRedis {
  process: BoundedProcess;
  port: number;
  /** redis://127.0.0.1:port */
  url: string;
  /** Calls of each command so far (cmdstat_<name>), as Redis counts them. */
  commandCalls(): Promise<Record<string, number>>;
  /** Bytes Redis has read from its clients since it started (INFO stats). */
  netInputBytes(): Promise<number>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const LISTEN_TIMEOUT_MS = 10000;

/** Parses the `commandstats` section of INFO: `cmdstat_publish:calls=12,usec=...` per line. */
export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match !== null) calls[match[1]] = Number(match[2]);
  }
  return calls;
}

/**
 * The commands of `after` minus `before`, without the INFO the runner itself sent between the two
 * readings (Redis counts a command once it has answered it, so the reading `after` does not count
 * itself, and `before` counts in it once).
 */
export function commandsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after)) {
    const d = calls - (before[name] ?? 0) - (name === 'info' ? 1 : 0);
    if (d > 0) delta[name] = d;
  }
  return delta;
}

export async function startRedis(timeoutMs: number): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'agora-sig-bench-redis-'));
  const process = startBounded(
    'redis-server',
    ['redis-server', '--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning', '--logfile', ''],
    timeoutMs,
  );
  const cleanUp = async (): Promise<void> => {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(HOST, port, LISTEN_TIMEOUT_MS, process);
  } catch (e) {
    await cleanUp();
    throw e;
  }
  // No ready check: it would send an INFO of its own at every reconnect.
  const client = new Redis({ host: HOST, port, enableReadyCheck: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  return {
    process,
    port,
    url: `redis://${HOST}:${port}`,
    commandCalls: async () => parseCommandStats(await client.info('commandstats')),
    netInputBytes: async () => Number(/total_net_input_bytes:(\d+)/.exec(await client.info('stats'))?.[1] ?? 0),
    stop: async () => {
      client.disconnect();
      await cleanUp();
    },
  };
}
