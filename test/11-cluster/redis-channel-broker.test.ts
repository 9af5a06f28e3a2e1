/**
 * RedisChannelBroker on its own, with two brokers standing for two nodes and RedisChannelStore for
 * the memberships, on one redis-server and on a three-master Redis Cluster: a joiner gets exactly
 * what was published after its join, every member the same order, and one publish costs a
 * constant number of Redis commands whatever the member count.
 */
import { expect } from 'chai';
import { randomBytes } from 'crypto';
import type { PreparedEvent } from '../../lib/server/state/prepared-event';
import { RedisChannelBroker } from '../../lib/server/redis/redis-channel-broker';
import { channelKey } from '../../lib/server/redis/keys';
import { RedisChannelStore } from '../../lib/server/redis/redis-channel-store';
import { openRedis, RedisClient, RedisTarget } from '../../lib/server/redis/redis-connection';
import type { ChannelMember } from '../../lib/server/state/channel-store';
import type { SessionEndpoint } from '../../lib/server/state/session-endpoint';
import { startRedis, startRedisCluster } from '../support/redis-server';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const RATES = { userMessagesPerSecond: 1e6, channelMessagesPerSecond: 1e6, defaultChannelTtlSeconds: 60 };

/** A session that records the text of the last field of each event it takes. */
class Recorder implements SessionEndpoint {
  readonly got: string[] = [];
  /** What missedChannelEvents was told. */
  readonly missed: number[] = [];
  readonly uid = 1;
  readonly sessionId = randomBytes(16).toString('hex');
  constructor(readonly appId: string, readonly account: string) {}
  deliverEvent(): boolean {
    return true;
  }
  deliverPrepared(event: PreparedEvent): boolean {
    this.got.push(Buffer.from(event.fields[event.fields.length - 1]).toString('latin1'));
    return true;
  }
  kick(): void {}
  missedChannelEvents(count: number): void {
    this.missed.push(count);
  }
  get member(): ChannelMember {
    return { account: this.account, accountBytes: Buffer.from(this.account), uid: 1, uidBytes: Buffer.from('1'), sessionId: this.sessionId };
  }
}

function field(text: string): Uint8Array[] {
  return [Buffer.from(text, 'latin1')];
}

function brokerSuite(target: () => RedisTarget): void {
  const connections: RedisClient[] = [];
  let nodeA: RedisChannelBroker;
  let nodeB: RedisChannelBroker;
  let store: RedisChannelStore;
  let app: string;

  const open = (name: string): RedisClient => {
    const c = openRedis(target(), name);
    connections.push(c);
    return c;
  };

  beforeEach(() => {
    nodeA = new RedisChannelBroker(open('a-pub'), open('a-sub'));
    nodeB = new RedisChannelBroker(open('b-pub'), open('b-sub'));
    store = new RedisChannelStore(open('store'), { rates: RATES });
    app = `app-${randomBytes(4).toString('hex')}`;
  });
  afterEach(() => {
    nodeA.close();
    nodeB.close();
    store.close();
    for (const c of connections) c.disconnect();
    connections.length = 0;
  });

  /** The full join of a member on a node, as ChannelService does it. */
  async function joinOn(broker: RedisChannelBroker, member: Recorder, channel: string): Promise<void> {
    await broker.expect(app, channel, member.sessionId);
    const outcome = await store.join(app, channel, member.member);
    broker.admit(app, channel, member, outcome.position);
  }

  it('gives a joiner what was published after its join took effect, nothing from before, in the order every member sees', async () => {
    const early = new Recorder(app, 'early');
    await joinOn(nodeB, early, 'room');
    const joiner = new Recorder(app, 'joiner');
    // Subscribed, not yet joined: what is published now predates the joiner.
    await nodeA.expect(app, 'room', joiner.sessionId);
    await nodeB.publish(app, 'room', 1, field('before'));
    const outcome = await store.join(app, 'room', joiner.member);
    await nodeB.publish(app, 'room', 1, field('after'));
    await sleep(50);
    expect(joiner.got, 'held until admitted').to.deep.equal([]);
    nodeA.admit(app, 'room', joiner, outcome.position);
    await nodeA.publish(app, 'room', 1, field('later'));
    expect(joiner.got, 'its own node delivers before publish resolves').to.deep.equal(['after', 'later']);
    await sleep(50);
    expect(early.got).to.deep.equal(['before', 'after', 'later']);
  });

  it('keeps one order for members on both nodes under concurrent publishes, and skips the session excepted', async () => {
    const members = [new Recorder(app, 'a1'), new Recorder(app, 'a2'), new Recorder(app, 'b1')];
    await joinOn(nodeA, members[0], 'room');
    await joinOn(nodeA, members[1], 'room');
    await joinOn(nodeB, members[2], 'room');
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      sent.push(nodeA.publish(app, 'room', 1, field(`a${i}`)));
      sent.push(nodeB.publish(app, 'room', 1, field(`b${i}`)));
    }
    await Promise.all(sent);
    await nodeB.publish(app, 'room', 1, field('not for a1'), members[0].sessionId);
    await sleep(100);
    expect(members[1].got).to.have.length(101);
    expect(members[2].got).to.deep.equal(members[1].got);
    expect(members[0].got).to.deep.equal(members[1].got.slice(0, 100));
    const fromA = members[1].got.filter((t) => t.startsWith('a'));
    expect(fromA, "one node's publishes keep their order").to.deep.equal(Array.from({ length: 50 }, (_, i) => `a${i}`));
  });

  it('tells its members when events of the channel did not reach the node (a gap in their numbers)', async () => {
    const here = new Recorder(app, 'here');
    await joinOn(nodeB, here, 'room');
    await nodeA.publish(app, 'room', 1, field('one'));
    await sleep(50);
    expect(here.missed).to.deep.equal([]);
    // Two events numbered while nobody here listened, as when the subscriber connection is cut.
    await open('raw').hincrby(channelKey(app, 'room', 'i'), 'ps', 2);
    await nodeA.publish(app, 'room', 1, field('four'));
    await sleep(50);
    expect(here.missed).to.deep.equal([2]);
    expect(here.got).to.deep.equal(['one', 'four']);
    await nodeA.publish(app, 'room', 1, field('five'));
    await sleep(50);
    expect(here.missed, 'told once per gap').to.deep.equal([2]);
  });

  it('publishes nothing to a channel without members, and a node without members unsubscribes', async () => {
    const m = new Recorder(app, 'm');
    await nodeA.expect(app, 'empty', m.sessionId);
    await nodeB.publish(app, 'empty', 1, field('nobody'));
    expect(nodeA.topicCount).to.equal(1);
    await nodeA.remove(app, 'empty', m.sessionId);
    expect(nodeA.topicCount).to.equal(0);
    await joinOn(nodeA, m, 'room');
    await store.leave(app, 'room', 'm', m.sessionId);
    await nodeA.remove(app, 'room', m.sessionId);
    await nodeB.publish(app, 'room', 1, field('after leaving'));
    await sleep(50);
    expect(m.got).to.deep.equal([]);
  });
}

