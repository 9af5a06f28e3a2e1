/**
 * Channels across two server nodes in one process, sharing one redis-server through
 * RedisChannelStore and RedisChannelBroker (each node its own connections; sessions, directory and
 * router stay each node's own). Members on both nodes must see what members of one node see.
 */
import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { createLogger } from '../../lib/server/logger';
import { RedisChannelBroker } from '../../lib/server/redis/redis-channel-broker';
import { RedisChannelStore } from '../../lib/server/redis/redis-channel-store';
import { openRedis, RedisClient, RedisTarget } from '../../lib/server/redis/redis-connection';
import { SignalServer } from '../../lib/server/signal-server';
import type { ChannelStore } from '../../lib/server/state/channel-store';
import { MemoryMessageRouter } from '../../lib/server/state/memory-message-router';
import { MemorySessionDirectory } from '../../lib/server/state/memory-session-directory';
import { act, event, join, ok, quiet, say, sleep, startOfSecond, texts } from '../02-server/channel-helpers';
import { RawClient } from '../02-server/raw-client';
import { RedisClusterProcesses, RedisProcess, startRedis, startRedisCluster } from '../support/redis-server';

/** A fresh App ID per test, so that nothing a closing node still writes touches the next test. */
let APP = 'app-two-nodes';
/** How long a test waits for an event on a loaded machine (the behaviour, not the latency, is what is tested). */
const SLOW_MACHINE_MS = 8000;

interface Node {
  server: SignalServer;
  tcpPort: number;
  connections: RedisClient[];
  broker: RedisChannelBroker;
}

/** A node on the shared Redis; `wrap` may put something between the service and the store. */
async function startNode(where: string | RedisTarget, name: string, wrap: (store: ChannelStore) => ChannelStore = (s) => s, settings: { messagesPerSecond?: number; maxKeptFrames?: number } = {}): Promise<Node> {
  const target: RedisTarget = typeof where === 'string' ? { kind: 'single', url: where } : where;
  const connections = [openRedis(target, `${name}-channels`), openRedis(target, `${name}-publish`), openRedis(target, `${name}-subscribe`)];
  // What clients see is asserted; ioredis would also print every failed reconnect while Redis is away.
  for (const c of connections) c.on('error', () => undefined);
  const directory = new MemorySessionDirectory();
  const perSecond = settings.messagesPerSecond ?? 4;
  const config = { tcpPort: 0, wsPort: 0, logLevel: 'silent' as const, channelMessagesPerSecond: perSecond, defaultChannelTtlSeconds: 1, maxKeptFrames: settings.maxKeptFrames ?? 10000 };
  const broker = new RedisChannelBroker(connections[1], connections[2]);
  const store = new RedisChannelStore(connections[0], {
    rates: { userMessagesPerSecond: Math.max(60, perSecond), channelMessagesPerSecond: perSecond, defaultChannelTtlSeconds: 1 },
    bounds: { maxAttrsPerChannel: 128, maxAttrBytesPerChannel: 65536, maxIdleAttrChannelsPerApp: 100 },
  });
  const server = new SignalServer(config, {
    logger: createLogger('silent'),
    directory,
    router: new MemoryMessageRouter(directory),
    channels: wrap(store),
    broker,
  });
  const { tcpPort } = await server.listen();
  return { server, tcpPort, connections, broker };
}

