import { expect } from 'chai';
import { RedisUserAttrStore } from '../../lib/server/redis/redis-user-attr-store';
import { MemoryUserAttrStore, UserAttrBounds } from '../../lib/server/state/memory-user-attr-store';
import type { UserAttrStore } from '../../lib/server/state/user-attr-store';
import { SlowUserAttrStore } from './slow-stores';
import { BACKEND_KINDS, StoreBackend } from './store-backends';

const LOOSE: UserAttrBounds = { maxAttrsPerAccount: 100, maxBytesPerAccount: 0, maxBytesTotal: 0 };
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const str = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('latin1'));

for (const kind of BACKEND_KINDS) {
  describe(`11-cluster: UserAttrStore contract (${kind})`, function () {
    this.timeout(60_000);
    const backend = new StoreBackend(kind);

    before(() => backend.start());
    after(() => backend.stop());
    beforeEach(() => backend.reset());
    afterEach(() => backend.closeConnections());

    function make(bounds: UserAttrBounds = LOOSE): UserAttrStore {
      if (kind === 'memory') return new MemoryUserAttrStore(bounds);
      if (kind === 'slow') return new SlowUserAttrStore(new MemoryUserAttrStore(bounds));
      return new RedisUserAttrStore(backend.connect(), bounds);
    }

    async function all(store: UserAttrStore, app: string, account: string): Promise<[string, string][]> {
      return (await store.getAll(app, account)).map(([n, v]) => [n, str(v)!]);
    }

    it('answers what was set, every attribute in the order it was first set', async () => {
      const store = make();
      expect(await store.set('app', 'alice', 'b', bytes('2'))).to.equal(null);
      expect(await store.set('app', 'alice', 'a', bytes('1'))).to.equal(null);
      expect(await store.set('app', 'alice', 'c', bytes('3'))).to.equal(null);
      // Overwriting keeps the place; deleting and setting again moves it to the end.
      expect(await store.set('app', 'alice', 'b', bytes('22'))).to.equal(null);
      expect(await store.set('app', 'alice', 'a', new Uint8Array(0))).to.equal(null);
      expect(await store.set('app', 'alice', 'a', bytes('11'))).to.equal(null);
      expect(await all(store, 'app', 'alice')).to.deep.equal([['b', '22'], ['c', '3'], ['a', '11']]);
      expect(str(await store.get('app', 'alice', 'b'))).to.equal('22');
      expect(await store.get('app', 'alice', 'zzz')).to.equal(undefined);
      expect(await store.getAll('app', 'nobody')).to.deep.equal([]);
    });

    it('keeps any byte of names, values, accounts and App IDs, and keeps accounts and App IDs apart', async () => {
      const store = make();
      const odd = '{}\x00\xff:\n';
      expect(await store.set(odd, odd, odd, bytes(`v${odd}`))).to.equal(null);
      expect(await store.set('ab', 'c', 'n', bytes('ab/c'))).to.equal(null);
      expect(await store.set('a', 'bc', 'n', bytes('a/bc'))).to.equal(null);
      expect(await all(store, odd, odd)).to.deep.equal([[odd, `v${odd}`]]);
      expect(str(await store.get('ab', 'c', 'n'))).to.equal('ab/c');
      expect(str(await store.get('a', 'bc', 'n'))).to.equal('a/bc');
      expect(await store.get('ab', 'bc', 'n')).to.equal(undefined);
    });

    it('deleting an attribute that is not set changes nothing', async () => {
      const store = make();
      await store.set('app', 'bob', 'x', bytes('1'));
      expect(await store.set('app', 'bob', 'y', new Uint8Array(0))).to.equal(null);
      expect(await all(store, 'app', 'bob')).to.deep.equal([['x', '1']]);
    });

    it('refuses a new attribute beyond the count per account with 1005, but overwrites at the bound', async () => {
      const store = make({ maxAttrsPerAccount: 2, maxBytesPerAccount: 0, maxBytesTotal: 0 });
      await store.set('app', 'carol', 'a', bytes('1'));
      await store.set('app', 'carol', 'b', bytes('2'));
      expect(await store.set('app', 'carol', 'c', bytes('3'))).to.deep.equal({ code: 1005, text: 'an account holds at most 2 attributes' });
      expect(await store.set('app', 'carol', 'a', bytes('one'))).to.equal(null);
      expect(await store.set('app', 'dave', 'c', bytes('3'))).to.equal(null);
      expect(await all(store, 'app', 'carol')).to.deep.equal([['a', 'one'], ['b', '2']]);
    });

    it('refuses growth beyond the bytes per account with 1005, naming the size it would reach; shrinking is fine', async () => {
      const store = make({ maxAttrsPerAccount: 100, maxBytesPerAccount: 10, maxBytesTotal: 0 });
      expect(await store.set('app', 'erin', 'ab', bytes('12345678'))).to.equal(null); // 10 bytes
      expect(await store.set('app', 'erin', 'c', bytes('1'))).to.deep.equal({
        code: 1005,
        text: "the account's attributes would be 12 bytes (names and values), at most 10 allowed",
      });
      expect(await store.set('app', 'erin', 'ab', bytes('123456789'))).to.deep.equal({
        code: 1005,
        text: "the account's attributes would be 11 bytes (names and values), at most 10 allowed",
      });
      expect(await store.set('app', 'erin', 'ab', bytes('1'))).to.equal(null); // 3 bytes
      expect(await store.set('app', 'erin', 'c', bytes('1234'))).to.equal(null); // 8 bytes
      expect(await all(store, 'app', 'erin')).to.deep.equal([['ab', '1'], ['c', '1234']]);
    });

    it('refuses growth beyond the bytes of every account together with 1001, and deleting makes room again', async () => {
      const store = make({ maxAttrsPerAccount: 100, maxBytesPerAccount: 0, maxBytesTotal: 20 });
      expect(await store.set('app', 'u1', 'n', bytes('123456789'))).to.equal(null); // 10
      expect(await store.set('other', 'u2', 'n', bytes('123456789'))).to.equal(null); // 20
      const full = { code: 1001, text: 'the server holds the most bytes of user attributes it may (20, all accounts together)' };
      expect(await store.set('app', 'u3', 'n', bytes('1'))).to.deep.equal(full);
      expect(await store.set('app', 'u1', 'n', bytes('1234567890'))).to.deep.equal(full);
      // Same size and smaller need no room.
      expect(await store.set('app', 'u1', 'n', bytes('987654321'))).to.equal(null);
      expect(await store.set('app', 'u1', 'n', bytes('1234'))).to.equal(null); // 15
      expect(await store.set('app', 'u3', 'n', bytes('1234'))).to.equal(null); // 20
      expect(await store.set('app', 'u3', 'm', bytes('1'))).to.deep.equal(full);
      expect(await store.set('other', 'u2', 'n', new Uint8Array(0))).to.equal(null); // 10
      expect(await store.set('app', 'u3', 'm', bytes('123456789'))).to.equal(null); // 20
      expect(await store.get('other', 'u2', 'n')).to.equal(undefined);
    });

    if (backend.shared) {
      it('two nodes see one state, and the total bound holds over both', async () => {
        const bounds = { maxAttrsPerAccount: 100, maxBytesPerAccount: 0, maxBytesTotal: 20 };
        const a = make(bounds);
        const b = make(bounds);
        expect(await a.set('app', 'x', 'n', bytes('123456789'))).to.equal(null);
        expect(str(await b.get('app', 'x', 'n'))).to.equal('123456789');
        expect(await b.set('app', 'y', 'n', bytes('123456789'))).to.equal(null);
        expect((await a.set('app', 'z', 'n', bytes('1')))?.code).to.equal(1001);
        expect(await a.set('app', 'y', 'n', new Uint8Array(0))).to.equal(null);
        expect(await b.set('app', 'z', 'n', bytes('1'))).to.equal(null);
        expect(await all(a, 'app', 'z')).to.deep.equal([['n', '1']]);
      });

      it('of many concurrent writes from two nodes, exactly as many as fit the total bound are taken', async () => {
        const bounds = { maxAttrsPerAccount: 100, maxBytesPerAccount: 0, maxBytesTotal: 100 };
        const nodes = [make(bounds), make(bounds)];
        // 10 bytes each (name 2, value 8): ten fit.
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) => nodes[i % 2].set('app', `acct${i % 7}`, `n${i % 10}`, bytes(String(i).padStart(8, '0')))),
        );
        const kept = (await Promise.all(Array.from({ length: 7 }, (_, i) => nodes[0].getAll('app', `acct${i}`)))).flat();
        const keptBytes = kept.reduce((sum, [n, v]) => sum + n.length + v.length, 0);
        expect(keptBytes).to.be.at.most(100);
        // Refusals happen only when the bound is really reached: what is kept fills it.
        expect(keptBytes).to.equal(100);
        expect(answers.filter((a) => a !== null).every((a) => a!.code === 1001)).to.equal(true);
      });
    }
  });
}
