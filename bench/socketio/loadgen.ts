#!/usr/bin/env node
/**
 * Load generator for the Socket.IO peer: the scenarios and the command line of the benchmark
 * (see docs/performance.md), all clients in this one process, websocket transport only.
 * With --server2 (two servers on the Redis adapter) each client goes to the node nodeOf gives it.
 * Progress goes to stderr; the result is one JSON object on the last line of stdout.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { LoadgenOptions, nodeOf, parseLoadgenOptions, ScenarioParams, UsageError } from '../loadgen-options';
import { summarizeLatency } from '../latency-summary';
import { closeAll, connectMany, emitWithAck } from './clients';
import { MeasuredInterval } from './measured-interval';
import { nowUs, sendPaced, sentAtUs, timedPayload } from '../paced-send';

/** Handshakes in flight at once; more only overflows the server's listen backlog. */
const CONNECT_CONCURRENCY = 500;
const CONNECT_TIMEOUT_MS = 20000;
/** Unacknowledged sends per sender in p2p-throughput (the same window as the floor's). */
const THROUGHPUT_WINDOW = 100;
/** Unacknowledged channel sends of the fan-out sender. */
const FANOUT_WINDOW = 10;
/** Messages sent before p2p-latency measures, so that the code paths are compiled. */
const WARMUP_MESSAGES = 200;
/** Longest wait for deliveries after the last send. */
const DRAIN_TIMEOUT_MS = 60000;

type Metrics = Record<string, unknown>;
/** The server of client i (see nodeOf). */
type Urls = (i: number) => string;

function progress(text: string): void {
  process.stderr.write(`[socketio loadgen] ${text}\n`);
}

/** Resolves when `done()` turns true (checked by `check`), rejects after `timeoutMs`. */
function waitUntil(done: () => boolean, timeoutMs: number, what: string): { promise: Promise<void>; check: () => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    if (done()) {
      if (timer) clearTimeout(timer);
      resolve();
    }
  };
  const arm = (): void => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  };
  arm();
  check();
  return { promise, check };
}

/** Sends `count` messages keeping `window` unacknowledged; resolves when all are acknowledged. */
function sendWindowed(send: (ack: () => void) => void, count: number, window: number): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0;
    let acked = 0;
    const onAck = (): void => {
      acked++;
      if (sent < count) {
        sent++;
        send(onAck);
      } else if (acked === count) resolve();
    };
    if (count === 0) resolve();
    while (sent < Math.min(window, count)) {
      sent++;
      send(onAck);
    }
  });
}

async function p2pLatency(url: Urls, p: Partial<ScenarioParams>): Promise<Metrics> {
  const size = p.size!;
  const messages = p.messages!;
  const [sender, receiver] = await connectMany(url, 2, (i) => (i === 0 ? 'latency-sender' : 'latency-receiver'), 2, CONNECT_TIMEOUT_MS);
  let received = 0;
  let samples: number[] = [];
  receiver.on('message', (_from: string, payload: string) => {
    samples.push(nowUs() - sentAtUs(payload));
    received++;
    waiting?.check();
  });
  let waiting: ReturnType<typeof waitUntil> | undefined;
  const deliver = async (send: () => Promise<void>, count: number, what: string): Promise<number> => {
    const target = received + count;
    waiting = waitUntil(() => received >= target, DRAIN_TIMEOUT_MS, what);
    const started = performance.now();
    await send();
    await waiting.promise;
    return (performance.now() - started) / 1000;
  };

  await deliver(() => sendPaced(() => sender.emit('message', 'latency-receiver', timedPayload(size), () => undefined), 10000, WARMUP_MESSAGES), WARMUP_MESSAGES, 'warm-up');
  const metrics: Metrics = {};
  let rate = p.rate!;
  if (rate === 0) {
    const count = messages;
    const seconds = await deliver(
      () => sendWindowed((ack) => sender.emit('message', 'latency-receiver', timedPayload(size), ack), count, THROUGHPUT_WINDOW),
      count,
      'maximum-rate deliveries',
    );
    metrics.max_rate = Math.round(count / seconds);
    rate = Math.max(1, Math.round(count / seconds / 2));
    progress(`maximum ${metrics.max_rate}/s, measuring at ${rate}/s`);
  }
  samples = [];
  await deliver(() => sendPaced(() => sender.emit('message', 'latency-receiver', timedPayload(size), () => undefined), rate, messages), messages, 'paced deliveries');
  closeAll([sender, receiver]);
  return { latency_us: summarizeLatency(samples), rate, messages, ...metrics };
}

