import { expect } from 'chai';
import { randomUUID } from 'crypto';
import { invitationSlotKey } from '../../lib/server/redis/keys';
import { RedisInviteStore } from '../../lib/server/redis/redis-invite-store';
import { Scheduler } from '../../lib/server/state/scheduler';
import type { Invitation, InviteExpiry, InviteStore } from '../../lib/server/state/invite-store';
import { MemoryInviteStore } from '../../lib/server/state/memory-invite-store';
import { SlowInviteStore } from './slow-stores';
import { BACKEND_KINDS, eventually, sleep, StoreBackend } from './store-backends';

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function invitation(channel: string, caller: string, callee: string, options: Partial<Invitation> = {}): Invitation {
  return {
    id: randomUUID(),
    appId: 'app',
    channel,
    caller: { account: caller, accountBytes: b(caller), uid: 7, sessionId: `s-${caller}` },
    callee,
    phone: false,
    target: callee,
    extra: b('{"x":1}'),
    deliveredExtra: b('{"x":1,"d":2}'),
    state: 'waiting',
    holder: null,
    answerDeadlineMs: Date.now() + 60_000,
    offlineDeadlineMs: Date.now() + 30_000,
    ...options,
  };
}

/** Comparable form: byte arrays as strings. */
function plain(i: Invitation | null): unknown {
  if (i === null) return null;
  const s = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
  return { ...i, caller: { ...i.caller, accountBytes: s(i.caller.accountBytes) }, extra: s(i.extra), deliveredExtra: s(i.deliveredExtra) };
}

interface Expired {
  id: string;
  why: InviteExpiry;
  state: string;
}

