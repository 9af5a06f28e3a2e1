import { expect } from 'chai';
import { accountKey } from '../../lib/server/redis/keys';
import { RedisOfflineMessageStore } from '../../lib/server/redis/redis-offline-message-store';
import { Scheduler } from '../../lib/server/state/scheduler';
import { MemoryOfflineMessageStore, OfflineBounds } from '../../lib/server/state/memory-offline-message-store';
import type { HeldMessage, OfflineMessageStore } from '../../lib/server/state/offline-message-store';
import { SlowOfflineMessageStore } from './slow-stores';
import { BACKEND_KINDS, eventually, sleep, StoreBackend } from './store-backends';

const LOOSE: OfflineBounds = { maxMessagesPerApp: 1000, maxBytesPerApp: 1_000_000, maxMessagesPerAccount: 100 };

let nextId = 1;
function message(text: string, ttlMs = 60_000, from = 'sender'): HeldMessage {
  return {
    serverMsgId: nextId++,
    fromAccount: from,
    fromAccountBytes: new Uint8Array(Buffer.from(from, 'latin1')),
    fromUid: 42,
    fromSessionId: `session-of-${from}`,
    msg: new Uint8Array(Buffer.from(text, 'latin1')),
    expiresAtMs: Date.now() + ttlMs,
  };
}

const texts = (held: readonly HeldMessage[]): string[] => held.map((m) => Buffer.from(m.msg).toString('latin1'));

interface Expiry {
  appId: string;
  account: string;
  message: HeldMessage;
}

