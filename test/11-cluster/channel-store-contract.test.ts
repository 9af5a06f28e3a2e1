/**
 * One contract for every ChannelStore: the in-memory store, the same behind a wrapper that answers
 * every call a few milliseconds later, and RedisChannelStore on one redis-server and on a Redis
 * Cluster of three masters. The same `describe` body runs against each.
 */
import { expect } from 'chai';
import { randomBytes } from 'crypto';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { RedisChannelStore } from '../../lib/server/redis/redis-channel-store';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { Scheduler } from '../../lib/server/state/scheduler';
import type { ChannelAttrBounds, ChannelRates } from '../../lib/server/state/channel-policy';
import type { ChannelMember, ChannelStore, ChannelStoreListener } from '../../lib/server/state/channel-store';
import { MemoryChannelStore } from '../../lib/server/state/memory-channel-store';
import { startRedis, startRedisCluster } from '../support/redis-server';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Just after a second boundary, so that a burst falls in one rate window. */
async function startOfSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 20);
}

const RATES: ChannelRates = { userMessagesPerSecond: 5, channelMessagesPerSecond: 3, defaultChannelTtlSeconds: 0.4, userP2pMessagesPerSecond: 2 };
const BOUNDS: ChannelAttrBounds = { maxAttrsPerChannel: 4, maxAttrBytesPerChannel: 200, maxIdleAttrChannelsPerApp: 2 };

/** A store for one test; `done` releases what it holds. */
interface Made {
  store: ChannelStore;
  done(): Promise<void>;
}

type Factory = () => Promise<Made>;

/** The in-memory store, answering every call 1 to 4 ms later through a promise. */
class SlowChannelStore implements ChannelStore {
  constructor(private readonly inner: MemoryChannelStore) {}
  private later<T>(compute: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(compute());
        } catch (e) {
          reject(e);
        }
      }, 1 + Math.floor(Math.random() * 4)),
    );
  }
  setListener(listener: ChannelStoreListener): void {
    this.inner.setListener(listener);
  }
  join(appId: string, channel: string, member: ChannelMember) {
    return this.later(() => this.inner.join(appId, channel, member));
  }
  leave(appId: string, channel: string, account: string, sessionId: string) {
    return this.later(() => this.inner.leave(appId, channel, account, sessionId));
  }
  channelsOf(appId: string, account: string, sessionId: string) {
    return this.later(() => this.inner.channelsOf(appId, account, sessionId));
  }
  members(appId: string, channel: string) {
    return this.later(() => [...this.inner.members(appId, channel)]);
  }
  recentMembers(appId: string, channel: string, limit: number) {
    return this.later(() => this.inner.recentMembers(appId, channel, limit));
  }
  count(appId: string, channel: string) {
    return this.later(() => this.inner.count(appId, channel));
  }
  isMember(appId: string, channel: string, account: string) {
    return this.later(() => this.inner.isMember(appId, channel, account));
  }
  attrs(appId: string, channel: string) {
    return this.later(() => this.inner.attrs(appId, channel));
  }
  setAttr(appId: string, channel: string, name: string, value: Uint8Array) {
    return this.later(() => this.inner.setAttr(appId, channel, name, value));
  }
  delAttr(appId: string, channel: string, name: string) {
    return this.later(() => this.inner.delAttr(appId, channel, name));
  }
  clearAttrs(appId: string, channel: string) {
    return this.later(() => this.inner.clearAttrs(appId, channel));
  }
  admitMessage(appId: string, channel: string, account: string) {
    return this.later(() => this.inner.admitMessage(appId, channel, account));
  }
  admitPeerMessage(appId: string, account: string) {
    return this.later(() => this.inner.admitPeerMessage(appId, account));
  }
  get channelCount(): number {
    return this.inner.channelCount;
  }
  channelCountOf(appId: string): number {
    return this.inner.channelCountOf(appId);
  }
  close(): void {
    this.inner.close();
  }
}

function memoryFactory(slow: boolean): Factory {
  return async () => {
    const scheduler = new Scheduler(Date.now, (e) => {
      throw e;
    });
    const memory = new MemoryChannelStore(scheduler, RATES, Date.now, BOUNDS);
    const store = slow ? new SlowChannelStore(memory) : memory;
    return {
      store,
      done: async () => {
        store.close();
        scheduler.stop();
      },
    };
  };
}