describe('11-cluster: RedisChannelBroker', function () {
  this.timeout(60_000);

  describe('on one redis-server', () => {
    let stop: () => Promise<void>;
    let url = '';
    before(async () => {
      const redis = await startRedis();
      url = redis.url;
      stop = () => redis.stop();
    });
    after(async () => stop());
    brokerSuite(() => ({ kind: 'single', url }));

    it('costs the same few Redis commands per channel message for 1 or 200 members', async () => {
      const store = new RedisChannelStore(openRedis({ kind: 'single', url }, 'm-store'), { rates: RATES, ownsConnection: true });
      const admin = openRedis({ kind: 'single', url }, 'm-admin');
      const perMessage: number[] = [];
      const scriptsPerMessage: number[] = [];
      /** Calls per command name, from Redis' own statistics (commands run by scripts included). */
      const stats = async (): Promise<Map<string, number>> => {
        const calls = new Map<string, number>();
        for (const m of (await admin.info('commandstats')).matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) calls.set(m[1], Number(m[2]));
        return calls;
      };
      for (const size of [1, 200]) {
        const brokers = [0, 1].map((i) => new RedisChannelBroker(openRedis({ kind: 'single', url }, `m${i}p`), openRedis({ kind: 'single', url }, `m${i}s`), { ownsConnections: true }));
        const app = `app-${size}`;
        const members: Recorder[] = [];
        for (let i = 0; i < size; i++) {
          const m = new Recorder(app, `u${i}`);
          const broker = brokers[i % 2];
          await broker.expect(app, 'room', m.sessionId);
          broker.admit(app, 'room', m, (await store.join(app, 'room', m.member)).position);
          members.push(m);
        }
        await sleep(50);
        const before = await stats();
        const messages = 100;
        for (let i = 0; i < messages; i++) {
          await store.admitMessage(app, 'room', 'u0');
          await brokers[0].publish(app, 'room', 1, field(`m${i}`));
        }
        const after = await stats();
        let total = 0;
        for (const [name, calls] of after) if (name !== 'info') total += calls - (before.get(name) ?? 0);
        perMessage.push(total / messages);
        scriptsPerMessage.push(((after.get('evalsha') ?? 0) - (before.get('evalsha') ?? 0) + (after.get('eval') ?? 0) - (before.get('eval') ?? 0)) / messages);
        await sleep(50);
        for (const m of members) expect(m.got).to.have.length(messages);
        for (const b of brokers) b.close();
      }
      console.log(
        `      per channel message (rate checks + publish), with 1 / 200 members: ${scriptsPerMessage.join(' / ')} script calls (round trips), ` +
          `${perMessage.join(' / ')} Redis commands counted by Redis (those the scripts run included)`,
      );
      expect(scriptsPerMessage[0]).to.equal(scriptsPerMessage[1]);
      expect(scriptsPerMessage[0]).to.be.at.most(3);
      expect(Math.abs(perMessage[0] - perMessage[1]), 'the same commands whatever the member count').to.be.below(0.5);
      expect(perMessage[0]).to.be.below(25);
      store.close();
      admin.disconnect();
    });
  });

  describe('on a Redis Cluster of three masters', () => {
    let stop: () => Promise<void>;
    let seeds: { host: string; port: number }[] = [];
    before(async () => {
      const cluster = await startRedisCluster();
      seeds = cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
      stop = () => cluster.stop();
    });
    after(async () => stop());
    brokerSuite(() => ({ kind: 'cluster', seeds }));
  });
});
