/**
 * The server a soak runs against: in this process (the budget read directly; the RSS is the whole
 * process's, clients included) or in a child process of its own (soak-server-process.ts; budget
 * and a clean server RSS sent over IPC every 250 ms).
 */
import { fork, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ServerConfigInput } from '../../lib/server/config';
import { createLogger } from '../../lib/server/logger';
import { BudgetSnapshot } from '../../lib/server/state/memory-budget';
import { SignalServer } from '../../lib/server/signal-server';

export interface ServerSample {
  budget: BudgetSnapshot;
  rss: number;
  heapUsed: number;
  /** Server log lines at WARN or above so far. */
  warnings: number;
}

export interface SoakServer {
  readonly tcpPort: number;
  readonly wsPort: number;
  /** Whose RSS `sample().rss` is. */
  readonly rssOf: string;
  sample(): ServerSample;
  close(): Promise<void>;
}

/** The message the child sends: first its ports, then samples. */
export type ServerProcessMessage = { listening: { tcpPort: number; wsPort: number } } | { sample: ServerSample };

export async function startInProcess(config: ServerConfigInput): Promise<SoakServer> {
  let warnings = 0;
  const logger = createLogger('warn', () => {
    warnings++;
  });
  const server = new SignalServer({ ...config, tcpPort: 0, wsPort: 0 }, { logger });
  const address = await server.listen();
  return {
    tcpPort: address.tcpPort,
    wsPort: address.wsPort,
    rssOf: 'test process (server, clients and relays)',
    sample: () => {
      const usage = process.memoryUsage();
      return { budget: server.memoryBudget.snapshot(), rss: usage.rss, heapUsed: usage.heapUsed, warnings };
    },
    close: () => server.close(),
  };
}

export function startChildProcess(config: ServerConfigInput): Promise<SoakServer> {
  const child: ChildProcess = fork(path.join(__dirname, 'soak-server-process.js'), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let latest: ServerSample | null = null;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the soak server process did not start within 10 s'));
    }, 10_000);
    child.once('exit', (code) => reject(new Error(`the soak server process exited with ${code}`)));
    child.on('message', (message: ServerProcessMessage) => {
      if ('sample' in message) {
        latest = message.sample;
        return;
      }
      clearTimeout(timer);
      resolve({
        tcpPort: message.listening.tcpPort,
        wsPort: message.listening.wsPort,
        rssOf: `server process ${child.pid}`,
        sample: () => {
          if (latest === null) throw new Error('no sample from the soak server process yet');
          return latest;
        },
        close: async () => {
          child.send('stop');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    });
  });
}