describe('11-cluster: channels across two nodes over Redis', function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  let a: Node;
  let b: Node;
  const clients: RawClient[] = [];

  async function login(node: Node, account: string): Promise<{ client: RawClient; uid: number; sessionId: string }> {
    const client = await RawClient.tcp(node.tcpPort);
    clients.push(client);
    const okFrame = await client.login(APP, account);
    return { client, uid: okFrame.uid, sessionId: Buffer.from(okFrame.sessionId).toString('latin1') };
  }

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    APP = `app-two-nodes-${Math.random().toString(36).slice(2, 8)}`;
    a = await startNode(redis.url, 'a');
    b = await startNode(redis.url, 'b');
  });
  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients.length = 0;
    for (const node of [a, b]) {
      await node.server.close();
      for (const c of node.connections) c.disconnect();
    }
    const admin = openRedis({ kind: 'single', url: redis.url }, 'admin');
    await admin.flushall();
    admin.disconnect();
  });

  it('shows joins, leaves, user lists and counts across nodes', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    expect((await join(alice.client, 'room')).users).to.deep.equal(['alice', String(alice.uid)]);
    expect((await join(bob.client, 'room')).users).to.deep.equal(['alice', String(alice.uid), 'bob', String(bob.uid)]);
    expect(await event(alice.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'bob', String(bob.uid)]);
    await quiet(bob.client, 50);
    expect(await ok(alice.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '2']);
    expect(await ok(bob.client, Op.ChannelQueryIsIn, ['room', 'alice'])).to.deep.equal(['room', 'alice', '1']);
    await act(bob.client, Op.ChannelLeave, ['room'], EventKind.ChannelLeft);
    expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['room', 'bob', String(bob.uid)]);
    expect(await ok(alice.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '1']);
    expect(a.broker.topicCount).to.equal(1);
    expect(b.broker.topicCount, 'a node with no member left unsubscribes').to.equal(0);
  });

  it('gives every member on both nodes the same order of messages sent at once from both nodes', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    const carol = await login(a, 'carol');
    const dave = await login(b, 'dave');
    for (const m of [alice, bob, carol, dave]) await join(m.client, 'talk');
    await sleep(100);
    for (const m of [alice, bob, carol]) while (m.client.buffered > 0) await m.client.next();
    await startOfSecond();
    const senders = [alice, bob];
    for (let i = 0; i < 2; i++) for (const s of senders) s.client.request(Op.MsgChannel, ['talk', `${s === alice ? 'a' : 'b'}${i}`]);
    const seen = async (client: RawClient): Promise<string[]> => {
      const order: string[] = [];
      while (order.length < 4) {
        const frame = await client.next();
        if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg) order.push(`${texts(frame.fields)[1]}:${texts(frame.fields)[3]}`);
        else if (frame.type === FrameType.Result) expect(frame.code, utf8Decode(frame.text)).to.equal(0);
      }
      return order;
    };
    const orders = await Promise.all([alice, bob, carol, dave].map((m) => seen(m.client)));
    expect(orders[0]).to.have.members(['alice:a0', 'alice:a1', 'bob:b0', 'bob:b1']);
    expect(orders[0].indexOf('alice:a0')).to.be.below(orders[0].indexOf('alice:a1'));
    for (const order of orders.slice(1)) expect(order).to.deep.equal(orders[0]);
  });

  it('hears its own message before its RESULT, and attribute events reach the other node', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    await event(alice.client, EventKind.ChannelUserJoined);
    await say(bob.client, 'room', 'hello');
    expect((await event(alice.client, EventKind.ChannelMsg)).slice(0, 4)).to.deep.equal(['room', 'bob', String(bob.uid), 'hello']);
    await act(alice.client, Op.ChannelSetAttr, ['room', 'topic', 'news'], EventKind.ChannelAttr);
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', 'news', 'update']);
    const { attrs } = await join(await login(b, 'carol').then((c) => c.client), 'room', 1);
    expect(attrs).to.deep.equal([['room', 'topic', 'news', 'update']]);
  });

  it('counts the channel message rate across nodes', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    await sleep(50);
    while (alice.client.buffered > 0) await alice.client.next();
    await startOfSecond();
    const codes: number[] = [];
    for (const s of [alice, bob, alice, bob, alice]) {
      const reqId = s.client.request(Op.MsgChannel, ['room', 'x']);
      for (;;) {
        const frame = await s.client.next();
        if (frame.type === FrameType.Result && frame.reqId === reqId) {
          codes.push(frame.code);
          if (frame.code !== 0) expect(utf8Decode(frame.text)).to.equal('rate limit: channel room carries at most 4 messages a second');
          break;
        }
      }
    }
    expect(codes, 'four a second for the channel, whichever node they come through').to.deep.equal([0, 0, 0, 0, 1001]);
  });

  it('writes _member_num once for members on both nodes', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    await join(alice.client, 'room');
    await act(alice.client, Op.ChannelSetAttr, ['room', '_auto_update_num', '1'], EventKind.ChannelAttr);
    await join(bob.client, 'room', 1);
    await event(alice.client, EventKind.ChannelUserJoined);
    expect(await event(alice.client, EventKind.ChannelAttr, 3000)).to.deep.equal(['room', '_member_num', '2', 'update']);
    expect(await event(bob.client, EventKind.ChannelAttr, 3000)).to.deep.equal(['room', '_member_num', '2', 'update']);
    await quiet(alice.client, 1300);
    await quiet(bob.client, 0);
  });

  it('tells __agora_channel_event members on the other node of joins and leaves', async () => {
    const watcher = await login(b, 'watcher');
    await join(watcher.client, '__agora_channel_event');
    const alice = await login(a, 'alice');
    await join(alice.client, 'room');
    const joined = await event(watcher.client, EventKind.ChannelMsg, SLOW_MACHINE_MS);
    expect(joined[0]).to.equal('__agora_channel_event');
    expect(JSON.parse(joined[3])).to.deep.equal({ event: 'join', channel: 'room', account: 'alice', uid: alice.uid });
    alice.client.request(Op.ChannelLeave, ['room']);
    const left = await event(watcher.client, EventKind.ChannelMsg, SLOW_MACHINE_MS);
    expect(JSON.parse(left[3])).to.deep.include({ event: 'leave', channel: 'room', account: 'alice' });
  });

  it('tells __agora_user_online members on the other node of logins and logouts', async () => {
    const watcher = await login(b, 'watcher');
    await join(watcher.client, '__agora_user_online');
    const alice = await login(a, 'alice');
    const msg = await event(watcher.client, EventKind.ChannelMsg, SLOW_MACHINE_MS);
    expect(msg.slice(0, 3)).to.deep.equal(['__agora_user_online', 'alice', String(alice.uid)]);
    expect(JSON.parse(msg[3])).to.deep.equal({ event: 'login', account: 'alice', uid: alice.uid });
    alice.client.send({ type: FrameType.Logout });
    expect(JSON.parse((await event(watcher.client, EventKind.ChannelMsg, SLOW_MACHINE_MS))[3])).to.deep.include({ event: 'logout', account: 'alice' });
  });

  it('makes a member on the other node that does not read leave the channel (CHANNEL_LEFT 600), as on one node', async () => {
    for (const node of [a, b]) {
      await node.server.close();
      for (const c of node.connections) c.disconnect();
    }
    a = await startNode(redis.url, 'a', undefined, { messagesPerSecond: 1000, maxKeptFrames: 10 });
    b = await startNode(redis.url, 'b', undefined, { messagesPerSecond: 1000, maxKeptFrames: 10 });
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    let bobLeft = false;
    for (let i = 0; i < 40; i++) {
      const reqId = alice.client.request(Op.MsgChannel, ['room', `m${i}`]);
      for (;;) {
        const frame = await alice.client.next();
        if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelUserLeft) {
          expect(texts(frame.fields)).to.deep.equal(['room', 'bob', String(bob.uid)]);
          bobLeft = true;
        }
        if (frame.type === FrameType.Result && frame.reqId === reqId) break;
      }
      alice.client.ack();
    }
    // Bob never acknowledged: he got what fitted, then CHANNEL_LEFT 600 past his bound.
    const got: string[] = [];
    for (;;) {
      const frame = await bob.client.next();
      if (frame.type !== FrameType.Event) continue;
      if (frame.kind === EventKind.ChannelMsg) got.push(texts(frame.fields)[3]);
      if (frame.kind === EventKind.ChannelLeft) {
        expect(texts(frame.fields)).to.deep.equal(['room', '600']);
        break;
      }
    }
    expect(got.length).to.be.above(0).and.below(40);
    expect(got).to.deep.equal(Array.from({ length: got.length }, (_, i) => `m${i}`));
    if (!bobLeft) expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['room', 'bob', String(bob.uid)]);
    expect(await ok(alice.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '1']);
  });

  it('answers channel requests with an error while Redis is away, keeps serving, and recovers when it is back', async () => {
    const alice = await login(a, 'alice');
    await join(alice.client, 'room');
    const dave = await login(a, 'dave');
    const port = redis.port;
    await redis.stop();
    const started = Date.now();
    const reqId = alice.client.request(Op.MsgChannel, ['room', 'lost?']);
    const r = await alice.client.expect(FrameType.Result, 8000);
    expect(r.reqId).to.equal(reqId);
    expect(r.code, 'a failed request').to.equal(1002);
    expect(Date.now() - started, 'within the command timeout and a margin').to.be.below(6000);
    const joinId = dave.client.request(Op.ChannelJoin, ['other']);
    const failed = await dave.client.expect(FrameType.Result, 8000);
    expect(failed).to.deep.include({ reqId: joinId, code: 1002 });
    redis = await startRedis({ port });
    await sleep(1500);
    const bob = await login(b, 'bob');
    expect((await join(bob.client, 'again')).users).to.deep.equal(['bob', String(bob.uid)]);
    const carol = await login(a, 'carol');
    await join(carol.client, 'again');
    expect(await event(bob.client, EventKind.ChannelUserJoined)).to.deep.equal(['again', 'carol', String(carol.uid)]);
    await say(carol.client, 'again', 'back');
    expect((await event(bob.client, EventKind.ChannelMsg))[3]).to.equal('back');
    expect(a.broker.topicCount, "node a hears alice's 'room' and carol's 'again' only (a failed join holds nothing)").to.equal(2);
    expect((await join(dave.client, 'other')).users, 'a channel whose join failed can be joined again on that node').to.deep.equal(['dave', String(dave.uid)]);
  });

  it('holds nothing for a session whose join the store failed', async () => {
    await a.server.close();
    for (const c of a.connections) c.disconnect();
    a = await startNode(redis.url, 'a', (store) =>
      new Proxy(store, {
        get: (target, prop) => {
          const value = (target as unknown as Record<string | symbol, unknown>)[prop];
          if (prop === 'join') return () => Promise.reject(new Error('the store failed'));
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
    const alice = await login(a, 'alice');
    const reqId = alice.client.request(Op.ChannelJoin, ['room']);
    expect(await alice.client.expect(FrameType.Result)).to.deep.include({ reqId, code: 1002 });
    await sleep(50);
    expect(a.broker.topicCount, 'unsubscribed again').to.equal(0);
  });

  it('leaves no ghost member when the session ends while its join is in the store', async () => {
    // Node a's store takes 300 ms to join, long enough for a second login to kick the first session.
    for (const node of [a]) await node.server.close();
    for (const c of a.connections) c.disconnect();
    a = await startNode(redis.url, 'a', (store) =>
      new Proxy(store, {
        get: (target, prop) => {
          const value = (target as unknown as Record<string | symbol, unknown>)[prop];
          if (prop !== 'join' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: unknown[]) => sleep(300).then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
        },
      }),
    );
    const bob = await login(b, 'bob');
    await join(bob.client, 'room');
    const first = await login(a, 'alice');
    first.client.request(Op.ChannelJoin, ['room']);
    await sleep(50);
    await login(a, 'alice');
    await sleep(600);
    expect(await ok(bob.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '1']);
    expect(await ok(bob.client, Op.ChannelQueryIsIn, ['room', 'alice'])).to.deep.equal(['room', 'alice', '0']);
    await quiet(bob.client, 50);
  });

  it('ends the memberships of a session of a node that died, with leave events (endMembershipsOf)', async () => {
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    await event(alice.client, EventKind.ChannelUserJoined);
    // As if node a had died: node b ends the memberships of its session.
    const ended = await b.server.channels.endMembershipsOf(APP, 'alice', alice.sessionId);
    expect(ended).to.deep.equal(['room']);
    expect(await event(bob.client, EventKind.ChannelUserLeft)).to.deep.equal(['room', 'alice', String(alice.uid)]);
    expect(await ok(bob.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '1']);
  });
});

describe('11-cluster: channels across two nodes over a Redis Cluster of three masters', function () {
  this.timeout(30_000);
  let cluster: RedisClusterProcesses;
  let target: RedisTarget;
  let a: Node;
  let b: Node;
  const clients: RawClient[] = [];

  async function login(node: Node, account: string): Promise<{ client: RawClient; uid: number }> {
    const client = await RawClient.tcp(node.tcpPort);
    clients.push(client);
    return { client, uid: (await client.login(APP, account)).uid };
  }

  before(async () => {
    cluster = await startRedisCluster();
    target = { kind: 'cluster', seeds: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) };
    a = await startNode(target, 'a');
    b = await startNode(target, 'b');
  });
  after(async () => {
    for (const c of clients) c.destroy();
    for (const node of [a, b]) {
      await node.server.close();
      for (const c of node.connections) c.disconnect();
    }
    await cluster.stop();
  });

  it('shows joins and messages across nodes in one order, and counts the channel rate across nodes', async () => {
    const members = [await login(a, 'alice'), await login(b, 'bob'), await login(a, 'carol'), await login(b, 'dave')];
    const [alice, bob] = members;
    expect((await join(alice.client, 'room')).users).to.deep.equal(['alice', String(alice.uid)]);
    expect((await join(bob.client, 'room')).users).to.deep.equal(['alice', String(alice.uid), 'bob', String(bob.uid)]);
    expect(await event(alice.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'bob', String(bob.uid)]);
    for (const m of members.slice(2)) await join(m.client, 'room');
    await sleep(100);
    for (const m of members) while (m.client.buffered > 0) await m.client.next();
    await startOfSecond();
    alice.client.request(Op.MsgChannel, ['room', 'a0']);
    bob.client.request(Op.MsgChannel, ['room', 'b0']);
    alice.client.request(Op.MsgChannel, ['room', 'a1']);
    bob.client.request(Op.MsgChannel, ['room', 'b1']);
    bob.client.request(Op.MsgChannel, ['room', 'b2']);
    const seen = async (client: RawClient): Promise<{ order: string[]; refused: number }> => {
      const order: string[] = [];
      let results = 0;
      let refused = 0;
      const sender = client === alice.client ? 2 : client === bob.client ? 3 : 0;
      while (order.length < 4 || results < sender) {
        const frame = await client.next();
        if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg) order.push(texts(frame.fields)[3]);
        if (frame.type === FrameType.Result) {
          results++;
          if (frame.code !== 0) {
            expect(utf8Decode(frame.text)).to.equal('rate limit: channel room carries at most 4 messages a second');
            refused++;
          }
        }
      }
      return { order, refused };
    };
    const all = await Promise.all(members.map((m) => seen(m.client)));
    expect(all[0].refused + all[1].refused, 'four a second for the channel, through both nodes').to.equal(1);
    expect(all[0].order).to.have.length(4);
    for (const x of all.slice(1)) expect(x.order).to.deep.equal(all[0].order);
  });
});