for (const kind of BACKEND_KINDS) {
  describe(`11-cluster: OfflineMessageStore contract (${kind})`, function () {
    this.timeout(60_000);
    const backend = new StoreBackend(kind);
    let opened: { store: OfflineMessageStore; scheduler: Scheduler }[] = [];

    before(() => backend.start());
    after(() => backend.stop());
    beforeEach(() => backend.reset());
    afterEach(async () => {
      for (const { store, scheduler } of opened.splice(0)) {
        store.close();
        scheduler.stop();
      }
      await backend.closeConnections();
    });

    /** A store whose listener records every expiry into `expired`. */
    function make(bounds: OfflineBounds = LOOSE, expired: Expiry[] = []): OfflineMessageStore {
      const scheduler = new Scheduler();
      let store: OfflineMessageStore;
      if (kind === 'memory') store = new MemoryOfflineMessageStore(scheduler, bounds);
      else if (kind === 'slow') store = new SlowOfflineMessageStore(new MemoryOfflineMessageStore(scheduler, bounds));
      else store = new RedisOfflineMessageStore(backend.connect(), bounds, { poller: { intervalMs: 20 } });
      store.setListener({ expired: (appId, account, m) => expired.push({ appId, account, message: m }) });
      opened.push({ store, scheduler });
      return store;
    }

    it('hands back every field of every message held for an account, oldest first, once', async () => {
      const store = make();
      const odd = '\x00{}\xff';
      const first = message(`one${odd}`, 60_000, `from${odd}`);
      const second = message('two');
      expect(await store.hold('app', 'bob', first)).to.equal(null);
      expect(await store.hold('app', 'bob', second)).to.equal(null);
      expect(await store.hold('app', 'carol', message('for carol'))).to.equal(null);
      expect(await store.hold('ap', 'pbob', message('other app'))).to.equal(null);
      const taken = await store.takeAll('app', 'bob');
      expect(taken.map((m) => ({ ...m, msg: [...m.msg], fromAccountBytes: [...m.fromAccountBytes] }))).to.deep.equal(
        [first, second].map((m) => ({ ...m, msg: [...m.msg], fromAccountBytes: [...m.fromAccountBytes] })),
      );
      expect(await store.takeAll('app', 'bob')).to.deep.equal([]);
      expect(texts(await store.takeAll('app', 'carol'))).to.deep.equal(['for carol']);
      expect(texts(await store.takeAll('ap', 'pbob'))).to.deep.equal(['other app']);
      expect(await store.takeAll('app', 'nobody')).to.deep.equal([]);
    });

    it('refuses beyond the messages per account with 400, and takes again once they are taken', async () => {
      const store = make({ ...LOOSE, maxMessagesPerAccount: 2 });
      await store.hold('app', 'bob', message('1'));
      await store.hold('app', 'bob', message('2'));
      expect(await store.hold('app', 'bob', message('3'))).to.deep.equal({
        code: 400,
        text: 'the peer is offline and already has 2 messages held (the bound per account)',
      });
      expect(await store.hold('app', 'carol', message('c'))).to.equal(null);
      expect(texts(await store.takeAll('app', 'bob'))).to.deep.equal(['1', '2']);
      expect(await store.hold('app', 'bob', message('4'))).to.equal(null);
    });

    it('refuses beyond the messages and bytes per App ID with 400; other App IDs are not affected', async () => {
      const refusal = { code: 400, text: 'the peer is offline and the App ID holds the most it may (3 messages, 10 bytes)' };
      const store = make({ maxMessagesPerApp: 3, maxBytesPerApp: 10, maxMessagesPerAccount: 100 });
      expect(await store.hold('app', 'a', message('1234'))).to.equal(null);
      expect(await store.hold('app', 'b', message('12345'))).to.equal(null);
      expect(await store.hold('app', 'c', message('12'))).to.deep.equal(refusal); // 11 bytes
      expect(await store.hold('app', 'c', message('1'))).to.equal(null); // 3 messages, 10 bytes
      expect(await store.hold('app', 'd', message(''))).to.deep.equal(refusal); // 4 messages
      expect(await store.hold('other', 'd', message('1234567890'))).to.equal(null);
      await store.takeAll('app', 'b');
      expect(await store.hold('app', 'd', message('12345'))).to.equal(null);
    });

    it('refuses beyond the messages and bytes of every App ID together with 400', async () => {
      const refusal = { code: 400, text: 'the peer is offline and the server holds the most it may for offline peers (2 messages, 8 bytes, all App IDs together)' };
      const store = make({ ...LOOSE, maxMessagesTotal: 2, maxBytesTotal: 8 });
      expect(await store.hold('a1', 'x', message('12345'))).to.equal(null);
      expect(await store.hold('a2', 'x', message('1234'))).to.deep.equal(refusal);
      expect(await store.hold('a2', 'x', message('123'))).to.equal(null);
      expect(await store.hold('a3', 'x', message(''))).to.deep.equal(refusal);
      await store.takeAll('a1', 'x');
      expect(await store.hold('a3', 'x', message('12345'))).to.equal(null);
    });

    it('names the account bound first when several are reached', async () => {
      const store = make({ maxMessagesPerApp: 1, maxBytesPerApp: 100, maxMessagesPerAccount: 1, maxMessagesTotal: 1 });
      await store.hold('app', 'bob', message('1'));
      expect(await store.hold('app', 'bob', message('2'))).to.deep.equal({ code: 400, text: 'the peer is offline and already has 1 messages held (the bound per account)' });
    });

    it('expires a message when its time runs out, once, and frees its room', async () => {
      const expired: Expiry[] = [];
      const store = make({ ...LOOSE, maxMessagesPerAccount: 1 }, expired);
      const short = message('short', 300);
      expect(await store.hold('app', 'bob', short)).to.equal(null);
      expect(await store.hold('app', 'carol', message('long'))).to.equal(null);
      await sleep(150);
      expect(expired).to.have.length(0);
      expect(await eventually(() => expired.length > 0, 3000)).to.equal(true);
      expect(expired.map((e) => [e.appId, e.account, e.message.serverMsgId, e.message.fromSessionId])).to.deep.equal([['app', 'bob', short.serverMsgId, 'session-of-sender']]);
      expect(texts([expired[0].message])).to.deep.equal(['short']);
      expect(Date.now()).to.be.at.least(short.expiresAtMs);
      await sleep(300);
      expect(expired).to.have.length(1);
      expect(await store.takeAll('app', 'bob')).to.deep.equal([]);
      expect(await store.hold('app', 'bob', message('again'))).to.equal(null);
      expect(texts(await store.takeAll('app', 'carol'))).to.deep.equal(['long']);
    });

    it('reports expiries in the order the times run out', async () => {
      const expired: Expiry[] = [];
      const store = make(LOOSE, expired);
      const sent = [message('a', 260), message('b', 200), message('c', 230), message('d', 215)];
      for (const [i, m] of sent.entries()) await store.hold('app', `acct${i % 2}`, m);
      expect(await eventually(() => expired.length === sent.length, 3000)).to.equal(true);
      expect(expired.map((e) => texts([e.message])[0])).to.deep.equal(['b', 'd', 'c', 'a']);
    });

    it('a message taken before its time runs out never expires', async () => {
      const expired: Expiry[] = [];
      const store = make(LOOSE, expired);
      await store.hold('app', 'bob', message('quick', 250));
      expect(texts(await store.takeAll('app', 'bob'))).to.deep.equal(['quick']);
      await sleep(600);
      expect(expired).to.deep.equal([]);
    });

    if (!backend.shared) {
      it('never answers online', async () => {
        const store = make();
        expect(await store.hold('app', 'bob', message('x'))).to.equal(null);
      });
    }

    if (backend.shared) {
      it("answers 'online' and holds nothing while the account has a directory entry", async () => {
        const store = make({ ...LOOSE, maxMessagesTotal: 1 });
        const directory = backend.connect();
        await directory.hset(accountKey('app', 'bob', 'session'), 'node', 'n1', 'sessionId', 's1');
        expect(await store.hold('app', 'bob', message('x'))).to.equal('online');
        expect(await store.takeAll('app', 'bob')).to.deep.equal([]);
        // Nothing counted either: the one message the bound allows still fits.
        expect(await store.hold('app', 'carol', message('y'))).to.equal(null);
      });

      it('a message is held before the entry is registered (and taken) or answered online: never stranded', async () => {
        const store = make();
        const other = make();
        const directory = backend.connect();
        for (let round = 0; round < 5; round++) {
          const account = `peer${round}`;
          const sent = Array.from({ length: 40 }, (_, i) => message(`m${i}`));
          const answers = sent.map((m, i) => (i % 2 === 0 ? store : other).hold('app', account, m));
          await sleep(round * 2);
          await directory.hset(accountKey('app', account, 'session'), 'node', 'n1', 'sessionId', 's1');
          const taken = await other.takeAll('app', account);
          const results = await Promise.all(answers);
          const held = sent.filter((_, i) => results[i] === null).map((m) => m.serverMsgId);
          expect(results.every((r) => r === null || r === 'online')).to.equal(true);
          expect(taken.map((m) => m.serverMsgId).sort((a, b) => a - b)).to.deep.equal(held.sort((a, b) => a - b));
          expect(await store.takeAll('app', account)).to.deep.equal([]);
        }
      });

      it('two nodes polling one Redis expire each message exactly once', async () => {
        const expiredA: Expiry[] = [];
        const expiredB: Expiry[] = [];
        const a = make(LOOSE, expiredA);
        const b = make(LOOSE, expiredB);
        const sent = Array.from({ length: 30 }, (_, i) => message(`m${i}`, 200 + (i % 5) * 20));
        await Promise.all(sent.map((m, i) => (i % 2 === 0 ? a : b).hold('app', `acct${i % 4}`, m)));
        expect(await eventually(() => expiredA.length + expiredB.length >= sent.length, 5000)).to.equal(true);
        await sleep(300);
        const ids = [...expiredA, ...expiredB].map((e) => e.message.serverMsgId).sort((x, y) => x - y);
        expect(ids).to.deep.equal(sent.map((m) => m.serverMsgId).sort((x, y) => x - y));
      });

      it('two nodes taking the same account at once hand out each message once', async () => {
        const a = make();
        const b = make();
        const sent = Array.from({ length: 20 }, (_, i) => message(`m${i}`));
        for (const m of sent) await a.hold('app', 'bob', m);
        const [fromA, fromB] = await Promise.all([a.takeAll('app', 'bob'), b.takeAll('app', 'bob')]);
        expect([...fromA, ...fromB].map((m) => m.serverMsgId)).to.deep.equal(sent.map((m) => m.serverMsgId));
        expect(fromA.length === 0 || fromB.length === 0).to.equal(true);
      });

      it('the bounds per App ID hold over two nodes holding at once', async () => {
        const bounds = { maxMessagesPerApp: 10, maxBytesPerApp: 1000, maxMessagesPerAccount: 100 };
        const a = make(bounds);
        const b = make(bounds);
        const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).hold('app', `acct${i % 3}`, message(`m${i}`))));
        expect(results.filter((r) => r === null)).to.have.length(10);
        const held = (await Promise.all([0, 1, 2].map((i) => a.takeAll('app', `acct${i}`)))).flat();
        expect(held).to.have.length(10);
      });
    }
  });
}
