import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { FrameType, Op, utf8Decode } from '../../lib/protocol';
import { RawClient } from '../02-server/raw-client';
import { ClusterFixture } from '../support/cluster-fixture';
import { resolveConfig } from '../../lib/server/config';
import { createLogger } from '../../lib/server/logger';
import { createClusterState } from '../../lib/server/redis/cluster-state';
import { freeLoopbackPort, RedisProcess, startRedis } from '../support/redis-server';

const CLI = path.join(__dirname, '../../lib/server/cli.js');
const APP = 'app-cluster-processes';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function status(client: RawClient, account: string): Promise<string> {
  client.request(Op.QueryUserStatus, [account]);
  return utf8Decode((await client.expect(FrameType.Result)).values[0]);
}

describe('11-cluster: node processes', function () {
  this.timeout(60000);

  it('a node that cannot reach Redis at start exits with code 1 and says so', async () => {
    const port = await freeLoopbackPort();
    const node = run(['--tcp-port', '0', '--ws-port', '0', '--redis', `redis://127.0.0.1:${port}`]);
    const started = Date.now();
    expect(await node.exited).to.equal(1);
    expect(Date.now() - started).to.be.below(15000);
    expect(node.stderr()).to.match(new RegExp(`agora-sig-server: cannot start: Redis unavailable: cannot reach redis://127\\.0\\.0\\.1:${port} within 5000 ms`));
  });

  it('--workers without Redis exits with code 2 and says why', async () => {
    const node = run(['--workers', '2']);
    expect(await node.exited).to.equal(2);
    expect(node.stderr()).to.match(/agora-sig-server: workers 2 needs redis or redisCluster/);
  });

  describe('over one Redis', () => {
    let redis: RedisProcess;
    beforeEach(async () => {
      redis = await startRedis();
    });
    afterEach(() => redis.stop());

    it('--workers 2: two processes share the ports, logins land on both, p2p between them works, a dead worker is replaced, SIGTERM stops all', async () => {
      const tcpPort = await freeLoopbackPort();
      const wsPort = await freeLoopbackPort();
      const primary = run(['--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--redis', redis.url, '--workers', '2', '--log-level', 'warn']);
      const clients: RawClient[] = [];
      try {
        await until('two workers listening', () => (primary.stdout().match(/Worker \d+ \(node [0-9a-f]{8}\) listening/g) ?? []).length === 2, 20000);
        const nodes = new Map<string, { client: RawClient; account: string }>();
        for (let i = 0; i < 40 && nodes.size < 2; i++) {
          const client = await RawClient.tcp(tcpPort);
          clients.push(client);
          const ok = await client.login(APP, `user${i}`);
          const node = Buffer.from(ok.sessionId).toString('latin1').slice(0, 8);
          if (!nodes.has(node)) nodes.set(node, { client, account: `user${i}` });
        }
        expect(nodes.size, 'logins landed on both workers').to.equal(2);
        const [a, b] = [...nodes.values()];
        a.client.request(Op.MsgInstant, [b.account, '0', 'between workers', '']);
        expect((await a.client.expect(FrameType.Result)).code).to.equal(0);
        const event = await b.client.expect(FrameType.Event);
        expect(utf8Decode(event.fields[2])).to.equal('between workers');

        // A worker that dies is replaced, and the primary says so.
        const pid = Number(/Worker (\d+) /.exec(primary.stdout())![1]);
        process.kill(pid, 'SIGKILL');
        await until('a third worker listening', () => (primary.stdout().match(/Worker \d+ \(node [0-9a-f]{8}\) listening/g) ?? []).length === 3, 20000);
        expect(primary.stderr()).to.match(new RegExp(`worker ${pid} exited with signal SIGKILL; starting another`));
      } finally {
        for (const c of clients) c.destroy();
        primary.child.kill('SIGTERM');
      }
      expect(await primary.exited).to.equal(0);
    });

    it('a node id in use by a live node is not taken by another', async () => {
      const config = resolveConfig({ redis: redis.url });
      const logger = createLogger('silent');
      const first = await createClusterState(config, { logger, nodeId: 'abcdef01' });
      try {
        await createClusterState(config, { logger, nodeId: 'abcdef01' }).then(
          () => expect.fail('a second node took the id'),
          (e: Error) => expect(e.message).to.match(/node id abcdef01 is in use by another node/),
        );
        const other = await createClusterState(config, { logger });
        expect(other.nodeId).to.match(/^[0-9a-f]{8}$/).and.not.equal('abcdef01');
        await other.node.close();
      } finally {
        await first.node.close();
      }
    });

    it('a node killed with SIGKILL: its accounts are offline for the other node within nodeTimeoutMs', async () => {
      const nodeTimeoutMs = 1500;
      const fixture = new ClusterFixture();
      const tcpPort = await freeLoopbackPort();
      const killed = run(['--tcp-port', String(tcpPort), '--ws-port', '0', '--redis', redis.url, '--node-timeout-ms', String(nodeTimeoutMs), '--log-level', 'warn']);
      const clients: RawClient[] = [];
      try {
        await fixture.startOn(redis, { nodes: 1, config: { nodeTimeoutMs } });
        await until('the node listening', () => killed.stdout().includes('Ctrl+C'), 20000);
        const alice = await RawClient.tcp(tcpPort);
        clients.push(alice);
        await alice.login(APP, 'alice');
        const bob = await fixture.loggedIn(0, APP, 'bob');
        expect(await status(bob.client, 'alice')).to.equal('1');
        killed.child.kill('SIGKILL');
        await killed.exited;
        const killedAt = Date.now();
        while ((await status(bob.client, 'alice')) === '1') {
          expect(Date.now() - killedAt, 'alice still online').to.be.below(nodeTimeoutMs + 100);
          await new Promise((r) => setTimeout(r, 25));
        }
        const offlineAfterMs = Date.now() - killedAt;
        process.stdout.write(`      (offline ${offlineAfterMs} ms after SIGKILL, nodeTimeoutMs ${nodeTimeoutMs})\n`);
        expect(offlineAfterMs).to.be.at.most(nodeTimeoutMs);
        bob.client.request(Op.MsgInstant, ['alice', '0', 'anyone?', '']);
        const result = await bob.client.expect(FrameType.Result);
        expect(result.code).to.equal(400);
        expect(utf8Decode(result.text)).to.equal('peer alice is offline');
      } finally {
        for (const c of clients) c.destroy();
        killed.child.kill('SIGKILL');
        await fixture.stopNodes();
      }
    });
  });
});