function redisFactory(client: () => RedisClient): Factory {
  return async () => {
    const scheduler = new Scheduler(Date.now, (e) => {
      throw e;
    });
    const store = new RedisChannelStore(client(), { rates: RATES, bounds: BOUNDS, scheduler });
    return {
      store,
      done: async () => {
        store.close();
        scheduler.stop();
      },
    };
  };
}

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

function text(value: Uint8Array): string {
  return Buffer.from(value).toString('latin1');
}

let nextUid = 1;
function member(account: string, sessionId = randomBytes(16).toString('hex')): ChannelMember {
  const uid = nextUid++;
  return { account, accountBytes: bytes(account), uid, uidBytes: bytes(String(uid)), sessionId };
}

function contract(make: Factory): void {
  let made: Made;
  let store: ChannelStore;
  /** A fresh App ID per test: the Redis stores share one server across tests. */
  let app: string;

  beforeEach(async () => {
    made = await make();
    store = made.store;
    app = `app-${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    await made.done();
  });

  it('keeps members in join order: join answers the count, the recent 200 and the attributes', async () => {
    const a = member('alice');
    const first = await store.join(app, 'room', a);
    expect(first.joined).to.equal(true);
    expect(first.count).to.equal(1);
    expect(first.recent.map((m) => m.account)).to.deep.equal(['alice']);
    expect(first.recent[0]).to.deep.include({ uid: a.uid, sessionId: a.sessionId });
    expect(text(first.recent[0].uidBytes)).to.equal(String(a.uid));
    await store.join(app, 'room', member('bob'));
    const again = await store.join(app, 'room', a);
    expect(again.joined, 'a repeated join changes nothing').to.equal(false);
    expect(again.recent.map((m) => m.account)).to.deep.equal(['alice', 'bob']);
    expect(await store.count(app, 'room')).to.equal(2);
    expect(await store.isMember(app, 'room', 'bob')).to.equal(true);
    expect(await store.isMember(app, 'room', 'carol')).to.equal(false);
    expect(await store.count(app, 'nowhere')).to.equal(0);
  });

  it('lists the most recent 200 members of a larger channel, oldest first', async () => {
    for (let i = 0; i < 204; i++) await store.join(app, 'big', member(`u${i}`));
    const last = await store.join(app, 'big', member('last'));
    expect(last.count).to.equal(205);
    expect(last.recent).to.have.length(200);
    expect(last.recent[0].account).to.equal('u5');
    expect(last.recent[199].account).to.equal('last');
    const recent = await store.recentMembers(app, 'big', 3);
    expect(recent.total).to.equal(205);
    expect(recent.members.map((m) => m.account)).to.deep.equal(['u202', 'u203', 'last']);
    const all = [...(await store.members(app, 'big'))].map((m) => m.account);
    expect(all).to.have.length(205);
    expect(all[0]).to.equal('u0');
    expect(all[204]).to.equal('last');
  });

  it('leaves only the membership of the session given; a later session of the account takes its place', async () => {
    const old = member('alice');
    await store.join(app, 'room', old);
    await store.join(app, 'room', member('bob'));
    expect(await store.leave(app, 'room', 'alice', 'another-session')).to.equal(null);
    const newer = member('alice');
    const joined = await store.join(app, 'room', newer);
    expect(joined.joined).to.equal(true);
    expect(joined.recent.map((m) => m.account), 'the rejoin is the newest').to.deep.equal(['bob', 'alice']);
    expect(await store.leave(app, 'room', 'alice', old.sessionId), 'the replaced session is no member').to.equal(null);
    const left = await store.leave(app, 'room', 'alice', newer.sessionId);
    expect(left).to.not.equal(null);
    expect(left!.count).to.equal(1);
    expect(left!.left).to.deep.include({ account: 'alice', uid: newer.uid, sessionId: newer.sessionId });
    expect(text(left!.left.accountBytes)).to.equal('alice');
    expect(await store.leave(app, 'room', 'alice', newer.sessionId)).to.equal(null);
    expect(await store.count(app, 'room')).to.equal(1);
  });

  it('tells which channels a session is a member of (channelsOf)', async () => {
    const a = member('alice');
    await store.join(app, 'one', a);
    await store.join(app, 'two', a);
    expect([...(await store.channelsOf(app, 'alice', a.sessionId))].sort()).to.deep.equal(['one', 'two']);
    await store.leave(app, 'one', 'alice', a.sessionId);
    expect(await store.channelsOf(app, 'alice', a.sessionId)).to.deep.equal(['two']);
    const b = member('alice');
    await store.join(app, 'two', b);
    expect(await store.channelsOf(app, 'alice', a.sessionId), 'replaced by a later session').to.deep.equal([]);
    expect(await store.channelsOf(app, 'alice', b.sessionId)).to.deep.equal(['two']);
    expect(await store.channelsOf(app, 'nobody', 'x')).to.deep.equal([]);
  });

  it('keeps attributes in first-set order (an update keeps its place, a re-set after a delete goes last)', async () => {
    await store.join(app, 'room', member('alice'));
    for (const name of ['a', 'b', 'c']) expect(await store.setAttr(app, 'room', name, bytes(`${name}1`))).to.equal(null);
    expect(await store.setAttr(app, 'room', 'a', bytes('a2'))).to.equal(null);
    expect((await store.attrs(app, 'room')).map(([n, v]) => `${n}=${text(v)}`)).to.deep.equal(['a=a2', 'b=b1', 'c=c1']);
    expect(await store.delAttr(app, 'room', 'b')).to.equal(null);
    expect(await store.setAttr(app, 'room', 'b', bytes('b2'))).to.equal(null);
    const joined = await store.join(app, 'room', member('bob'));
    expect(joined.attrs.map(([n, v]) => `${n}=${text(v)}`)).to.deep.equal(['a=a2', 'c=c1', 'b=b2']);
    expect(await store.delAttr(app, 'room', 'missing')).to.equal(null);
    await store.clearAttrs(app, 'room');
    expect(await store.attrs(app, 'room')).to.deep.equal([]);
    expect(await store.count(app, 'room'), 'clearing attributes keeps the members').to.equal(2);
    const binary = new Uint8Array([0, 255, 128, 10]);
    expect(await store.setAttr(app, 'room', '\u00e9t\u00e9', binary)).to.equal(null);
    const [[name, value]] = await store.attrs(app, 'room');
    expect(name).to.equal('\u00e9t\u00e9');
    expect([...value]).to.deep.equal([...binary]);
  });

  it('refuses attributes over the count and byte bounds of a channel (1005), changing nothing', async () => {
    await store.join(app, 'room', member('alice'));
    for (const name of ['a', 'b', 'c', 'd']) expect(await store.setAttr(app, 'room', name, bytes('x'))).to.equal(null);
    const count = await store.setAttr(app, 'room', 'e', bytes('x'));
    expect(count).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: 'channel room holds at most 4 attributes' });
    expect(await store.setAttr(app, 'room', 'a', bytes('updated')), 'an update is no new attribute').to.equal(null);
    const big = await store.setAttr(app, 'room', 'b', new Uint8Array(190));
    expect(big).to.deep.equal({
      code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM,
      text: 'channel room would hold 203 bytes of attributes (names and values), at most 200 allowed',
    });
    expect((await store.attrs(app, 'room')).map(([n, v]) => `${n}=${text(v)}`)).to.deep.equal(['a=updated', 'b=x', 'c=x', 'd=x']);
    expect(await store.delAttr(app, 'room', 'd')).to.equal(null);
    expect(await store.setAttr(app, 'room', 'b', new Uint8Array(180)), 'the bytes of a deleted attribute are given back').to.equal(null);
  });

  it('refuses a channel with attributes and no members beyond the App ID bound (1001)', async () => {
    expect(await store.setAttr(app, 'idle1', 'a', bytes('1'))).to.equal(null);
    expect(await store.setAttr(app, 'idle2', 'a', bytes('1'))).to.equal(null);
    expect(await store.setAttr(app, 'idle1', 'b', bytes('1')), 'an idle channel takes more attributes').to.equal(null);
    expect(await store.setAttr(app, 'idle3', 'a', bytes('1'))).to.deep.equal({
      code: AGORA_E_CODE.GENERAL_E_FAILED,
      text: 'the App ID already has 2 channels with attributes and no members, at most 2 allowed (join the channel first)',
    });
    expect(await store.attrs(app, 'idle3')).to.deep.equal([]);
    await store.join(app, 'idle3', member('alice'));
    expect(await store.setAttr(app, 'idle3', 'a', bytes('1')), 'a channel with members is not idle').to.equal(null);
    expect(await store.setAttr(app, '__agora_user_online', 'a', bytes('1')), 'special channels are exempt').to.equal(null);
    const m = member('bob');
    await store.join(app, 'idle1', m);
    expect(await store.setAttr(app, 'idle4', 'a', bytes('1')), 'a join makes room').to.equal(null);
  });

  it('keeps the attributes of a channel without members for its TTL (default, then _channel_ttl), and a join keeps them for good', async () => {
    const a = member('alice');
    await store.join(app, 'room', a);
    await store.setAttr(app, 'room', 'topic', bytes('t'));
    await store.leave(app, 'room', 'alice', a.sessionId);
    expect((await store.attrs(app, 'room')).length).to.equal(1);
    await sleep(200);
    expect((await store.attrs(app, 'room')).length, 'within the default TTL of 0.4 s').to.equal(1);
    await sleep(400);
    expect(await store.attrs(app, 'room'), 'past the default TTL').to.deep.equal([]);

    await store.setAttr(app, 'short', '_channel_ttl', bytes('0.2'));
    await sleep(350);
    expect(await store.attrs(app, 'short'), 'its own TTL of 0.2 s').to.deep.equal([]);

    await store.setAttr(app, 'kept', 'topic', bytes('t'));
    await sleep(150);
    const b = member('bob');
    await store.join(app, 'kept', b);
    await sleep(450);
    expect((await store.attrs(app, 'kept')).length, 'a member ends the countdown').to.equal(1);
    await store.leave(app, 'kept', 'bob', b.sessionId);
    await store.setAttr(app, 'kept', '_channel_ttl', bytes('0'));
    await sleep(50);
    expect(await store.attrs(app, 'kept'), 'a TTL of 0 set while counting down ends it').to.deep.equal([]);

    const c = member('carol');
    await store.join(app, 'plain', c);
    await store.leave(app, 'plain', 'carol', c.sessionId);
    expect(await store.count(app, 'plain')).to.equal(0);
    expect(await store.attrs(app, 'plain')).to.deep.equal([]);
  });

  it('limits channel messages per user (all channels) and per channel (_sendmsg_limit when set); refused ones are not counted', async () => {
    await store.join(app, 'a', member('alice'));
    await store.join(app, 'b', member('alice'));
    await startOfSecond();
    for (let i = 0; i < 3; i++) expect(await store.admitMessage(app, 'a', 'alice')).to.equal(null);
    expect(await store.admitMessage(app, 'a', 'alice')).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: channel a carries at most 3 messages a second' });
    expect(await store.admitMessage(app, 'b', 'alice'), 'the refused one did not count for the user').to.equal(null);
    expect(await store.admitMessage(app, 'b', 'alice')).to.equal(null);
    expect(await store.admitMessage(app, 'b', 'alice')).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: a user sends at most 5 channel messages a second' });
    expect(await store.admitMessage(app, 'b', 'bob'), 'another user has a window of its own').to.equal(null);

    await store.join(app, 'c', member('carol'));
    expect(await store.setAttr(app, 'c', '_sendmsg_limit', bytes('1'))).to.equal(null);
    await startOfSecond();
    expect(await store.admitMessage(app, 'c', 'carol')).to.equal(null);
    expect(await store.admitMessage(app, 'c', 'dave')).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: channel c carries at most 1 messages a second (_sendmsg_limit)' });
    await store.setAttr(app, 'c', '_sendmsg_limit', bytes('0'));
    await startOfSecond();
    for (let i = 0; i < 3; i++) expect(await store.admitMessage(app, 'c', `u${i}`), '0: the server default applies').to.equal(null);
    expect((await store.admitMessage(app, 'c', 'u9'))?.text).to.equal('rate limit: channel c carries at most 3 messages a second');
    expect(await store.admitMessage(app, 'nowhere', 'erin'), 'a channel that does not exist has no window').to.equal(null);
  });

  it('limits peer-to-peer messages per user', async () => {
    await startOfSecond();
    expect(await store.admitPeerMessage(app, 'alice')).to.equal(null);
    expect(await store.admitPeerMessage(app, 'alice')).to.equal(null);
    expect(await store.admitPeerMessage(app, 'alice')).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: a user sends at most 2 peer-to-peer messages a second' });
    expect(await store.admitPeerMessage(app, 'bob')).to.equal(null);
    await startOfSecond();
    expect(await store.admitPeerMessage(app, 'alice'), 'a new second').to.equal(null);
  });

  it('limits writes of one attribute per second with _setattr_limit (1001)', async () => {
    await store.join(app, 'room', member('alice'));
    await store.setAttr(app, 'room', '_setattr_limit', bytes('2'));
    await startOfSecond();
    expect(await store.setAttr(app, 'room', 'x', bytes('1'))).to.equal(null);
    expect(await store.setAttr(app, 'room', 'x', bytes('2'))).to.equal(null);
    expect(await store.setAttr(app, 'room', 'x', bytes('3'))).to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: attribute x changes at most 2 times a second (_setattr_limit)' });
    expect(await store.delAttr(app, 'room', 'x'), 'a delete is a write too').to.deep.equal({ code: AGORA_E_CODE.GENERAL_E_FAILED, text: 'rate limit: attribute x changes at most 2 times a second (_setattr_limit)' });
    expect(await store.setAttr(app, 'room', 'y', bytes('1')), 'each attribute has its own count').to.equal(null);
    expect((await store.attrs(app, 'room')).find(([n]) => n === 'x')?.[1]).to.deep.equal(bytes('2'));
    await startOfSecond();
    expect(await store.delAttr(app, 'room', 'x')).to.equal(null);
  });

  it('writes _member_num every _auto_update_num seconds after a change and tells its listener', async () => {
    const written: string[] = [];
    store.setListener({ attrWrittenBySystem: (appId, channel, name, value) => appId === app && written.push(`${channel} ${name}=${text(value)}`) });
    const a = member('alice');
    await store.join(app, 'room', a);
    await store.setAttr(app, 'room', '_auto_update_num', bytes('1'));
    await store.join(app, 'room', member('bob'));
    await sleep(600);
    expect(written, 'not before a second').to.deep.equal([]);
    await sleep(700);
    expect(written).to.deep.equal(['room _member_num=2']);
    expect((await store.attrs(app, 'room')).map(([n, v]) => `${n}=${text(v)}`)).to.deep.equal(['_auto_update_num=1', '_member_num=2']);
    await store.leave(app, 'room', 'alice', a.sessionId);
    await sleep(1300);
    expect(written).to.deep.equal(['room _member_num=2', 'room _member_num=1']);
  });
}

describe('11-cluster: the ChannelStore contract', function () {
  this.timeout(60_000);

  describe('MemoryChannelStore', () => contract(memoryFactory(false)));

  describe('MemoryChannelStore answering a few ms later', () => contract(memoryFactory(true)));

  describe('RedisChannelStore on one redis-server', () => {
    let stop: () => Promise<void>;
    let client: RedisClient;
    before(async () => {
      const redis = await startRedis();
      client = openRedis({ kind: 'single', url: redis.url }, 'contract');
      stop = async () => {
        client.disconnect();
        await redis.stop();
      };
    });
    after(async () => stop());
    contract(redisFactory(() => client));
  });

  describe('RedisChannelStore on a Redis Cluster of three masters', () => {
    let stop: () => Promise<void>;
    let client: RedisClient;
    before(async () => {
      const cluster = await startRedisCluster();
      client = openRedis({ kind: 'cluster', seeds: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) }, 'contract');
      stop = async () => {
        client.disconnect();
        await cluster.stop();
      };
    });
    after(async () => stop());
    contract(redisFactory(() => client));
  });
});
