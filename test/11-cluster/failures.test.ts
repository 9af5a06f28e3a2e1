import { expect } from 'chai';
import { AdminApi, AdminError } from '../../lib/server/ops/admin-api';
import { EventKind, Frame, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { event, join } from '../02-server/channel-helpers';
import { ClusterFixture } from '../support/cluster-fixture';
import { startRedis } from '../support/redis-server';
import IORedis from 'ioredis';
import { nodeKey } from '../../lib/server/redis/keys';

const APP = 'app-cluster-failures';

describe('11-cluster: Redis and node failures', function () {
  this.timeout(60000);
  const fixture = new ClusterFixture();
  afterEach(() => fixture.stop());

  it('while Redis is down, requests that need it fail with 1002 within a bounded time; service comes back by itself', async () => {
    const commandTimeoutMs = 500;
    await fixture.start({ redisOptions: { appendOnly: true }, config: { redisCommandTimeoutMs: commandTimeoutMs } });
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    const dave = await fixture.loggedIn(1, APP, 'dave');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'before', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    await bob.client.expect(FrameType.Event);

    const redis = fixture.redis!;
    await redis.stop(true);

    let started = Date.now();
    alice.client.request(Op.MsgInstant, ['bob', '0', 'during', '']);
    const failed = await alice.client.expect(FrameType.Result, 10000);
    const sendFailedMs = Date.now() - started;
    expect(failed.code).to.equal(1002);
    expect(utf8Decode(failed.text)).to.match(/^Redis unavailable: /);

    started = Date.now();
    alice.client.request(Op.QueryUserStatus, ['bob']);
    const status = await alice.client.expect(FrameType.Result, 10000);
    const statusFailedMs = Date.now() - started;
    expect(status.code).to.equal(1002);

    // Channel operations run scripts: the same code and a text that says why, not an internal error.
    alice.client.request(Op.ChannelJoin, ['room']);
    const join = await alice.client.expect(FrameType.Result, 10000);
    expect(join.code).to.equal(1002);
    expect(utf8Decode(join.text)).to.match(/^Redis unavailable: /);
    alice.client.request(Op.MsgChannelForce, ['room', 'anyone?']);
    const channelMessage = await alice.client.expect(FrameType.Result, 10000);
    expect(channelMessage.code).to.equal(1002);
    expect(utf8Decode(channelMessage.text)).to.match(/^Redis unavailable: /);

    // The admin API's cluster-wide count needs Redis: 503 with a reason, not a 500.
    const admin = new AdminApi(fixture.nodes[0].server, { sessionsPerApp: fixture.nodes[0].state.sessionsPerApp });
    const listed = await admin.handle({ method: 'GET', segments: ['apps'], query: new URLSearchParams(), body: undefined, address: 'test' }).then(
      () => null,
      (e: unknown) => e as AdminError,
    );
    expect(listed).to.be.instanceOf(AdminError);
    expect(listed!.status).to.equal(503);
    expect(listed!.message).to.match(/^cannot count the cluster's sessions: Redis unavailable: /);

    started = Date.now();
    const late = await fixture.tcp(1);
    await late.hello();
    late.sendLogin(APP, 'carol');
    const refused = await late.expect(FrameType.LoginFail, 10000);
    const loginFailedMs = Date.now() - started;
    expect(refused.code).to.equal(201);
    expect(utf8Decode(refused.text)).to.match(/^Redis unavailable: /);
    // A logout while Redis is away is written once it is back: dave does not stay online.
    dave.client.send({ type: FrameType.Logout });
    await dave.client.waitClosed();
    // Long enough for the removal of dave's login to have failed.
    await new Promise((r) => setTimeout(r, 3 * commandTimeoutMs));
    process.stdout.write(`      (with Redis down: p2p failed after ${sendFailedMs} ms, status after ${statusFailedMs} ms, login after ${loginFailedMs} ms; redisCommandTimeoutMs ${commandTimeoutMs})\n`);
    for (const ms of [sendFailedMs, statusFailedMs, loginFailedMs]) expect(ms).to.be.below(4 * commandTimeoutMs);

    // The same port and append-only file: the directory comes back as it was.
    fixture.redis = await startRedis({ port: redis.port, dir: redis.dir, appendOnly: true });
    const back = Date.now();
    let code = -1;
    while (code !== 0) {
      expect(Date.now() - back, 'p2p did not recover').to.be.below(15000);
      alice.client.request(Op.MsgInstant, ['bob', '0', 'after', '']);
      code = (await alice.client.expect(FrameType.Result, 10000)).code;
      if (code !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    process.stdout.write(`      (p2p across nodes worked again ${Date.now() - back} ms after Redis came back)\n`);
    expect(utf8Decode((await bob.client.expect(FrameType.Event)).fields[2])).to.equal('after');
    const carol = await fixture.loggedIn(1, APP, 'carol');
    carol.client.request(Op.QueryUserStatus, ['alice']);
    expect(utf8Decode((await carol.client.expect(FrameType.Result)).values[0])).to.equal('1');
    let daveOnline = '1';
    while (daveOnline === '1') {
      expect(Date.now() - back, 'dave still online').to.be.below(10000);
      carol.client.request(Op.QueryUserStatus, ['dave']);
      daveOnline = utf8Decode((await carol.client.expect(FrameType.Result)).values[0]);
      if (daveOnline === '1') await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('a node that stops refreshing its liveness: its sessions go offline and their logout is announced on the survivor', async () => {
    const nodeTimeoutMs = 1000;
    await fixture.start({ config: { nodeTimeoutMs } });
    const watcher = await fixture.loggedIn(1, APP, 'watcher');
    // The watcher's own login is announced after its LOGIN_OK, through Redis: it may come after
    // the watcher's join, inside or after the join's own sequence. It is not what this test is about.
    const ownLogin = (frame: Frame): boolean =>
      frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg && utf8Decode(frame.fields[1]) === 'watcher';
    const nextAbout = async (): Promise<string[]> => {
      for (;;) {
        const frame = await watcher.client.next();
        if (ownLogin(frame)) continue;
        if (frame.type !== FrameType.Event || frame.kind !== EventKind.ChannelMsg) throw new Error(`expected CHANNEL_MSG, got ${JSON.stringify(frame)}`);
        return frame.fields.map(utf8Decode);
      }
    };
    watcher.client.request(Op.ChannelJoin, ['__agora_user_online']);
    for (;;) {
      const frame = await watcher.client.next();
      if (frame.type === FrameType.Result) break;
    }
    const alice = await fixture.loggedIn(0, APP, 'alice');
    // alice's login is announced to the watcher on the other node.
    const login = await nextAbout();
    expect(JSON.parse(login[3])).to.deep.include({ event: 'login', account: 'alice' });
    watcher.client.request(Op.QueryUserStatus, ['alice']);
    expect(utf8Decode((await watcher.client.expect(FrameType.Result)).values[0])).to.equal('1');

    const stoppedAt = Date.now();
    fixture.nodes[0].state.node.simulateDeath();
    const announced = await nextAbout();
    const goneMs = Date.now() - stoppedAt;
    expect(announced.slice(0, 3)).to.deep.equal(['__agora_user_online', 'alice', String(alice.uid)]);
    expect(JSON.parse(announced[3])).to.deep.equal({ event: 'logout', account: 'alice', uid: alice.uid, code: 102 });
    expect(goneMs).to.be.at.most(nodeTimeoutMs);
    watcher.client.request(Op.QueryUserStatus, ['alice']);
    expect(utf8Decode((await watcher.client.expect(FrameType.Result)).values[0])).to.equal('0');
    // The account may log in again on the survivor.
    const again = await fixture.loggedIn(1, APP, 'alice');
    expect(again.sessionId.slice(0, 8)).to.equal(fixture.nodes[1].state.nodeId);
  });

  it('a node whose liveness ran out ends its sessions with 102, joins again, and serves new logins', async () => {
    const nodeTimeoutMs = 1000;
    await fixture.start({ config: { nodeTimeoutMs } });
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    // As if node 0 had stalled: its liveness is gone, the survivor removes its sessions.
    const redis = new IORedis(fixture.redis!.url);
    try {
      await redis.del(nodeKey(fixture.nodes[0].state.nodeId, 'alive'));
    } finally {
      redis.disconnect();
    }
    const ended = await alice.client.expect(FrameType.LoggedOut, 2 * nodeTimeoutMs);
    expect(ended.code).to.equal(102);
    expect(utf8Decode(ended.text)).to.equal('this server lost its place in the cluster; log in again');
    const again = await fixture.loggedIn(0, APP, 'alice');
    expect(again.sessionId.slice(0, 8)).to.equal(fixture.nodes[0].state.nodeId);
    bob.client.request(Op.MsgInstant, ['alice', '0', 'welcome back', '']);
    expect((await bob.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await again.client.expect(FrameType.Event)).fields[2])).to.equal('welcome back');
    // Node 0 is live again for the others: its new session stays online past the node timeout.
    await new Promise((r) => setTimeout(r, 1.5 * nodeTimeoutMs));
    bob.client.request(Op.QueryUserStatus, ['alice']);
    expect(utf8Decode((await bob.client.expect(FrameType.Result)).values[0])).to.equal('1');
  });

  it('a malformed message on a node bus is logged and dropped; the node keeps serving', async () => {
    await fixture.start();
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    const redis = new IORedis(fixture.redis!.url);
    try {
      const channel = nodeKey(fixture.nodes[1].state.nodeId, 'bus');
      expect(await redis.spublish(channel, Buffer.from([1, 0, 0, 0, 7, 0, 0, 0, 99]))).to.equal(1);
      expect(await redis.spublish(channel, Buffer.from([42]))).to.equal(1);
    } finally {
      redis.disconnect();
    }
    alice.client.request(Op.MsgInstant, ['bob', '0', 'still here', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await bob.client.expect(FrameType.Event)).fields[2])).to.equal('still here');
    const dropped = fixture.logLines.filter((l) => l.startsWith('node 1: ') && l.includes('node bus: dropped a malformed message'));
    expect(dropped).to.have.length(2);
    expect(dropped[0]).to.match(/bus message truncated at byte \d+/);
    expect(dropped[1]).to.match(/unknown bus message type 42/);
  });
});
