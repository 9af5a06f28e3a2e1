// The lifetime of instances: dropped idle instances are collected, a process that exits logged in
// logs its session out on the way, ref()/unref() decide whether a logged-in instance keeps the
// process alive, and a failed wake-up of the JavaScript thread loses no event.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { AgoraClient, AgoraAPI } from '../../lib';
import { nativeAddon } from '../../lib/binding';
import { SignalServer } from '../../lib/server';
import { CallbackRecorder, ChildResult, REPO_ROOT, sleep } from './helpers';

function runNode(fixture: string, args: string[], nodeArgs: string[] = [], killAfterMs = 15000,
                 onLine?: (line: string) => void): Promise<ChildResult> {
  const script = path.join(__dirname, 'fixtures', `${fixture}.js`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (onLine) for (const l of String(d).split('\n')) if (l) onLine(l);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('03-addon: lifetime of instances', function () {
  this.timeout(60000);
  let server: SignalServer;
  let address: string;
  let watcher: AgoraClient;

  before(async () => {
    // The default resume window (60 s): a session left behind would stay online far longer than
    // any test waits.
    server = new SignalServer({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, logLevel: 'silent' });
    const { tcpPort } = await server.listen();
    address = `127.0.0.1:${tcpPort}`;
    watcher = new AgoraClient({ server: address });
    await watcher.login('watcher', { appId: 'lifetime' });
  });

  after(async () => {
    watcher?.destroy();
    await server?.close();
  });

  async function statusOf(account: string): Promise<string> {
    const rec = new CallbackRecorder();
    const previous = watcher.api.callbackGet();
    const seen = new Promise<string>((resolve) => {
      watcher.api.callbackSet({
        ...rec.handler,
        onQueryUserStatusResult: (name: string, status: string) => {
          if (name === account) resolve(status);
        },
      });
    });
    watcher.api.queryUserStatus(account);
    try {
      return await seen;
    } finally {
      watcher.api.callbackSet(previous);
    }
  }

  it('collects 200 idle instances JavaScript dropped, and destroys their native side', async () => {
    const r = await runNode('gc-dropped', ['200'], ['--expose-gc']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.contain('created 201');
    // Only the instance the fixture keeps is left, alive and usable.
    expect(r.stdout).to.contain('after gc 1\n');
    expect(r.stdout).to.contain('kept status 0 destroyed false');
  });

  it('a logged-in instance JavaScript dropped is not collected: its session goes on', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const rec = new CallbackRecorder();
    const addon = nativeAddon();
    let weak: WeakRef<AgoraAPI> | undefined;
    await (async () => {
      const api = new AgoraAPI('');
      api.callbackSet(rec.handler);
      api.dbg('server', address);
      api.login('lifetime', 'dropped-online', '_no_need_token', 0, '');
      weak = new WeakRef(api);
      // An idle one dropped beside it: collected, which shows the collection did happen.
      new AgoraAPI('').callbackSet({});
      await rec.waitFor('onLoginSuccess');
    })();
    const live = addon.liveInstanceCount();
    for (let i = 0; i < 10; ++i) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(addon.liveInstanceCount()).to.equal(live - 1);
    watcher.api.messageInstantSend('dropped-online', 0, 'still there?', 'd1');
    await rec.waitFor('onMessageInstantReceive', (a) => a[2] === 'still there?');
    const api = weak!.deref();
    expect(api, 'collected while logged in').to.not.equal(undefined);
    api!.destroy();
    expect(addon.liveInstanceCount()).to.equal(live - 2);
  });

  it('process.exit() with a session logged in logs it out: the peer sees it offline at once', async () => {
    let loggedInAt = 0;
    const r = await runNode('exit-logged-in', [address, 'leaver1', 'exit'], [], 15000, (l) => {
      if (l === 'logged in') loggedInAt = Date.now();
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('logged in');
    const started = Date.now();
    expect(await statusOf('leaver1')).to.equal('0');
    // Well under the 60 s resume window: the session ended with the process.
    expect(Date.now() - started).to.be.below(1000);
    expect(loggedInAt).to.be.above(0);
  });

  it('a logged-in instance keeps the process alive by default', async () => {
    let sawLogin = false;
    const r = await runNode('exit-logged-in', [address, 'stayer', 'stay'], [], 2500, (l) => {
      if (l === 'logged in') sawLogin = true;
    });
    expect(sawLogin, r.stdout + r.stderr).to.equal(true);
    expect(r.signal).to.equal('SIGKILL');
  });

  it('unref(): a logged-in instance lets the process end, and it logs out on the way', async () => {
    const r = await runNode('exit-logged-in', [address, 'leaver2', 'unref'], [], 10000);
    expect(r.signal, r.stdout + r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('logged in');
    expect(r.stdout).to.contain('exiting');
    expect(await statusOf('leaver2')).to.equal('0');
  });

  it('failed wake-ups of the JavaScript thread are retried and reported; no event is lost', async () => {
    const alice = new AgoraAPI('');
    const rec = new CallbackRecorder();
    alice.callbackSet(rec.handler);
    alice.dbg('server', address);
    alice.login('lifetime', 'alice-wake', '_no_need_token', 0, '');
    await rec.waitFor('onLoginSuccess');
    const addon = nativeAddon();
    try {
      // Two failures: the third try of the same wake-up succeeds.
      addon.debugFailWakeups(2);
      watcher.api.messageInstantSend('alice-wake', 0, 'first', 'w1');
      await rec.waitFor('onMessageInstantReceive', (a) => a[2] === 'first');
      await rec.waitFor('onLog', (a) => String(a[0]).includes('2 wake-up(s) of the JavaScript thread failed'));
      // Every try fails: the event waits for the next wake-up, which brings it in order. (The
      // failures are counted process-wide, so another instance's wake-up may take some of them:
      // under Windows Node 'second' can arrive before 'third' is sent.)
      addon.debugFailWakeups(3);
      watcher.api.messageInstantSend('alice-wake', 0, 'second', 'w2');
      await sleep(300);
      watcher.api.messageInstantSend('alice-wake', 0, 'third', 'w3');
      await rec.waitFor('onMessageInstantReceive', (a) => a[2] === 'third');
      expect(rec.named('onMessageInstantReceive').map((s) => s.args[2])).to.deep.equal(['first', 'second', 'third']);
    } finally {
      addon.debugFailWakeups(0);
      alice.destroy();
    }
  });
});
