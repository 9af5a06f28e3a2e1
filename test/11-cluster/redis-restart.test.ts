import { expect } from 'chai';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { RedisInviteStore } from '../../lib/server/redis/redis-invite-store';
import { RedisOfflineMessageStore } from '../../lib/server/redis/redis-offline-message-store';
import { RedisUserAttrStore } from '../../lib/server/redis/redis-user-attr-store';
import type { HeldMessage } from '../../lib/server/state/offline-message-store';
import { RedisProcess, startRedis } from '../support/redis-server';
import { eventually, sleep } from './store-backends';

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const s = (u: Uint8Array): string => Buffer.from(u).toString('latin1');

function held(id: number, text: string, ttlMs: number): HeldMessage {
  return { serverMsgId: id, fromAccount: 'alice', fromAccountBytes: b('alice'), fromUid: 5, fromSessionId: 's-alice', msg: b(text), expiresAtMs: Date.now() + ttlMs };
}

describe('11-cluster: state on Redis survives a restart of Redis (append-only file)', function () {
  this.timeout(60_000);
  let redis: RedisProcess | null = null;
  const clients: RedisClient[] = [];
  const closers: (() => void)[] = [];

  function connect(): RedisClient {
    const client = openRedis({ kind: 'single', url: redis!.url }, 'restart-test');
    // Reconnect attempts while Redis is down are expected here; the stores' calls carry the errors.
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  async function disconnect(): Promise<void> {
    for (const close of closers.splice(0)) close();
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }

  afterEach(async () => {
    await disconnect();
    await redis?.stop();
    redis = null;
  });

  it('keeps user attributes, their total, held messages with their time to live, and invitations', async () => {
    redis = await startRedis({ appendOnly: true });
    const bounds = { maxAttrsPerAccount: 10, maxBytesPerAccount: 0, maxBytesTotal: 12 };
    const heldBounds = { maxMessagesPerApp: 100, maxBytesPerApp: 1000, maxMessagesPerAccount: 3 };
    let client = connect();
    const attrs = new RedisUserAttrStore(client, bounds);
    expect(await attrs.set('app', 'bob', 'b', b('2'))).to.equal(null);
    expect(await attrs.set('app', 'bob', 'a', b('\x00\xff1'))).to.equal(null);
    expect(await attrs.set('app', 'carol', 'n', b('1234'))).to.equal(null); // 12 bytes in all
    const offline = new RedisOfflineMessageStore(client, heldBounds);
    closers.push(() => offline.close());
    const soon = held(1, 'expires soon', 1500);
    const later = held(2, 'kept', 60_000);
    expect(await offline.hold('app', 'bob', soon)).to.equal(null);
    expect(await offline.hold('app', 'bob', later)).to.equal(null);
    expect(await offline.hold('app', 'bob', held(3, 'third', 60_000))).to.equal(null);
    const invites = new RedisInviteStore(client);
    closers.push(() => invites.close());
    const answerDeadlineMs = Date.now() + 60_000;
    await invites.add({
      id: 'inv-1', appId: 'app', channel: 'ch', caller: { account: 'alice', accountBytes: b('alice'), uid: 5, sessionId: 's-alice' },
      callee: 'bob', phone: false, target: 'bob', extra: b(''), deliveredExtra: b(''), state: 'waiting', holder: null,
      answerDeadlineMs, offlineDeadlineMs: answerDeadlineMs,
    });

    await disconnect();
    const { port, dir } = redis;
    await redis.stop(true);
    redis = await startRedis({ appendOnly: true, port, dir });

    client = connect();
    const attrsAfter = new RedisUserAttrStore(client, bounds);
    expect((await attrsAfter.getAll('app', 'bob')).map(([n, v]) => [n, s(v)])).to.deep.equal([['b', '2'], ['a', '\x00\xff1']]);
    expect(s((await attrsAfter.get('app', 'carol', 'n'))!)).to.equal('1234');
    // The total over every account was kept too: still full.
    expect((await attrsAfter.set('app', 'dave', 'n', b('1')))?.code).to.equal(1001);

    const expired: HeldMessage[] = [];
    const offlineAfter = new RedisOfflineMessageStore(client, heldBounds, { poller: { intervalMs: 20 } });
    closers.push(() => offlineAfter.close());
    offlineAfter.setListener({ expired: (_app, _account, m) => expired.push(m) });
    // The per-account bound counts what survived.
    expect(await offlineAfter.hold('app', 'bob', held(4, 'fourth', 60_000))).to.deep.include({ code: 400 });
    expect(await eventually(() => expired.length > 0, 5000)).to.equal(true);
    expect(Date.now()).to.be.at.least(soon.expiresAtMs);
    await sleep(100);
    expect(expired.map((m) => [m.serverMsgId, s(m.msg), m.fromSessionId])).to.deep.equal([[1, 'expires soon', 's-alice']]);
    const taken = await offlineAfter.takeAll('app', 'bob');
    expect(taken.map((m) => [m.serverMsgId, s(m.msg), m.expiresAtMs])).to.deep.equal([[2, 'kept', later.expiresAtMs], [3, 'third', taken[1].expiresAtMs]]);

    const invitesAfter = new RedisInviteStore(client);
    closers.push(() => invitesAfter.close());
    const found = await invitesAfter.find('app', 'ch', 'alice', 'bob');
    expect([found?.id, found?.state, found?.answerDeadlineMs]).to.deep.equal(['inv-1', 'waiting', answerDeadlineMs]);
    expect((await invitesAfter.waitingFor('app', 'bob')).map((i) => i.id)).to.deep.equal(['inv-1']);
  });

  it('while Redis is away calls fail within the command timeout, nothing crashes, and all works again once it is back', async () => {
    redis = await startRedis({ appendOnly: true });
    const client = connect();
    const errors: unknown[] = [];
    const attrs = new RedisUserAttrStore(client, { maxAttrsPerAccount: 10, maxBytesPerAccount: 0, maxBytesTotal: 0 });
    const offline = new RedisOfflineMessageStore(client, { maxMessagesPerApp: 10, maxBytesPerApp: 1000, maxMessagesPerAccount: 10 }, {
      poller: { intervalMs: 20 },
      onError: (e) => errors.push(e),
    });
    closers.push(() => offline.close());
    const expired: HeldMessage[] = [];
    offline.setListener({ expired: (_app, _account, m) => expired.push(m) });
    expect(await attrs.set('app', 'bob', 'n', b('v'))).to.equal(null);
    const due = held(1, 'due while away', 1000);
    expect(await offline.hold('app', 'bob', due)).to.equal(null);

    const { port, dir } = redis;
    await redis.kill();
    const started = Date.now();
    let failure: unknown = null;
    try {
      await attrs.get('app', 'bob', 'n');
    } catch (e) {
      failure = e;
    }
    expect(failure).to.be.instanceOf(Error);
    expect(Date.now() - started).to.be.below(5000);
    await sleep(1200);
    expect(errors.length).to.be.above(0);
    expect(expired).to.deep.equal([]);

    redis = await startRedis({ appendOnly: true, port, dir });
    expect(await eventually(() => expired.length > 0, 10_000)).to.equal(true);
    expect(expired.map((m) => m.serverMsgId)).to.deep.equal([1]);
    expect(s((await attrs.get('app', 'bob', 'n'))!)).to.equal('v');
  });
});
