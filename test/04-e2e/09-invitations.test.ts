import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, loginOk, newClient, sleep, startServer, uidOf } from './harness';
import { TcpProxy } from './tcp-proxy';

// Call invitations between users as applications see them through the addon: both parties'
// callbacks for every path of an invitation's life, its timers (short ones, and the real 20 s and
// 30 s once each), sessions that end, and a connection lost within the resume window.
describe('04 e2e: invitations between users', function () {
  this.timeout(60000);
  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: Client[] = [];
  let serial = 0;

  // Accounts and channels unique to each test, so nothing of one test reaches another.
  const name = (base: string): string => `${base}-${serial}`;

  async function user(account: string, port = server.tcpPort): Promise<Client> {
    const c = newClient(port);
    clients.push(c);
    await loginOk(c, 'demo', account);
    return c;
  }

  before(async () => {
    server = await startServer({ invite: { offlineWaitMs: 1500, defaultTimeoutMs: 8000 } });
  });
  beforeEach(() => {
    serial++;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.api.destroy();
  });
  after(async () => {
    await server.server.close();
  });

  /** alice invites bob to ch and both hear of it; returns the pair. */
  async function ringing(extra = ''): Promise<{ alice: Client; bob: Client; ch: string }> {
    const alice = await user(name('alice'));
    const bob = await user(name('bob'));
    const ch = name('call');
    alice.api.channelInviteUser2(ch, name('bob'), extra);
    await bob.rec.waitFor('onInviteReceived');
    await alice.rec.waitFor('onInviteReceivedByPeer');
    return { alice, bob, ch };
  }

  it('an invitation reaches an online callee (onInviteReceived) and the caller hears it did (onInviteReceivedByPeer); extra passes untouched', async () => {
    const extra = '{"destMediaUid":4242,"srcNum":"+86 10 1234","note":"héllo","n":[1,2.5e3]}';
    const { alice, bob, ch } = await ringing(extra);
    expect(bob.rec.named('onInviteReceived')[0].args).to.deep.equal([ch, name('alice'), uidOf(alice), extra]);
    expect(alice.rec.named('onInviteReceivedByPeer')[0].args).to.deep.equal([ch, name('bob'), uidOf(bob)]);
    // channelInviteUser has no extra: the callee gets an empty one.
    alice.api.channelInviteUser(name('other'), name('bob'), 0);
    const plain = await bob.rec.waitFor('onInviteReceived', (a) => a[0] === name('other'));
    expect(plain.args).to.deep.equal([name('other'), name('alice'), uidOf(alice), '']);
    await sleep(100);
    expect(alice.rec.count('onError') + bob.rec.count('onError')).to.equal(0);
    expect(alice.rec.count('onInviteReceived') + bob.rec.count('onInviteReceivedByPeer')).to.equal(0);
  });

  it('accepting, with and without extra, gives the caller onInviteAcceptedByPeer with the callee\'s extra', async () => {
    const { alice, bob, ch } = await ringing();
    bob.api.channelInviteAccept(ch, name('alice'), uidOf(alice));
    const accepted = await alice.rec.waitFor('onInviteAcceptedByPeer');
    expect(accepted.args).to.deep.equal([ch, name('bob'), uidOf(bob), '']);

    alice.api.channelInviteUser2(name('second'), name('bob'), '{}');
    await bob.rec.waitFor('onInviteReceived', (a) => a[0] === name('second'));
    bob.api.channelInviteAccept(name('second'), name('alice'), uidOf(alice), '{"answer":"coming"}');
    const withExtra = await alice.rec.waitFor('onInviteAcceptedByPeer', (a) => a[0] === name('second'));
    expect(withExtra.args).to.deep.equal([name('second'), name('bob'), uidOf(bob), '{"answer":"coming"}']);
    // Accepting twice: the invitation is already accepted, an error and nothing else.
    bob.api.channelInviteAccept(ch, name('alice'), uidOf(alice));
    const err = await bob.rec.waitFor('onError');
    expect(err.args[0]).to.equal('channelInviteAccept');
    expect(err.args[1]).to.equal(AGORA_E_CODE.INVITE_E_OTHER);
    expect(err.args[2]).to.contain('already accepted');
    await sleep(100);
    expect(alice.rec.count('onInviteAcceptedByPeer')).to.equal(2);
    expect(alice.rec.count('onError')).to.equal(0);
  });

  it('refusing gives the caller onInviteRefusedByPeer; the invitation is gone and later answers are onError', async () => {
    const { alice, bob, ch } = await ringing();
    bob.api.channelInviteRefuse(ch, name('alice'), uidOf(alice), '{"reason":"busy"}');
    const refused = await alice.rec.waitFor('onInviteRefusedByPeer');
    expect(refused.args).to.deep.equal([ch, name('bob'), uidOf(bob), '{"reason":"busy"}']);
    bob.api.channelInviteAccept(ch, name('alice'), uidOf(alice));
    const err = await bob.rec.waitFor('onError');
    expect(err.args.slice(0, 2)).to.deep.equal(['channelInviteAccept', AGORA_E_CODE.INVITE_E_OTHER]);
    expect(err.args[2]).to.contain(`no invitation to channel "${ch}" from ${name('alice')}`);
    await sleep(100);
    expect(alice.rec.count('onInviteAcceptedByPeer')).to.equal(0);
    expect(alice.rec.count('onError')).to.equal(0);
  });

  it('answers to an invitation that never was, or already ended, are onError with a clear text and change nothing', async () => {
    const alice = await user(name('alice'));
    const bob = await user(name('bob'));
    bob.api.channelInviteAccept(name('nothing'), name('alice'), 0, '{}');
    bob.api.channelInviteRefuse(name('nothing'), name('alice'), 0, '');
    bob.api.channelInviteEnd(name('nothing'), name('alice'), 0);
    bob.api.channelInviteDTMF(name('nothing'), name('alice'), '1');
    await bob.rec.waitForCount('onError', 4);
    const errors = bob.rec.named('onError').map((e) => e.args);
    expect(errors.map((e) => e[0])).to.deep.equal(['channelInviteAccept', 'channelInviteRefuse', 'channelInviteEnd', 'channelInviteDTMF']);
    for (const e of errors) {
      expect(e[1]).to.equal(AGORA_E_CODE.INVITE_E_OTHER);
      expect(e[2]).to.contain(name('nothing'));
    }
    await sleep(100);
    expect(alice.rec.events.filter((e) => e.name.startsWith('onInvite'))).to.have.length(0);
    expect(bob.rec.events.filter((e) => e.name.startsWith('onInvite'))).to.have.length(0);
  });

  it('the caller withdrawing an unanswered invitation: onInviteEndByMyself here, onInviteEndByPeer at the callee', async () => {
    const { alice, bob, ch } = await ringing();
    alice.api.channelInviteEnd(ch, name('bob'), uidOf(bob));
    const mine = await alice.rec.waitFor('onInviteEndByMyself');
    expect(mine.args).to.deep.equal([ch, name('bob'), uidOf(bob)]);
    const theirs = await bob.rec.waitFor('onInviteEndByPeer');
    expect(theirs.args).to.deep.equal([ch, name('alice'), uidOf(alice), '']);
    bob.api.channelInviteAccept(ch, name('alice'), uidOf(alice));
    expect((await bob.rec.waitFor('onError')).args[1]).to.equal(AGORA_E_CODE.INVITE_E_OTHER);
  });

  it('the callee ending an unanswered invitation: the caller hears onInviteEndByPeer', async () => {
    const { alice, bob, ch } = await ringing();
    bob.api.channelInviteEnd(ch, name('alice'), uidOf(alice));
    expect((await bob.rec.waitFor('onInviteEndByMyself')).args).to.deep.equal([ch, name('alice'), uidOf(alice)]);
    expect((await alice.rec.waitFor('onInviteEndByPeer')).args).to.deep.equal([ch, name('bob'), uidOf(bob), '']);
  });

  it('either side ending an accepted call: EndByMyself there, EndByPeer at the other', async () => {
    const first = await ringing();
    first.bob.api.channelInviteAccept(first.ch, name('alice'), uidOf(first.alice));
    await first.alice.rec.waitFor('onInviteAcceptedByPeer');
    first.alice.api.channelInviteEnd(first.ch, name('bob'), 0);
    expect((await first.alice.rec.waitFor('onInviteEndByMyself')).args).to.deep.equal([first.ch, name('bob'), uidOf(first.bob)]);
    expect((await first.bob.rec.waitFor('onInviteEndByPeer')).args).to.deep.equal([first.ch, name('alice'), uidOf(first.alice), '']);

    const ch2 = name('again');
    first.alice.api.channelInviteUser(ch2, name('bob'), 0);
    await first.bob.rec.waitFor('onInviteReceived', (a) => a[0] === ch2);
    first.bob.api.channelInviteAccept(ch2, name('alice'), 0);
    await first.alice.rec.waitFor('onInviteAcceptedByPeer', (a) => a[0] === ch2);
    // The callee's own INVITE_END extra reaches the caller.
    first.bob.api.channelInviteEnd(ch2, name('alice'), 0);
    expect((await first.bob.rec.waitFor('onInviteEndByMyself', (a) => a[0] === ch2)).args).to.deep.equal([ch2, name('alice'), uidOf(first.alice)]);
    expect((await first.alice.rec.waitFor('onInviteEndByPeer', (a) => a[0] === ch2)).args).to.deep.equal([ch2, name('bob'), uidOf(first.bob), '']);
  });

  it('_require_peer_online 1 fails at once with 703 for an offline callee', async () => {
    const alice = await user(name('alice'));
    const extra = '{"_require_peer_online":1,"destMediaUid":9}';
    const started = Date.now();
    alice.api.channelInviteUser2(name('call'), name('nobody'), extra);
    const failed = await alice.rec.waitFor('onInviteFailed');
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(failed.args).to.deep.equal([name('call'), name('nobody'), 0, AGORA_E_CODE.INVITE_E_PEEROFFLINE, extra]);
    expect(alice.rec.count('onError')).to.equal(0);
  });

  it('_require_peer_online 0 waits for the callee to log in, then delivers the invitation', async () => {
    const alice = await user(name('alice'));
    const extra = '{"_require_peer_online":0,"srcNum":"555"}';
    alice.api.channelInviteUser2(name('call'), name('late'), extra);
    await sleep(300);
    expect(alice.rec.count('onInviteReceivedByPeer')).to.equal(0);
    const late = await user(name('late'));
    const got = await late.rec.waitFor('onInviteReceived');
    expect(got.args).to.deep.equal([name('call'), name('alice'), uidOf(alice), extra]);
    expect((await alice.rec.waitFor('onInviteReceivedByPeer')).args).to.deep.equal([name('call'), name('late'), uidOf(late)]);
    late.api.channelInviteAccept(name('call'), name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    expect(alice.rec.count('onInviteFailed')).to.equal(0);
  });

  it('an invitation to an offline callee fails with 703 when the wait (short here) runs out; a caller ending it first withdraws it silently', async () => {
    const alice = await user(name('alice'));
    const started = Date.now();
    alice.api.channelInviteUser2(name('call'), name('away'), '');
    const failed = await alice.rec.waitFor('onInviteFailed');
    const waited = Date.now() - started;
    expect(waited).to.be.within(1300, 4000);
    expect(failed.args).to.deep.equal([name('call'), name('away'), 0, AGORA_E_CODE.INVITE_E_PEEROFFLINE, '']);

    alice.api.channelInviteUser2(name('withdrawn'), name('away2'), '');
    await sleep(100);
    alice.api.channelInviteEnd(name('withdrawn'), name('away2'), 0);
    await alice.rec.waitFor('onInviteEndByMyself', (a) => a[0] === name('withdrawn'));
    const away2 = await user(name('away2'));
    await sleep(2000);
    expect(away2.rec.count('onInviteReceived')).to.equal(0);
    expect(alice.rec.count('onInviteFailed')).to.equal(1);
  });

  it('_timeout: an unanswered invitation fails with 704 for the caller and ends for the callee', async () => {
    const extra = '{"_timeout":1}';
    const started = Date.now();
    const { alice, bob, ch } = await ringing(extra);
    const failed = await alice.rec.waitFor('onInviteFailed');
    expect(Date.now() - started).to.be.within(800, 3000);
    expect(failed.args).to.deep.equal([ch, name('bob'), uidOf(bob), AGORA_E_CODE.INVITE_E_TIMEOUT, extra]);
    const ended = await bob.rec.waitFor('onInviteEndByPeer');
    expect(ended.args.slice(0, 3)).to.deep.equal([ch, name('alice'), uidOf(alice)]);
    expect(JSON.parse(ended.args[3] as string)).to.deep.equal({ _reason: 'timeout' });
    bob.api.channelInviteAccept(ch, name('alice'), 0);
    expect((await bob.rec.waitFor('onError')).args[1]).to.equal(AGORA_E_CODE.INVITE_E_OTHER);
    expect(alice.rec.count('onInviteAcceptedByPeer')).to.equal(0);
  });

  it('an accepted invitation has no timeout', async () => {
    const { alice, bob, ch } = await ringing('{"_timeout":0.5}');
    bob.api.channelInviteAccept(ch, name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    await sleep(1200);
    expect(alice.rec.count('onInviteFailed')).to.equal(0);
    expect(bob.rec.count('onInviteEndByPeer')).to.equal(0);
  });

  it('bad extra: not JSON 1004 and over 8 KiB 1005 (refused by the SDK), bad _timeout or _require_peer_online 1004, inviting oneself 1004', async () => {
    const alice = await user(name('alice'));
    await user(name('bob'));
    const cases: Array<[string, number, string]> = [
      ['not json', AGORA_E_CODE.GENERAL_E_WRONG_PARAM, 'not JSON'],
      [`"${'x'.repeat(8191)}"`, AGORA_E_CODE.GENERAL_E_LARGE_PARAM, '8192'],
      ['{"_timeout":31}', AGORA_E_CODE.GENERAL_E_WRONG_PARAM, '_timeout'],
      ['{"_timeout":-1}', AGORA_E_CODE.GENERAL_E_WRONG_PARAM, '_timeout'],
      ['{"_timeout":"5"}', AGORA_E_CODE.GENERAL_E_WRONG_PARAM, '_timeout'],
      ['{"_require_peer_online":2}', AGORA_E_CODE.GENERAL_E_WRONG_PARAM, '_require_peer_online'],
    ];
    for (const [extra, code, text] of cases) {
      const from = alice.rec.events.length;
      alice.api.channelInviteUser2(name('call'), name('bob'), extra);
      const err = await alice.rec.waitFor('onError', () => true, 5000, from);
      expect(err.args[0], extra).to.equal('channelInviteUser2');
      expect(err.args[1], extra).to.equal(code);
      expect(err.args[2], extra).to.contain(text);
    }
    alice.api.channelInviteUser(name('call'), name('alice'), 0);
    const self = await alice.rec.waitFor('onError', (a) => a[0] === 'channelInviteUser');
    expect(self.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    await sleep(100);
    expect(alice.rec.events.filter((e) => e.name.startsWith('onInvite'))).to.have.length(0);
  });

  it('inviting the same callee to the same channel again while pending fails the second with 701; the first is unchanged', async () => {
    const { alice, bob, ch } = await ringing('{"n":1}');
    alice.api.channelInviteUser2(ch, name('bob'), '{"n":2}');
    const failed = await alice.rec.waitFor('onInviteFailed');
    expect(failed.args).to.deep.equal([ch, name('bob'), uidOf(bob), AGORA_E_CODE.INVITE_E_REINVITE, '{"n":2}']);
    await sleep(100);
    expect(bob.rec.count('onInviteReceived')).to.equal(1);
    bob.api.channelInviteAccept(ch, name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
  });

  it('logout ends live invitations: a ringing callee gone is 702 for the caller, an accepted party gone is onInviteEndByPeer', async () => {
    const first = await ringing('{"k":1}');
    first.bob.api.logout();
    await first.bob.rec.waitFor('onLogout');
    const failed = await first.alice.rec.waitFor('onInviteFailed');
    expect(failed.args).to.deep.equal([first.ch, name('bob'), uidOf(first.bob), AGORA_E_CODE.INVITE_E_NET, '{"k":1}']);
    expect(first.bob.rec.count('onInviteEndByPeer')).to.equal(0);

    const carol = await user(name('carol'));
    const dave = await user(name('dave'));
    const ch = name('accepted');
    carol.api.channelInviteUser(ch, name('dave'), 0);
    await dave.rec.waitFor('onInviteReceived');
    dave.api.channelInviteAccept(ch, name('carol'), 0);
    await carol.rec.waitFor('onInviteAcceptedByPeer');
    carol.api.logout();
    const ended = await dave.rec.waitFor('onInviteEndByPeer');
    expect(ended.args.slice(0, 3)).to.deep.equal([ch, name('carol'), uidOf(carol)]);
    expect(JSON.parse(ended.args[3] as string)).to.deep.equal({ _reason: 'session_ended', code: 101 });
    await sleep(100);
    expect(carol.rec.events.filter((e) => e.name.startsWith('onInviteEnd'))).to.have.length(0);
  });

  it('a caller that logs out ends a ringing invitation for the callee', async () => {
    const { alice, bob, ch } = await ringing();
    alice.api.logout();
    const ended = await bob.rec.waitFor('onInviteEndByPeer');
    expect(ended.args.slice(0, 3)).to.deep.equal([ch, name('alice'), uidOf(alice)]);
    expect(JSON.parse(ended.args[3] as string)).to.deep.equal({ _reason: 'session_ended', code: 101 });
  });

  it('within the resume window nothing is lost: events for a disconnected party arrive once after it resumes, its answers go through', async () => {
    const proxy = new TcpProxy(server.tcpPort);
    await proxy.listen();
    try {
      const alice = await user(name('alice'));
      const bob = await user(name('bob'), proxy.port);
      proxy.cut(1500);
      await bob.rec.waitFor('onReconnecting');
      alice.api.channelInviteUser2(name('call'), name('bob'), '{"while":"away"}');
      // Bob is still online for the server: the invitation is delivered to his kept session.
      await alice.rec.waitFor('onInviteReceivedByPeer');
      await bob.rec.waitFor('onReconnected', () => true, 20000);
      const got = await bob.rec.waitFor('onInviteReceived');
      expect(got.args).to.deep.equal([name('call'), name('alice'), uidOf(alice), '{"while":"away"}']);

      proxy.cut(1500);
      await bob.rec.waitFor('onReconnecting', () => true, 10000, bob.rec.events.indexOf(got) + 1);
      // Answered while away: queued by the SDK, sent after the resume.
      bob.api.channelInviteAccept(name('call'), name('alice'), 0, '{"late":true}');
      const accepted = await alice.rec.waitFor('onInviteAcceptedByPeer', () => true, 20000);
      expect(accepted.args).to.deep.equal([name('call'), name('bob'), uidOf(bob), '{"late":true}']);
      alice.api.channelInviteEnd(name('call'), name('bob'), 0);
      await bob.rec.waitFor('onInviteEndByPeer', () => true, 20000);
      await sleep(300);
      expect(bob.rec.count('onInviteReceived')).to.equal(1);
      expect(bob.rec.count('onInviteEndByPeer')).to.equal(1);
      expect(alice.rec.count('onInviteFailed') + bob.rec.count('onError') + alice.rec.count('onError')).to.equal(0);
    } finally {
      await proxy.close();
    }
  });

  it('a callee that drops beyond the resume window before answering: 702 for the caller', async () => {
    const short = await startServer({ resumeWindowMs: 300, invite: { defaultTimeoutMs: 20000 } });
    const proxy = new TcpProxy(short.tcpPort);
    await proxy.listen();
    try {
      const alice = await user(name('alice'), short.tcpPort);
      const bob = await user(name('bob'), proxy.port);
      alice.api.channelInviteUser2(name('call'), name('bob'), '{"x":1}');
      await bob.rec.waitFor('onInviteReceived');
      proxy.cut(2000);
      const failed = await alice.rec.waitFor('onInviteFailed', () => true, 10000);
      expect(failed.args).to.deep.equal([name('call'), name('bob'), uidOf(bob), AGORA_E_CODE.INVITE_E_NET, '{"x":1}']);
    } finally {
      await proxy.close();
      await short.server.close();
    }
  });

  describe('at the seeds\' real timer values', function () {
    this.timeout(50000);

    it('an offline callee is waited for 20 s, then 703', async () => {
      const real = await startServer();
      try {
        const alice = await user(name('alice'), real.tcpPort);
        const started = Date.now();
        alice.api.channelInviteUser2(name('call'), name('offline'), '{"_timeout":30}');
        const failed = await alice.rec.waitFor('onInviteFailed', () => true, 25000);
        expect(Date.now() - started).to.be.within(19500, 23000);
        expect(failed.args[3]).to.equal(AGORA_E_CODE.INVITE_E_PEEROFFLINE);
      } finally {
        await real.server.close();
      }
    });

    it('an unanswered invitation without _timeout fails with 704 after 30 s', async () => {
      const real = await startServer();
      try {
        const alice = await user(name('alice'), real.tcpPort);
        const bob = await user(name('bob'), real.tcpPort);
        const started = Date.now();
        alice.api.channelInviteUser2(name('call'), name('bob'), '');
        await bob.rec.waitFor('onInviteReceived');
        const failed = await alice.rec.waitFor('onInviteFailed', () => true, 35000);
        expect(Date.now() - started).to.be.within(29500, 33000);
        expect(failed.args).to.deep.equal([name('call'), name('bob'), uidOf(bob), AGORA_E_CODE.INVITE_E_TIMEOUT, '']);
        await bob.rec.waitFor('onInviteEndByPeer');
      } finally {
        await real.server.close();
      }
    });
  });
});
