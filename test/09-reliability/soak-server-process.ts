// The soak's server in a process of its own (soak-server.ts starts it): the config as JSON in
// argv[2]; tells its parent its ports, then a memory sample every 250 ms, and closes on 'stop'.
import { createLogger, LogLevel } from '../../lib/server/logger';
import { SignalServer } from '../../lib/server/signal-server';
import type { ServerProcessMessage } from './soak-server';

async function main(): Promise<void> {
  // SOAK_SERVER_LOG_LEVEL=info shows the server's log on stderr (why sessions ended, and so on).
  const shown = process.env.SOAK_SERVER_LOG_LEVEL as LogLevel | undefined;
  let warnings = 0;
  const logger = createLogger(shown ?? 'warn', (line) => {
    if (/ (WARN|ERROR) /.test(line)) warnings++;
    if (shown !== undefined) process.stderr.write(line + '\n');
  });
  const server = new SignalServer({ ...JSON.parse(process.argv[2] ?? '{}'), tcpPort: 0, wsPort: 0 }, { logger });
  const address = await server.listen();
  const send = (message: ServerProcessMessage): void => {
    process.send?.(message);
  };
  const sample = (): void => {
    const usage = process.memoryUsage();
    send({ sample: { budget: server.memoryBudget.snapshot(), rss: usage.rss, heapUsed: usage.heapUsed, warnings } });
  };
  sample();
  send({ listening: { tcpPort: address.tcpPort, wsPort: address.wsPort } });
  const timer = setInterval(sample, 250);
  process.on('message', (message) => {
    if (message !== 'stop') return;
    clearInterval(timer);
    sample();
    void server.close().then(() => process.disconnect());
  });
  // The parent gone (killed test run): nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`soak server: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
