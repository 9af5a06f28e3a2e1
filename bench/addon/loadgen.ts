#!/usr/bin/env node
/**
 * Load generator for the `addon` target: the p2p scenarios of the benchmark driven from JavaScript
 * through the Node addon (the IAgoraAPI facade), one SDK instance per user, all in this process.
 * Beside the C++ load generator (`agora`) against the same server, its figures are the bridge's
 * cost per message: JavaScript -> N-API -> the core's network thread -> the thread-safe function
 * -> a JavaScript callback. Progress goes to stderr; the result is one JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { createAgoraSDKInstanceWin } from '../../lib';
import type { IAgoraAPI } from '../../lib/types';
import { LoadgenOptions, parseLoadgenOptions, ScenarioParams, UsageError } from '../loadgen-options';
import { summarizeLatency } from '../latency-summary';
import { MeasuredInterval } from '../socketio/measured-interval';
import { nowUs, sendPaced, sentAtUs, timedPayload } from '../paced-send';

/** Unacknowledged sends per sender in p2p-throughput (the same window as the other targets'). */
const THROUGHPUT_WINDOW = 100;
const WARMUP_MESSAGES = 200;
const LOGIN_TIMEOUT_MS = 20000;
const DRAIN_TIMEOUT_MS = 300000;
const APP_ID = 'bench';

type Metrics = Record<string, unknown>;

interface User {
  api: IAgoraAPI;
  /** Called for each message this user receives. */
  onMessage: (msg: string) => void;
  /** Called for each of this user's sends the server acknowledged. */
  onSent: () => void;
}

function progress(text: string): void {
  process.stderr.write(`[addon loadgen] ${text}\n`);
}

function login(server: string, account: string): Promise<User> {
  return new Promise((resolve, reject) => {
    const api = createAgoraSDKInstanceWin('');
    const user: User = { api, onMessage: () => undefined, onSent: () => undefined };
    const timer = setTimeout(() => reject(new Error(`${account}: no login within ${LOGIN_TIMEOUT_MS} ms`)), LOGIN_TIMEOUT_MS);
    api.callbackSet({
      onLoginSuccess: () => {
        clearTimeout(timer);
        resolve(user);
      },
      onLoginFailed: (code) => {
        clearTimeout(timer);
        reject(new Error(`${account}: login failed (${code})`));
      },
      onMessageInstantReceive: (_from, _uid, msg) => user.onMessage(msg),
      onMessageSendSuccess: () => user.onSent(),
      onMessageSendError: (id, code) => {
        process.stderr.write(`[addon loadgen] ${account}: message ${id} failed (${code})\n`);
        user.onSent();
      },
    });
    api.dbg('server', server);
    api.login(APP_ID, account, '_no_need_token', 0, '');
  });
}

function logoutAll(users: User[]): void {
  for (const u of users) u.api.destroy();
}

