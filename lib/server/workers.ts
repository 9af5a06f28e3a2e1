/**
 * `--workers N`: this process becomes the primary of N node processes (Node's cluster module) that
 * share its TCP and WebSocket ports, the connections spread over them by the operating system and
 * the primary. The nodes share their state through Redis. The primary restarts a node that dies
 * (a second later when it died young, so that a node that cannot start does not spin) and stops
 * them all on SIGTERM or SIGINT.
 */
import cluster, { Worker } from 'node:cluster';
import type { Logger } from './logger';

/** A worker exiting with this code found its configuration wrong: restarting it would not help. */
export const CONFIG_EXIT_CODE = 2;
/** A worker that dies sooner than this after its start is restarted after RESTART_DELAY_MS. */
const YOUNG_MS = 5000;
const RESTART_DELAY_MS = 1000;
/** Tells a worker its place (0..N-1), kept by its replacement: its admin port is adminPort + slot. */
export const WORKER_SLOT_ENV = 'AGORA_SIG_WORKER_SLOT';

/** This worker's place among the workers, or null in a process that is no worker. */
export function workerSlot(): number | null {
  const raw = cluster.isWorker ? process.env[WORKER_SLOT_ENV] : undefined;
  return raw === undefined ? null : Number(raw);
}

/** Resolves once every worker has exited after SIGTERM/SIGINT; answers the exit code for the primary. */
export function runPrimary(workers: number, logger: Logger): Promise<number> {
  let stopping = false;
  const started = new Map<Worker, { at: number; slot: number }>();
  const fork = (slot: number): void => {
    if (stopping) return;
    started.set(cluster.fork({ [WORKER_SLOT_ENV]: String(slot) }), { at: Date.now(), slot });
  };
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const { at: since, slot } = started.get(worker) ?? { at: 0, slot: 0 };
      started.delete(worker);
      if (stopping) {
        if (started.size === 0) resolve(0);
        return;
      }
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (code === CONFIG_EXIT_CODE) {
        logger.error(`worker ${worker.process.pid} exited with ${how} (a configuration error): stopping`);
        stop('a configuration error');
        return;
      }
      const young = Date.now() - since < YOUNG_MS;
      logger.error(`worker ${worker.process.pid} exited with ${how}; starting another${young ? ` in ${RESTART_DELAY_MS} ms` : ''}`);
      if (young) setTimeout(() => fork(slot), RESTART_DELAY_MS);
      else fork(slot);
    });
    const stop = (why: string): void => {
      if (stopping) {
        logger.warn(`${why} again: killing the workers`);
        for (const w of started.keys()) w.process.kill('SIGKILL');
        return;
      }
      stopping = true;
      logger.info(`${why}: stopping ${started.size} workers`);
      if (started.size === 0) resolve(why === 'a configuration error' ? 1 : 0);
      for (const w of started.keys()) w.process.kill('SIGTERM');
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    logger.info(`primary ${process.pid}: starting ${workers} workers`);
    for (let i = 0; i < workers; i++) fork(i);
  });
}
