#!/usr/bin/env node
/**
 * What one /metrics scrape costs the server's thread: a server in this process with N sessions
 * logged in over TCP, /metrics rendered M times, CPU per scrape. At one scrape a second, that
 * CPU over one second is the share of a core that serving metrics takes besides the counters.
 * Usage: node dist/bench/metrics-scrape-cost.js [--sessions 1000] [--scrapes 200]
 */
import * as net from 'node:net';
import { encodeFrameWithLength, FrameType, PROTOCOL_VERSION, utf8Encode } from '../lib/protocol';
import { createLogger } from '../lib/server/logger';
import { ServerMetrics } from '../lib/server/ops/server-metrics';
import { SignalServer } from '../lib/server/signal-server';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

/** HELLO and LOGIN, written at once; the server counts the session once it answers. */
function login(port: number, account: string): net.Socket {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('data', () => undefined);
  // A refused socket shows as a session that never logs in: the wait below names the count.
  socket.on('error', () => undefined);
  socket.write(encodeFrameWithLength({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('scrape-cost/1') }));
  socket.write(
    encodeFrameWithLength({ type: FrameType.Login, appId: utf8Encode('bench'), account: utf8Encode(account), token: utf8Encode('_no_need_token'), uid: 0, deviceId: utf8Encode('') }),
  );
  return socket;
}

async function main(): Promise<void> {
  const sessions = option('sessions', 1000);
  const scrapes = option('scrapes', 200);
  const server = new SignalServer({ tcpPort: 0, wsPort: 0 }, { logger: createLogger('silent') });
  const { tcpPort } = await server.listen();
  const sockets = Array.from({ length: sessions }, (_, i) => login(tcpPort, `user-${i}`));
  const deadline = Date.now() + 60000;
  while (server.sessionCount < sessions) {
    if (Date.now() > deadline) throw new Error(`only ${server.sessionCount} of ${sessions} sessions logged in (open-files limit: both ends of every socket are in this process)`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const metrics = new ServerMetrics(server);
  for (let i = 0; i < 20; i++) await metrics.text();
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < scrapes; i++) bytes += (await metrics.text()).length;
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
  const cpuMsPerScrape = (cpu.user + cpu.system) / 1000 / scrapes;
  process.stdout.write(
    `${JSON.stringify({ sessions, scrapes, cpu_ms_per_scrape: Number(cpuMsPerScrape.toFixed(3)), wall_ms_per_scrape: Number((wallMs / scrapes).toFixed(3)), bytes_per_scrape: Math.round(bytes / scrapes), core_share_at_1_per_s: Number((cpuMsPerScrape / 1000).toFixed(5)) })}\n`,
  );
  for (const s of sockets) s.destroy();
  await server.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