/** Resolves once `count` more calls of `onEach` have come (the returned function counts one). */
function countdown(count: number, what: string): { done: Promise<void>; one: () => void } {
  let left = count;
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (${left} of ${count} left)`)), DRAIN_TIMEOUT_MS);
  const one = (): void => {
    left--;
    if (left === 0) {
      clearTimeout(timer);
      resolve();
    }
  };
  if (count === 0) {
    clearTimeout(timer);
    resolve();
  }
  return { done, one };
}

/** Sends `count` messages keeping `window` unacknowledged. */
function sendWindowed(user: User, to: string, count: number, window: number, payload: () => string): void {
  let sent = 0;
  const next = (): void => {
    if (sent >= count) return;
    sent++;
    user.api.messageInstantSend(to, 0, payload(), '');
  };
  user.onSent = next;
  for (let i = 0; i < Math.min(window, count); i++) next();
}

async function p2pLatency(server: string, p: Partial<ScenarioParams>): Promise<Metrics> {
  const size = p.size!;
  const messages = p.messages!;
  const sender = await login(server, 'latency-sender');
  const receiver = await login(server, 'latency-receiver');
  let samples: number[] = [];
  const deliver = async (send: () => void | Promise<void>, count: number, what: string): Promise<number> => {
    const arrivals = countdown(count, what);
    receiver.onMessage = (msg) => {
      samples.push(nowUs() - sentAtUs(msg));
      arrivals.one();
    };
    const started = performance.now();
    await send();
    await arrivals.done;
    return (performance.now() - started) / 1000;
  };
  await deliver(() => sendPaced(() => sender.api.messageInstantSend('latency-receiver', 0, timedPayload(size), ''), 10000, WARMUP_MESSAGES), WARMUP_MESSAGES, 'warm-up');
  const metrics: Metrics = {};
  let rate = p.rate!;
  if (rate === 0) {
    const seconds = await deliver(() => sendWindowed(sender, 'latency-receiver', messages, THROUGHPUT_WINDOW, () => timedPayload(size)), messages, 'maximum-rate deliveries');
    metrics.max_rate = Math.round(messages / seconds);
    rate = Math.max(1, Math.round(messages / seconds / 2));
    sender.onSent = () => undefined;
    progress(`maximum ${metrics.max_rate}/s, measuring at ${rate}/s`);
  }
  samples = [];
  await deliver(() => sendPaced(() => sender.api.messageInstantSend('latency-receiver', 0, timedPayload(size), ''), rate, messages), messages, 'paced deliveries');
  logoutAll([sender, receiver]);
  return { latency_us: summarizeLatency(samples), rate, messages, ...metrics };
}

async function p2pThroughput(server: string, p: Partial<ScenarioParams>): Promise<Metrics> {
  const pairs = p.pairs!;
  const perPair = p['messages-per-pair']!;
  const payload = 'x'.repeat(p.size!);
  const users: User[] = [];
  for (let i = 0; i < pairs; i++) users.push(await login(server, `sender-${i}`));
  for (let i = 0; i < pairs; i++) users.push(await login(server, `receiver-${i}`));
  progress(`${pairs * 2} sessions logged in`);
  const arrivals = countdown(pairs * perPair, 'deliveries');
  for (const receiver of users.slice(pairs)) receiver.onMessage = arrivals.one;
  const measured = new MeasuredInterval();
  await measured.begin();
  const started = performance.now();
  users.slice(0, pairs).forEach((sender, i) => sendWindowed(sender, `receiver-${i}`, perPair, THROUGHPUT_WINDOW, () => payload));
  await arrivals.done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = await measured.end();
  logoutAll(users);
  const delivered = pairs * perPair;
  return { delivered_per_s: Math.round(delivered / seconds), delivered, seconds: Math.round(seconds * 1000) / 1000, ...cpu };
}

async function run(options: LoadgenOptions): Promise<void> {
  if (options.target !== 'addon') throw new UsageError('this load generator speaks only --target addon');
  if (options.server2 !== undefined) throw new UsageError('the addon load generator talks to one server; --server2 is not supported');
  const server = `${options.host}:${options.port}`;
  const print = (metrics: Metrics): void => {
    process.stdout.write(`${JSON.stringify({ target: options.target, scenario: options.scenario, params: options.params, metrics })}\n`);
  };
  progress(`${options.scenario} ${JSON.stringify(options.params)} against ${server}`);
  switch (options.scenario) {
    case 'p2p-latency':
      return print(await p2pLatency(server, options.params));
    case 'p2p-throughput':
      return print(await p2pThroughput(server, options.params));
    default:
      throw new UsageError(`the addon target runs p2p-latency and p2p-throughput, not ${options.scenario}`);
  }
}

let options: LoadgenOptions;
try {
  options = parseLoadgenOptions(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`addon loadgen: ${(e as Error).message}\n`);
  process.exit(2);
}
run(options).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`addon loadgen: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
