import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, loginOk, newClient, sleep, startServer, uidOf } from './harness';

// Phone calls through the SIP gateway account (here a second addon instance logged in as the
// account the server names) and DTMF tones between the parties of a call, users or gateway.
describe('04 e2e: phone calls through the gateway, DTMF', function () {
  this.timeout(60000);
  const GATEWAY = 'sip-gw';
  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: Client[] = [];
  let serial = 0;
  const name = (base: string): string => `${base}-${serial}`;

  async function user(account: string, port = server.tcpPort): Promise<Client> {
    const c = newClient(port);
    clients.push(c);
    await loginOk(c, 'demo', account);
    return c;
  }

  before(async () => {
    server = await startServer({ invite: { sipGateway: GATEWAY, offlineWaitMs: 1500, defaultTimeoutMs: 8000 } });
  });
  beforeEach(() => {
    serial++;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.api.destroy();
    // The gateway account logs in again in the next test: let this session's end settle.
    await sleep(50);
  });
  after(async () => {
    await server.server.close();
  });

  /** alice calls phone via channelInvitePhone3; the gateway hears it; returns all three. */
  async function phoneCall(phone: string, source: string, extra: string): Promise<{ alice: Client; gw: Client; ch: string }> {
    const gw = await user(GATEWAY);
    const alice = await user(name('alice'));
    const ch = name('phone');
    alice.api.channelInvitePhone3(ch, phone, source, extra);
    await gw.rec.waitFor('onInviteReceived');
    await alice.rec.waitFor('onInviteReceivedByPeer');
    return { alice, gw, ch };
  }

  it('channelInvitePhone3 reaches the gateway with phoneNum and srcNum in extra (other keys kept); the caller sees the number, uid 0', async () => {
    const extra = '{"destMediaUid":77,"note":"x"}';
    const { alice, gw, ch } = await phoneCall('+8613800000001', '+8610555', extra);
    const got = gw.rec.named('onInviteReceived')[0];
    expect(got.args.slice(0, 3)).to.deep.equal([ch, name('alice'), uidOf(alice)]);
    expect(JSON.parse(got.args[3] as string)).to.deep.equal({ destMediaUid: 77, note: 'x', phoneNum: '+8613800000001', srcNum: '+8610555' });
    expect(alice.rec.named('onInviteReceivedByPeer')[0].args).to.deep.equal([ch, '+8613800000001', 0]);

    gw.api.channelInviteAccept(ch, name('alice'), uidOf(alice), '{"sip":"200 OK"}');
    const accepted = await alice.rec.waitFor('onInviteAcceptedByPeer');
    expect(accepted.args).to.deep.equal([ch, '+8613800000001', 0, '{"sip":"200 OK"}']);

    alice.api.channelInviteEnd(ch, '+8613800000001', 0);
    expect((await alice.rec.waitFor('onInviteEndByMyself')).args).to.deep.equal([ch, '+8613800000001', 0]);
    expect((await gw.rec.waitFor('onInviteEndByPeer')).args).to.deep.equal([ch, name('alice'), uidOf(alice), '']);
    expect(alice.rec.count('onError') + gw.rec.count('onError')).to.equal(0);
  });

  it('channelInvitePhone and channelInvitePhone2: the number, and the source number when given; the gateway refuses and ends like a user', async () => {
    const gw = await user(GATEWAY);
    const alice = await user(name('alice'));
    alice.api.channelInvitePhone(name('p1'), '10086', 0);
    const first = await gw.rec.waitFor('onInviteReceived', (a) => a[0] === name('p1'));
    expect(JSON.parse(first.args[3] as string)).to.deep.equal({ phoneNum: '10086' });
    alice.api.channelInvitePhone2(name('p2'), '10010', '95555');
    const second = await gw.rec.waitFor('onInviteReceived', (a) => a[0] === name('p2'));
    expect(JSON.parse(second.args[3] as string)).to.deep.equal({ phoneNum: '10010', srcNum: '95555' });

    gw.api.channelInviteRefuse(name('p1'), name('alice'), 0, '{"sip":"486 Busy"}');
    expect((await alice.rec.waitFor('onInviteRefusedByPeer')).args).to.deep.equal([name('p1'), '10086', 0, '{"sip":"486 Busy"}']);
    gw.api.channelInviteEnd(name('p2'), name('alice'), 0);
    expect((await gw.rec.waitFor('onInviteEndByMyself')).args).to.deep.equal([name('p2'), name('alice'), uidOf(alice)]);
    expect((await alice.rec.waitFor('onInviteEndByPeer')).args).to.deep.equal([name('p2'), '10010', 0, '']);
  });

  it('no gateway online: 703 at once (even with _require_peer_online 0); a server without a gateway: 703', async () => {
    const alice = await user(name('alice'));
    const started = Date.now();
    alice.api.channelInvitePhone3(name('call'), '12345', '', '{"_require_peer_online":0}');
    const failed = await alice.rec.waitFor('onInviteFailed');
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(failed.args).to.deep.equal([name('call'), '12345', 0, AGORA_E_CODE.INVITE_E_PEEROFFLINE, '{"_require_peer_online":0}']);

    const bare = await startServer();
    try {
      const bob = await user(name('bob'), bare.tcpPort);
      await user(GATEWAY, bare.tcpPort);  // an account of that name means nothing here
      bob.api.channelInvitePhone(name('call'), '12345', 0);
      const none = await bob.rec.waitFor('onInviteFailed');
      expect(none.args).to.deep.equal([name('call'), '12345', 0, AGORA_E_CODE.INVITE_E_PEEROFFLINE, '']);
    } finally {
      await bare.server.close();
    }
  });

  it('phone call arguments: a bad number or a non-object extra is 1004', async () => {
    await user(GATEWAY);
    const alice = await user(name('alice'));
    alice.api.channelInvitePhone(name('call'), 'has space', 0);
    expect((await alice.rec.waitFor('onError')).args.slice(0, 2)).to.deep.equal(['channelInvitePhone', AGORA_E_CODE.GENERAL_E_WRONG_PARAM]);
    alice.api.channelInvitePhone3(name('call'), '123', '', '[1]');
    const err = await alice.rec.waitFor('onError', (a) => a[0] === 'channelInvitePhone3');
    expect(err.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    alice.api.channelInvitePhone3(name('call'), '123', '', '{oops');
    await alice.rec.waitForCount('onError', 3);
    expect(alice.rec.named('onError')[2].args.slice(0, 2)).to.deep.equal(['channelInvitePhone3', AGORA_E_CODE.GENERAL_E_WRONG_PARAM]);
    await sleep(100);
    expect(alice.rec.events.filter((e) => e.name.startsWith('onInvite'))).to.have.length(0);
  });

  it('DTMF between a caller and the gateway, both ways, as onInviteMsg(channel, account, uid, "DTMF", digits, extra)', async () => {
    const { alice, gw, ch } = await phoneCall('400800', '', '{}');
    gw.api.channelInviteAccept(ch, name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    alice.api.channelInviteDTMF(ch, '400800', '0123456789*#');
    const atGateway = await gw.rec.waitFor('onInviteMsg');
    expect(atGateway.args).to.deep.equal([ch, name('alice'), uidOf(alice), 'DTMF', '0123456789*#', '']);
    gw.api.channelInviteDTMF(ch, name('alice'), '#1');
    const atCaller = await alice.rec.waitFor('onInviteMsg');
    expect(atCaller.args).to.deep.equal([ch, '400800', 0, 'DTMF', '#1', '']);
    // While still ringing DTMF goes through too.
    alice.api.channelInvitePhone(name('ringing'), '400900', 0);
    await gw.rec.waitFor('onInviteReceived', (a) => a[0] === name('ringing'));
    alice.api.channelInviteDTMF(name('ringing'), '400900', '5');
    expect((await gw.rec.waitFor('onInviteMsg', (a) => a[0] === name('ringing'))).args).to.deep.equal([name('ringing'), name('alice'), uidOf(alice), 'DTMF', '5', '']);
    expect(alice.rec.count('onError') + gw.rec.count('onError')).to.equal(0);
  });

  it('DTMF between users, and the deprecated messageDTMFSend, reach the call\'s other party', async () => {
    const alice = await user(name('alice'));
    const bob = await user(name('bob'));
    const ch = name('call');
    alice.api.channelInviteUser(ch, name('bob'), 0);
    await bob.rec.waitFor('onInviteReceived');
    bob.api.channelInviteAccept(ch, name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    alice.api.channelInviteDTMF(ch, name('bob'), '42');
    expect((await bob.rec.waitFor('onInviteMsg')).args).to.deep.equal([ch, name('alice'), uidOf(alice), 'DTMF', '42', '']);
    bob.api.messageDTMFSend(uidOf(alice), '*9#', 'tone-1');
    expect((await alice.rec.waitFor('onInviteMsg')).args).to.deep.equal([ch, name('bob'), uidOf(bob), 'DTMF', '*9#', '']);
    expect((await bob.rec.waitFor('onMessageSendSuccess')).args).to.deep.equal(['tone-1']);
    alice.api.messageDTMFSend(0, '7', 'tone-2');
    expect((await bob.rec.waitFor('onInviteMsg', (a) => a[4] === '7')).args).to.deep.equal([ch, name('alice'), uidOf(alice), 'DTMF', '7', '']);
    expect((await alice.rec.waitFor('onMessageSendSuccess')).args).to.deep.equal(['tone-2']);
    expect(alice.rec.count('onError') + bob.rec.count('onError')).to.equal(0);
  });

  it('bad DTMF is 1004 (1005 over 128 tones); DTMF without a call is an error', async () => {
    const alice = await user(name('alice'));
    alice.api.channelInviteDTMF(name('call'), '123', '12A');
    const bad = await alice.rec.waitFor('onError');
    expect(bad.args.slice(0, 2)).to.deep.equal(['channelInviteDTMF', AGORA_E_CODE.GENERAL_E_WRONG_PARAM]);
    expect(bad.args[2]).to.contain('0-9, * and #');
    alice.api.channelInviteDTMF(name('call'), '123', '1'.repeat(129));
    expect((await alice.rec.waitFor('onError', (a) => a[1] === AGORA_E_CODE.GENERAL_E_LARGE_PARAM)).args[0]).to.equal('channelInviteDTMF');
    alice.api.messageDTMFSend(0, 'x', 'bad-tone');
    expect((await alice.rec.waitFor('onMessageSendError')).args).to.deep.equal(['bad-tone', AGORA_E_CODE.GENERAL_E_WRONG_PARAM]);
    // Well-formed, but there is no call to send it in.
    alice.api.messageDTMFSend(0, '1', 'no-call');
    expect((await alice.rec.waitFor('onMessageSendError', (a) => a[0] === 'no-call')).args[1]).to.equal(AGORA_E_CODE.INVITE_E_OTHER);
    alice.api.channelInviteDTMF(name('call'), '123', '1');
    const none = await alice.rec.waitFor('onError', (a) => a[1] === AGORA_E_CODE.INVITE_E_OTHER && a[0] === 'channelInviteDTMF');
    expect(none.args[2]).to.be.a('string').and.not.equal('');
  });

  it('the gateway session ending fails a ringing phone call with 702 and ends an accepted one', async () => {
    const { alice, gw, ch } = await phoneCall('777', '', '{"a":1}');
    alice.api.channelInvitePhone(name('second'), '888', 0);
    await gw.rec.waitFor('onInviteReceived', (a) => a[0] === name('second'));
    gw.api.channelInviteAccept(name('second'), name('alice'), 0);
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    gw.api.logout();
    const failed = await alice.rec.waitFor('onInviteFailed');
    expect(failed.args).to.deep.equal([ch, '777', 0, AGORA_E_CODE.INVITE_E_NET, '{"a":1}']);
    const ended = await alice.rec.waitFor('onInviteEndByPeer');
    expect(ended.args.slice(0, 3)).to.deep.equal([name('second'), '888', 0]);
    expect(JSON.parse(ended.args[3] as string)).to.deep.equal({ _reason: 'session_ended', code: 101 });
  });
});