for (const kind of BACKEND_KINDS) {
  describe(`11-cluster: InviteStore contract (${kind})`, function () {
    this.timeout(60_000);
    const backend = new StoreBackend(kind);
    const opened: { store: InviteStore; scheduler: Scheduler }[] = [];

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

    function make(expired: Expired[] = []): InviteStore {
      const scheduler = new Scheduler();
      let store: InviteStore;
      if (kind === 'memory') store = new MemoryInviteStore(scheduler);
      else if (kind === 'slow') store = new SlowInviteStore(new MemoryInviteStore(scheduler));
      else store = new RedisInviteStore(backend.connect(), { poller: { intervalMs: 20 } });
      store.setListener({ expired: (i, why) => expired.push({ id: i.id, why, state: i.state }) });
      opened.push({ store, scheduler });
      return store;
    }

    it('adds a waiting invitation, finds it by its key, and answers the live one for a second with the same key', async () => {
      const store = make();
      const odd = '{\x00\xff}';
      const first = invitation(`ch${odd}`, `alice${odd}`, 'bob', { phone: true, target: 'gateway' });
      expect(await store.add({ ...first, state: 'ringing' })).to.equal(null);
      expect(plain(await store.find('app', `ch${odd}`, `alice${odd}`, 'bob'))).to.deep.equal(plain(first));
      const again = invitation(`ch${odd}`, `alice${odd}`, 'bob');
      expect(plain(await store.add(again))).to.deep.equal(plain(first));
      expect(store.count).to.equal(1);
      expect(await store.find('app', 'ch', `alice${odd}`, 'bob')).to.equal(null);
      expect(await store.find('other', `ch${odd}`, `alice${odd}`, 'bob')).to.equal(null);
      // Another channel, caller or callee is another invitation.
      expect(await store.add(invitation(`ch${odd}`, `alice${odd}`, 'carol'))).to.equal(null);
      expect(await store.add(invitation('ch2', `alice${odd}`, 'bob'))).to.equal(null);
      expect(store.count).to.equal(3);
      expect(store.countOf('app')).to.equal(3);
      expect(store.countOf('other')).to.equal(0);
    });

    it('moves waiting -> ringing -> accepted and refuses every other transition with null', async () => {
      const store = make();
      const inv = invitation('ch', 'alice', 'bob');
      await store.add(inv);
      expect(await store.accept(inv.id)).to.equal(null);
      const rung = await store.ring(inv.id, { sessionId: 's-bob', uid: 9 });
      expect(plain(rung)).to.deep.equal(plain({ ...inv, state: 'ringing', holder: { sessionId: 's-bob', uid: 9 } }));
      expect(await store.ring(inv.id, { sessionId: 's-other', uid: 1 })).to.equal(null);
      const accepted = await store.accept(inv.id);
      expect(accepted?.state).to.equal('accepted');
      expect(accepted?.holder).to.deep.equal({ sessionId: 's-bob', uid: 9 });
      expect(await store.accept(inv.id)).to.equal(null);
      expect((await store.find('app', 'ch', 'alice', 'bob'))?.state).to.equal('accepted');
      expect(plain(await store.remove(inv.id))).to.deep.equal(plain(accepted));
      expect(await store.remove(inv.id)).to.equal(null);
      expect(await store.ring(inv.id, { sessionId: 's-bob', uid: 9 })).to.equal(null);
      expect(await store.find('app', 'ch', 'alice', 'bob')).to.equal(null);
      expect(store.count).to.equal(0);
      // The key is free again, for an invitation with another id.
      const next = invitation('ch', 'alice', 'bob');
      expect(await store.add(next)).to.equal(null);
      expect((await store.find('app', 'ch', 'alice', 'bob'))?.id).to.equal(next.id);
    });

    it('lists the invitations of a session (made or held) and those waiting for an account, oldest first', async () => {
      const store = make();
      const older = invitation('c1', 'carol', 'dave');
      const mine1 = invitation('c1', 'dave', 'erin');
      const mine2 = invitation('c2', 'dave', 'erin');
      const forErin = invitation('c3', 'frank', 'erin');
      for (const i of [older, mine1, mine2, forErin]) expect(await store.add(i)).to.equal(null);
      const ids = (list: readonly Invitation[]): string[] => list.map((i) => i.id);
      expect(ids(await store.waitingFor('app', 'erin'))).to.deep.equal([mine1.id, mine2.id, forErin.id]);
      expect(ids(await store.waitingFor('app', 'dave'))).to.deep.equal([older.id]);
      expect(ids(await store.waitingFor('other', 'erin'))).to.deep.equal([]);
      // dave's session rings the older invitation after making its own: still oldest first.
      await store.ring(older.id, { sessionId: 's-dave', uid: 3 });
      expect(ids(await store.ofSession('s-dave'))).to.deep.equal([older.id, mine1.id, mine2.id]);
      expect(ids(await store.waitingFor('app', 'dave'))).to.deep.equal([]);
      await store.ring(mine2.id, { sessionId: 's-erin', uid: 4 });
      expect(ids(await store.waitingFor('app', 'erin'))).to.deep.equal([mine1.id, forErin.id]);
      expect(ids(await store.ofSession('s-erin'))).to.deep.equal([mine2.id]);
      await store.remove(mine1.id);
      expect(ids(await store.ofSession('s-dave'))).to.deep.equal([older.id, mine2.id]);
      expect(ids(await store.waitingFor('app', 'erin'))).to.deep.equal([forErin.id]);
      expect(ids(await store.ofSession('s-nobody'))).to.deep.equal([]);
    });

    it('a waiting invitation ends with offline at its offline deadline, once', async () => {
      const expired: Expired[] = [];
      const store = make(expired);
      const inv = invitation('ch', 'alice', 'bob', { offlineDeadlineMs: Date.now() + 250, answerDeadlineMs: Date.now() + 600 });
      await store.add(inv);
      await sleep(120);
      expect(expired).to.deep.equal([]);
      expect(await eventually(() => expired.length > 0, 3000)).to.equal(true);
      expect(Date.now()).to.be.at.least(inv.offlineDeadlineMs);
      await sleep(700);
      expect(expired).to.deep.equal([{ id: inv.id, why: 'offline', state: 'waiting' }]);
      expect(await store.find('app', 'ch', 'alice', 'bob')).to.equal(null);
      expect(await store.ofSession('s-alice')).to.deep.equal([]);
      expect(await store.waitingFor('app', 'bob')).to.deep.equal([]);
      expect(store.count).to.equal(0);
    });

    it('a ringing invitation ignores its offline deadline and times out at its answer deadline; an accepted one never', async () => {
      const expired: Expired[] = [];
      const store = make(expired);
      const ringing = invitation('ch', 'alice', 'bob', { offlineDeadlineMs: Date.now() + 100, answerDeadlineMs: Date.now() + 400 });
      const accepted = invitation('ch', 'alice', 'carol', { offlineDeadlineMs: Date.now() + 100, answerDeadlineMs: Date.now() + 400 });
      await store.add(ringing);
      await store.add(accepted);
      await store.ring(ringing.id, { sessionId: 's-bob', uid: 2 });
      await store.ring(accepted.id, { sessionId: 's-carol', uid: 3 });
      await store.accept(accepted.id);
      await sleep(250);
      expect(expired).to.deep.equal([]);
      expect(await eventually(() => expired.length > 0, 3000)).to.equal(true);
      await sleep(400);
      expect(expired).to.deep.equal([{ id: ringing.id, why: 'timeout', state: 'ringing' }]);
      expect((await store.find('app', 'ch', 'alice', 'carol'))?.state).to.equal('accepted');
      expect((await store.ofSession('s-bob')).length).to.equal(0);
    });

    it('a removed invitation never expires', async () => {
      const expired: Expired[] = [];
      const store = make(expired);
      const inv = invitation('ch', 'alice', 'bob', { offlineDeadlineMs: Date.now() + 150, answerDeadlineMs: Date.now() + 200 });
      await store.add(inv);
      expect((await store.remove(inv.id))?.id).to.equal(inv.id);
      await sleep(500);
      expect(expired).to.deep.equal([]);
    });

    if (backend.shared) {
      it('two nodes see one state: one adds, the other finds, rings and accepts', async () => {
        const a = make();
        const other = make();
        const inv = invitation('ch', 'alice', 'bob');
        await a.add(inv);
        expect((await other.find('app', 'ch', 'alice', 'bob'))?.id).to.equal(inv.id);
        expect((await other.add(invitation('ch', 'alice', 'bob')))?.id).to.equal(inv.id);
        expect((await other.ring(inv.id, { sessionId: 's-bob', uid: 1 }))?.state).to.equal('ringing');
        expect((await a.accept(inv.id))?.state).to.equal('accepted');
        expect((await other.ofSession('s-bob')).map((i) => i.id)).to.deep.equal([inv.id]);
      });

      it('of two nodes adding the same key at once, exactly one adds', async () => {
        const a = make();
        const other = make();
        for (let round = 0; round < 10; round++) {
          const x = invitation(`ch${round}`, 'alice', 'bob');
          const y = invitation(`ch${round}`, 'alice', 'bob');
          const [rx, ry] = await Promise.all([a.add(x), other.add(y)]);
          expect([rx, ry].filter((r) => r === null)).to.have.length(1);
          const winner = rx === null ? x : y;
          expect((rx ?? ry)!.id).to.equal(winner.id);
          expect((await a.find('app', `ch${round}`, 'alice', 'bob'))?.id).to.equal(winner.id);
        }
      });

      it('two nodes polling one Redis expire each invitation exactly once', async () => {
        const expiredA: Expired[] = [];
        const expiredB: Expired[] = [];
        const a = make(expiredA);
        const other = make(expiredB);
        const made = Array.from({ length: 20 }, (_, i) => invitation(`ch${i}`, 'alice', `callee${i}`, { offlineDeadlineMs: Date.now() + 200 + i * 10, answerDeadlineMs: Date.now() + 300 + i * 10 }));
        await Promise.all(made.map((i, n) => (n % 2 === 0 ? a : other).add(i)));
        // Half of them ring: those end with timeout, the rest with offline.
        await Promise.all(made.filter((_, n) => n % 2 === 1).map((i) => other.ring(i.id, { sessionId: 's-x', uid: 1 })));
        expect(await eventually(() => expiredA.length + expiredB.length >= made.length, 5000)).to.equal(true);
        await sleep(400);
        const seen = [...expiredA, ...expiredB].sort((x, y) => x.id.localeCompare(y.id));
        const want = made.map((i, n) => ({ id: i.id, why: n % 2 === 1 ? 'timeout' : 'offline', state: n % 2 === 1 ? 'ringing' : 'waiting' })).sort((x, y) => x.id.localeCompare(y.id));
        expect(seen).to.deep.equal(want);
      });

      it('an accept racing the answer deadline on another node: exactly one of them wins', async () => {
        // Both nodes poll the deadlines: either may be the one whose timeout wins.
        const expired: Expired[] = [];
        const a = make(expired);
        make(expired);
        const accepted: string[] = [];
        const made: Invitation[] = [];
        for (let n = 0; n < 30; n++) {
          const inv = invitation(`ch${n}`, 'alice', 'bob', { answerDeadlineMs: Date.now() + 40 + (n % 6) * 5 });
          made.push(inv);
          await a.add(inv);
          await a.ring(inv.id, { sessionId: 's-bob', uid: 1 });
        }
        await sleep(30);
        await Promise.all(made.map(async (inv) => {
          if ((await a.accept(inv.id)) !== null) accepted.push(inv.id);
        }));
        await sleep(500);
        for (const inv of made) {
          const timedOut = expired.filter((e) => e.id === inv.id).length;
          expect(timedOut + (accepted.includes(inv.id) ? 1 : 0), inv.id).to.equal(1);
        }
      });

      it('a key left naming an invitation that is gone (a node died while ending it) does not block a new one', async () => {
        const store = make();
        const redis = backend.connect();
        await redis.set(invitationSlotKey('app', 'ch', 'alice', 'bob'), 'vanished');
        const inv = invitation('ch', 'alice', 'bob');
        expect(await store.add(inv)).to.equal(null);
        expect((await store.find('app', 'ch', 'alice', 'bob'))?.id).to.equal(inv.id);
      });

      it('of two nodes removing one invitation at once, one gets it', async () => {
        const a = make();
        const other = make();
        for (let n = 0; n < 10; n++) {
          const inv = invitation(`ch${n}`, 'alice', 'bob');
          await a.add(inv);
          const answers = await Promise.all([a.remove(inv.id), other.remove(inv.id)]);
          expect(answers.filter((x) => x !== null)).to.have.length(1);
        }
        expect(a.count).to.equal(0);
      });
    }
  });
}