async function p2pThroughput(url: Urls, p: Partial<ScenarioParams>): Promise<Metrics> {
  const pairs = p.pairs!;
  const perPair = p['messages-per-pair']!;
  const payload = 'x'.repeat(p.size!);
  const sockets = await connectMany(url, pairs * 2, (i) => (i < pairs ? `sender-${i}` : `receiver-${i - pairs}`), CONNECT_CONCURRENCY, CONNECT_TIMEOUT_MS);
  progress(`${pairs * 2} sessions connected`);
  const total = pairs * perPair;
  let delivered = 0;
  const waiting = waitUntil(() => delivered >= total, DRAIN_TIMEOUT_MS * 5, 'deliveries');
  for (const receiver of sockets.slice(pairs)) {
    receiver.on('message', () => {
      delivered++;
      if (delivered >= total) waiting.check();
    });
  }
  const measured = new MeasuredInterval();
  await measured.begin();
  const started = performance.now();
  await Promise.all(
    sockets.slice(0, pairs).map((sender, i) =>
      sendWindowed((ack) => sender.emit('message', `receiver-${i}`, payload, ack), perPair, THROUGHPUT_WINDOW),
    ),
  );
  await waiting.promise;
  const seconds = (performance.now() - started) / 1000;
  const cpu = await measured.end();
  closeAll(sockets);
  return { delivered_per_s: Math.round(delivered / seconds), delivered, seconds: round3(seconds), ...cpu };
}

async function fanout(url: Urls, p: Partial<ScenarioParams>): Promise<Metrics> {
  const members = p.members!;
  const messages = p.messages!;
  const size = p.size!;
  const channel = 'fanout';
  // The sender is a member too; every other member receives each message.
  const sockets = await connectMany(url, members, (i) => (i === 0 ? 'fanout-sender' : `member-${i}`), CONNECT_CONCURRENCY, CONNECT_TIMEOUT_MS);
  await Promise.all(sockets.map((s) => emitWithAck(s, 'join', channel)));
  progress(`${members} members joined`);
  const expected = messages * (members - 1);
  let deliveries = 0;
  const samples: number[] = [];
  const waiting = waitUntil(() => deliveries >= expected, DRAIN_TIMEOUT_MS * 5, 'fan-out deliveries');
  for (const member of sockets.slice(1)) {
    member.on('channel message', (_channel: string, _from: string, payload: string) => {
      samples.push(nowUs() - sentAtUs(payload));
      deliveries++;
      if (deliveries >= expected) waiting.check();
    });
  }
  const sender = sockets[0];
  const measured = new MeasuredInterval();
  await measured.begin();
  const started = performance.now();
  await sendWindowed((ack) => sender.emit('channel message', channel, timedPayload(size), ack), messages, FANOUT_WINDOW);
  await waiting.promise;
  const seconds = (performance.now() - started) / 1000;
  const cpu = await measured.end();
  closeAll(sockets);
  const latency = summarizeLatency(samples);
  return {
    deliveries_per_s: Math.round(deliveries / seconds),
    deliveries,
    seconds: round3(seconds),
    latency_us: { p50: latency.p50, p99: latency.p99 },
    ...cpu,
  };
}

async function loginStorm(url: Urls, p: Partial<ScenarioParams>): Promise<Metrics> {
  const accounts = p.accounts!;
  const measured = new MeasuredInterval();
  await measured.begin();
  const started = performance.now();
  const sockets = await connectMany(url, accounts, (i) => `storm-${i}`, CONNECT_CONCURRENCY, CONNECT_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  const cpu = await measured.end();
  closeAll(sockets);
  return { logins_per_s: Math.round(accounts / seconds), logins: accounts, seconds: round3(seconds), ...cpu };
}

/** Stays connected a little after printing so that the runner can read the server's memory. */
const IDLE_HOLD_MS = 1500;
const IDLE_SETTLE_MS = 1000;

async function idle(url: Urls, p: Partial<ScenarioParams>, print: (m: Metrics) => void): Promise<void> {
  const sessions = p.sessions!;
  const started = performance.now();
  const sockets = await connectMany(url, sessions, (i) => `idle-${i}`, CONNECT_CONCURRENCY, CONNECT_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  print({ sessions, seconds_to_connect: round3(seconds) });
  await new Promise((r) => setTimeout(r, IDLE_HOLD_MS));
  closeAll(sockets);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function run(options: LoadgenOptions): Promise<void> {
  if (options.target !== 'socketio') throw new UsageError('this load generator speaks only --target socketio');
  const first = `http://${options.host}:${options.port}`;
  const second = options.server2 && `http://${options.server2.host}:${options.server2.port}`;
  const url: Urls = second === undefined ? () => first : (i) => (nodeOf(options.scenario, options.params, i) === 0 ? first : second);
  const print = (metrics: Metrics): void => {
    process.stdout.write(`${JSON.stringify({ target: options.target, scenario: options.scenario, params: options.params, metrics })}\n`);
  };
  progress(`${options.scenario} ${JSON.stringify(options.params)} against ${first}${second === undefined ? '' : ` and ${second}`}`);
  switch (options.scenario) {
    case 'p2p-latency':
      return print(await p2pLatency(url, options.params));
    case 'p2p-throughput':
      return print(await p2pThroughput(url, options.params));
    case 'fanout':
      return print(await fanout(url, options.params));
    case 'login-storm':
      return print(await loginStorm(url, options.params));
    case 'idle':
      return idle(url, options.params, print);
  }
}

let options: LoadgenOptions;
try {
  options = parseLoadgenOptions(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`socketio loadgen: ${(e as Error).message}\n`);
  process.exit(2);
}
run(options).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`socketio loadgen: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
