// Shared pieces of the end-to-end tests: a server (in this process or as a child process that a
// test can kill), SDK instances pointed at it, and a recorder of the callbacks an app would see.
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { createAgoraSDKInstanceWin, IAgoraAPI, ICallBack } from '../../lib';
import { SignalServer } from '../../lib/server';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface RecordedEvent {
  name: string;
  args: unknown[];
}

/** Records every callback of one instance and lets a test wait for the ones it expects. */
export class Recorder {
  readonly events: RecordedEvent[] = [];
  private waiters: Array<() => void> = [];

  /** An ICallBack whose every member records its call (a Proxy, so no callback is missed). */
  readonly callbacks: ICallBack = new Proxy({} as ICallBack, {
    get: (_target, prop) => {
      if (typeof prop !== 'string' || !prop.startsWith('on')) return undefined;
      return (...args: unknown[]) => this.record(prop, args);
    },
    has: (_target, prop) => typeof prop === 'string' && prop.startsWith('on'),
  });

  record(name: string, args: unknown[]): void {
    this.events.push({ name, args });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  named(name: string): RecordedEvent[] {
    return this.events.filter((e) => e.name === name);
  }

  count(name: string): number {
    return this.named(name).length;
  }

  /** Resolves with the first matching event at or after index `from`. */
  async waitFor(
    name: string,
    predicate: (args: unknown[]) => boolean = () => true,
    timeoutMs = 10000,
    from = 0,
  ): Promise<RecordedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find((e) => e.name === name && predicate(e.args));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.events.map((e) => `${e.name}(${e.args.map((a) => JSON.stringify(a)).join(', ')})`);
        throw new Error(`timed out waiting for ${name}; saw: ${seen.slice(-20).join('; ')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `name` has fired `n` times in all. */
  async waitForCount(name: string, n: number, timeoutMs = 20000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(name) < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out: ${name} fired ${this.count(name)} of ${n} times`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface Client {
  api: IAgoraAPI;
  rec: Recorder;
}

/** A new SDK instance aimed at the given TCP port, with a recorder installed. */
export function newClient(tcpPort: number, host = '127.0.0.1'): Client {
  const api = createAgoraSDKInstanceWin('');
  const rec = new Recorder();
  api.callbackSet(rec.callbacks);
  api.dbg('server', `${host}:${tcpPort}`);
  return { api, rec };
}

/** Logs a client in and waits for onLoginSuccess. */
export async function loginOk(c: Client, appId: string, account: string, token = '_no_need_token'): Promise<void> {
  c.api.login(appId, account, token, 0, '');
  await c.rec.waitFor('onLoginSuccess');
}

/** The uid onLoginSuccess reported. */
export function uidOf(c: Client): number {
  const hit = c.rec.named('onLoginSuccess')[0];
  if (!hit) throw new Error('not logged in');
  return hit.args[0] as number;
}

/** Joins a channel and waits for onChannelJoined of that channel. */
export async function joinOk(c: Client, channel: string): Promise<void> {
  const from = c.rec.events.length;
  c.api.channelJoin(channel);
  await c.rec.waitFor('onChannelJoined', (args) => args[0] === channel, 10000, from);
}

/** The position of the first event `name` (at or after `from`) that matches, or -1. */
export function indexOfEvent(rec: Recorder, name: string, predicate: (args: unknown[]) => boolean = () => true, from = 0): number {
  for (let i = from; i < rec.events.length; i++) {
    if (rec.events[i].name === name && predicate(rec.events[i].args)) return i;
  }
  return -1;
}

export async function startServer(options: Record<string, unknown> = {}): Promise<{ server: SignalServer; tcpPort: number; wsPort: number }> {
  const server = new SignalServer({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, logLevel: 'silent', ...options } as never);
  const addr = await server.listen();
  return { server, tcpPort: addr.tcpPort, wsPort: addr.wsPort };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The server as a child process (`npm start`'s entry point), so a test can kill it. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  constructor(readonly tcpPort: number, readonly wsPort: number, readonly extraArgs: string[] = []) {}

  async start(): Promise<void> {
    const cli = path.join(REPO_ROOT, 'dist/lib/server/cli.js');
    const child = spawn(
      process.execPath,
      [cli, '--host', '127.0.0.1', '--tcp-port', String(this.tcpPort), '--ws-port', String(this.wsPort), '--log-level', 'error', ...this.extraArgs],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.child = child;
    await waitForPort(this.tcpPort, 10000);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type StartedServer = Awaited<ReturnType<typeof startServer>>;

/**
 * The usual shape of a suite: one server for the whole suite (started with `options`), and every
 * client made through `user` destroyed after each test. Registers its own mocha hooks.
 */
export class SuiteServer {
  server!: StartedServer;
  readonly clients: Client[] = [];

  constructor(options: Record<string, unknown> = {}) {
    before(async () => {
      this.server = await startServer(options);
    });
    afterEach(() => {
      for (const c of this.clients.splice(0)) c.api.destroy();
    });
    after(async () => {
      await this.server.server.close();
    });
  }

  /** A new instance logged in as `account` (App ID "demo"), destroyed after the test. */
  async user(account: string, port = this.server.tcpPort): Promise<Client> {
    const c = newClient(port);
    this.clients.push(c);
    await loginOk(c, 'demo', account);
    return c;
  }
}
