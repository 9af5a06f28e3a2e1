/**
 * SIGTERM end to end: the server process tells its clients it is going away with BYE(100), the
 * SDKs (the C++ core through the Node addon, the TypeScript session client under the browser SDK)
 * reconnect, the process exits within its drain bound, and once a server is back on the same
 * address the clients are logged in again without their application doing anything.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { SessionClient } from '../../lib/client';
import { FrameType, utf8Decode } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { Client, freePort, newClient, REPO_ROOT, ServerProcess, waitForPort } from '../04-e2e/harness';
import { RawClient } from '../02-server/raw-client';
import { RecordingSockets } from '../05-browser/ws-sockets';
import { ADMIN_KEY } from './admin-fixture';

const DRAIN_MS = 3000;
/** The transports' grace for a socket whose peer does not close (transport.ts CLOSE_GRACE_MS) and process start-up slack. */
const SLACK_MS = 2500;

function startServerProcess(tcpPort: number, wsPort: number, adminPort: number): ChildProcess {
  const cli = path.join(REPO_ROOT, 'dist/lib/server/cli.js');
  return spawn(
    process.execPath,
    [cli, '--host', '127.0.0.1', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--log-level', 'info', '--log-format', 'json',
      '--admin-port', String(adminPort), '--shutdown-drain-ms', String(DRAIN_MS)],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, AGORA_SIG_ADMIN_KEY: ADMIN_KEY } },
  );
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('12 operations: SIGTERM drains and the SDKs come back', function () {
  this.timeout(60000);
  const natives: Client[] = [];
  const others: { destroy(): void }[] = [];
  let restarted: ServerProcess | null = null;
  afterEach(async () => {
    for (const c of natives.splice(0)) c.api.destroy();
    for (const o of others.splice(0)) o.destroy();
    if (restarted !== null) await restarted.kill();
    restarted = null;
  });

  it('tells every client BYE(100, "server going away"), exits 0 within the drain bound, and the clients log in again on the next server', async () => {
    const [tcpPort, wsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    const child = startServerProcess(tcpPort, wsPort, adminPort);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
    try {
      await waitForPort(tcpPort, 10000);
      await waitForPort(adminPort, 10000);

      const native = newClient(tcpPort);
      natives.push(native);
      native.api.login2('demo', 'alice', '_no_need_token', 0, '', 60, 30);
      await native.rec.waitFor('onLoginSuccess');

      const sockets = new RecordingSockets();
      const events: string[] = [];
      const ts = new SessionClient(
        { appId: 'demo', account: 'bob', token: '_no_need_token', url: `ws://127.0.0.1:${wsPort}`, createSocket: sockets.factory, clientName: 'test', reconnectCount: 60, reconnectTimeS: 30 },
        {
          loginSuccess: () => events.push('loginSuccess'),
          reconnecting: () => events.push('reconnecting'),
          reconnected: (resumed) => events.push(`reconnected:${resumed}`),
          logout: (code) => events.push(`logout:${code}`),
        },
      );
      others.push({ destroy: () => ts.logout() });
      ts.start();
      await until(() => events.includes('loginSuccess'), 10000);

      const raw = await RawClient.tcp(tcpPort);
      others.push(raw);
      await raw.login('demo', 'carol');

      const ready = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
      expect(ready.status).to.equal(200);

      const signalled = Date.now();
      child.kill('SIGTERM');
      const bye = await raw.expect(FrameType.Bye, 5000);
      expect(bye.code).to.equal(AGORA_E_CODE.LOGOUT_E_OTHER);
      expect(utf8Decode(bye.text)).to.equal('server going away');
      await native.rec.waitFor('onReconnecting', () => true, 5000);
      expect(native.rec.count('onLogout')).to.equal(0);

      const exit = await exited;
      expect(exit.code).to.equal(0);
      expect(exit.at - signalled).to.be.below(DRAIN_MS + SLACK_MS);
      // The session client says "reconnecting" at its first retry, after a backoff delay.
      await until(() => events.includes('reconnecting'), 10000);
      expect(events.some((e) => e.startsWith('logout'))).to.equal(false);
      const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.event)).to.include.members(['shutdown_started', 'shutdown_done']);
      expect(lines.find((l) => l.event === 'shutdown_started')).to.include({ clients: 3, drainMs: DRAIN_MS });

      // A server back on the same address: the session is unknown there, so they log in afresh.
      restarted = new ServerProcess(tcpPort, wsPort);
      await restarted.start();
      await native.rec.waitFor('onReconnected', () => true, 20000);
      expect(native.api.getStatus()).to.equal(2);
      await until(() => events.includes('reconnected:false'), 20000);
      expect(events.some((e) => e.startsWith('logout'))).to.equal(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
