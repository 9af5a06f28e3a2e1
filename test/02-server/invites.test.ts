import { expect } from 'chai';
import { EventKind, FrameType, Op } from '../../lib/protocol';
import { loadConfig, resolveConfig } from '../../lib/server/config';
import { event, quiet, sleep } from './channel-helpers';

/**
 * The server's count of live invitations, once it is `expected` or 2 s have passed: a clustered
 * store refreshes its count from Redis every second, a single process's is exact at once.
 */
async function invitationsSettleAt(fixture: ServerFixture, expected: number): Promise<number> {
  const until = Date.now() + 2000;
  while (fixture.server.stats().invitations !== expected && Date.now() < until) await sleep(50);
  return fixture.server.stats().invitations;
}
import { logout, refused, resume, withEvents } from './invite-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-invite';
const K = EventKind;

describe('02-server: invitations between users', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ invite: { offlineWaitMs: 400, defaultTimeoutMs: 5000 } }));
  afterEach(() => fixture.stop());

  it('invite, accept, DTMF both ways (INVITE_DTMF and MSG_DTMF), callee ends: every event on both sides', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const a = String(alice.uid);
    const b = String(bob.uid);
    // Keys the server does not read pass through byte for byte (spacing included).
    const extra = '{"destMediaUid": 123, "srcNum":"+123456789", "kind":"video"}';
    const invited = await withEvents(alice.client, Op.InviteUser, ['call-1', 'bob', '0', extra], [K.InviteReceivedByPeer]);
    expect(invited.events[0]).to.deep.equal(['call-1', 'bob', b]);
    expect(invited.values).to.deep.equal([]);
    expect(await event(bob.client, K.InviteReceived)).to.deep.equal(['call-1', 'alice', a, extra]);

    await withEvents(bob.client, Op.InviteAccept, ['call-1', 'alice', a, '{"ok":1}'], []);
    expect(await event(alice.client, K.InviteAcceptedByPeer)).to.deep.equal(['call-1', 'bob', b, '{"ok":1}']);

    await withEvents(alice.client, Op.InviteDtmf, ['call-1', 'bob', '0123456789*#'], []);
    expect(await event(bob.client, K.InviteMsg)).to.deep.equal(['call-1', 'alice', a, 'DTMF', '0123456789*#', '']);
    await withEvents(bob.client, Op.InviteDtmf, ['call-1', 'alice', '#9'], []);
    expect(await event(alice.client, K.InviteMsg)).to.deep.equal(['call-1', 'bob', b, 'DTMF', '#9', '']);
    const viaMsg = await withEvents(alice.client, Op.MsgDtmf, ['0', '42'], []);
    expect(viaMsg.values).to.have.length(1);
    expect(viaMsg.values[0]).to.match(/^\d+$/);
    expect(await event(bob.client, K.InviteMsg)).to.deep.equal(['call-1', 'alice', a, 'DTMF', '42', '']);
    await withEvents(bob.client, Op.MsgDtmf, [a, '7'], []);
    expect(await event(alice.client, K.InviteMsg)).to.deep.equal(['call-1', 'bob', b, 'DTMF', '7', '']);
    expect(await refused(bob.client, Op.MsgDtmf, ['999999', '7'], 700)).to.contain('no call with uid 999999');

    // An accepted invitation has no timeout: it is still there after the offline wait.
    await sleep(500);
    const ended = await withEvents(bob.client, Op.InviteEnd, ['call-1', 'alice', a, '{"bye":true}'], [K.InviteEndByMyself]);
    expect(ended.events[0]).to.deep.equal(['call-1', 'alice', a]);
    expect(await event(alice.client, K.InviteEndByPeer)).to.deep.equal(['call-1', 'bob', b, '{"bye":true}']);

    // It is gone: every further answer is an error with a clear text, and nobody hears anything.
    expect(await refused(bob.client, Op.InviteAccept, ['call-1', 'alice', a, ''], 700)).to.equal(
      'no invitation to channel "call-1" from alice (it never was, or it ended, was answered, failed or expired)',
    );
    expect(await refused(alice.client, Op.InviteEnd, ['call-1', 'bob', b, ''], 700)).to.contain('no invitation in channel "call-1" with bob');
    expect(await refused(alice.client, Op.InviteDtmf, ['call-1', 'bob', '1'], 700)).to.contain('no invitation in channel "call-1" with bob');
    expect(await refused(alice.client, Op.MsgDtmf, ['0', '1'], 700)).to.equal('no call to send DTMF in');
    await quiet(alice.client);
    await quiet(bob.client);
    expect(await invitationsSettleAt(fixture, 0)).to.equal(0);
  });

  it('refuse; accepting twice and refusing an accepted invitation are errors', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const b = String(bob.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    expect(await event(bob.client, K.InviteReceived)).to.deep.equal(['c', 'alice', String(alice.uid), '']);
    await withEvents(bob.client, Op.InviteRefuse, ['c', 'alice', '0', '{"busy":1}'], []);
    expect(await event(alice.client, K.InviteRefusedByPeer)).to.deep.equal(['c', 'bob', b, '{"busy":1}']);
    expect(await refused(bob.client, Op.InviteAccept, ['c', 'alice', '0', ''], 700)).to.contain('no invitation to channel "c" from alice');

    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await withEvents(bob.client, Op.InviteAccept, ['c', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    expect(await refused(bob.client, Op.InviteAccept, ['c', 'alice', '0', ''], 700)).to.equal('the invitation to channel "c" from alice is already accepted');
    expect(await refused(bob.client, Op.InviteRefuse, ['c', 'alice', '0', ''], 700)).to.contain('already accepted (end it with INVITE_END)');
    // The caller cannot answer its own invitation.
    expect(await refused(alice.client, Op.InviteAccept, ['c', 'bob', '0', ''], 700)).to.contain('no invitation to channel "c" from bob');
    await quiet(alice.client);
    await quiet(bob.client);
  });

  it('the caller withdraws a ringing invitation; the callee may also end one it has not answered', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const a = String(alice.uid);
    const b = String(bob.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const mine = await withEvents(alice.client, Op.InviteEnd, ['c', 'bob', b, '{"why":"changed my mind"}'], [K.InviteEndByMyself]);
    expect(mine.events[0]).to.deep.equal(['c', 'bob', b]);
    expect(await event(bob.client, K.InviteEndByPeer)).to.deep.equal(['c', 'alice', a, '{"why":"changed my mind"}']);
    expect(await refused(bob.client, Op.InviteAccept, ['c', 'alice', a, ''], 700)).to.contain('no invitation');

    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const theirs = await withEvents(bob.client, Op.InviteEnd, ['c', 'alice', a, ''], [K.InviteEndByMyself]);
    expect(theirs.events[0]).to.deep.equal(['c', 'alice', a]);
    expect(await event(alice.client, K.InviteEndByPeer)).to.deep.equal(['c', 'bob', b, '']);
    await quiet(alice.client);
    await quiet(bob.client);
  });

  it('a second invitation of the same callee to the same channel fails with 701; other channels and callers are separate', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const carol = await fixture.loggedIn(APP, 'carol');
    const b = String(bob.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '{"n":1}'], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const again = await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '{"n":2}'], [K.InviteFailed]);
    expect(again.events[0]).to.deep.equal(['c', 'bob', b, '701', '{"n":2}']);
    await quiet(bob.client);

    await withEvents(alice.client, Op.InviteUser, ['d', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    expect((await event(bob.client, K.InviteReceived))[0]).to.equal('d');
    await withEvents(carol.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    expect((await event(bob.client, K.InviteReceived)).slice(0, 2)).to.deep.equal(['c', 'carol']);
    // Answers name the caller: bob accepts carol's, alice's first one still rings.
    await withEvents(bob.client, Op.InviteAccept, ['c', 'carol', '0', ''], []);
    await event(carol.client, K.InviteAcceptedByPeer);
    await withEvents(bob.client, Op.InviteAccept, ['c', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    // Accepted: re-inviting is still 701.
    const accepted = await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteFailed]);
    expect(accepted.events[0][3]).to.equal('701');
    await quiet(bob.client);
  });

  it('_require_peer_online 1: an offline callee fails at once with 703', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const extra = '{"_require_peer_online":1}';
    const r = await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', extra], [K.InviteFailed]);
    expect(r.events[0]).to.deep.equal(['c', 'bob', '0', '703', extra]);
    const bob = await fixture.loggedIn(APP, 'bob');
    await quiet(bob.client);
    // Not kept: a new invitation is no re-invite.
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', extra], [K.InviteReceivedByPeer]);
  });

  it('_require_peer_online 0 (default): the invitation waits for the callee to log in (delivered after LOGIN_OK), else 703', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const a = String(alice.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '{"x":1}'], []);
    await withEvents(alice.client, Op.InviteUser, ['c', 'carol', '0', '{"_require_peer_online":0}'], []);
    await sleep(100);
    const bob = await fixture.loggedIn(APP, 'bob');
    expect(await event(bob.client, K.InviteReceived)).to.deep.equal(['c', 'alice', a, '{"x":1}']);
    expect(await event(alice.client, K.InviteReceivedByPeer)).to.deep.equal(['c', 'bob', String(bob.uid)]);
    // carol does not come within the wait (400 ms here, 20 s by default).
    const failed = await event(alice.client, K.InviteFailed, 1000);
    expect(failed).to.deep.equal(['c', 'carol', '0', '703', '{"_require_peer_online":0}']);
    const carol = await fixture.loggedIn(APP, 'carol');
    await quiet(carol.client);
    // bob's invitation is live (ringing), and it can be answered.
    await withEvents(bob.client, Op.InviteAccept, ['c', 'alice', a, ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
  });

  it('a caller may end an invitation still waiting for its callee: it is withdrawn silently', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], []);
    const r = await withEvents(alice.client, Op.InviteEnd, ['c', 'bob', '0', ''], [K.InviteEndByMyself]);
    expect(r.events[0]).to.deep.equal(['c', 'bob', '0']);
    const bob = await fixture.loggedIn(APP, 'bob');
    await quiet(alice.client, 600);
    await quiet(bob.client);
    // A waiting invitation cannot carry DTMF.
    await withEvents(alice.client, Op.InviteUser, ['c', 'dave', '0', ''], []);
    expect(await refused(alice.client, Op.InviteDtmf, ['c', 'dave', '1'], 700)).to.contain('has not reached dave yet');
  });

  it('_timeout: an unanswered invitation fails with 704 and the callee hears it ended; a waiting one fails with 704 before the offline wait', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const a = String(alice.uid);
    const extra = '{"_timeout":0.3}';
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', extra], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const started = Date.now();
    expect(await event(alice.client, K.InviteFailed, 1000)).to.deep.equal(['c', 'bob', String(bob.uid), '704', extra]);
    expect(Date.now() - started).to.be.within(150, 800);
    expect(await event(bob.client, K.InviteEndByPeer)).to.deep.equal(['c', 'alice', a, '{"_reason":"timeout"}']);
    expect(await refused(bob.client, Op.InviteAccept, ['c', 'alice', a, ''], 700)).to.contain('no invitation');

    // An offline callee: 704 at 0.2 s comes before 703 at 0.4 s; the callee never gets it.
    await withEvents(alice.client, Op.InviteUser, ['c', 'carol', '0', '{"_timeout":0.2}'], []);
    expect((await event(alice.client, K.InviteFailed, 1000))[3]).to.equal('704');
    await quiet(alice.client, 400);
  });

  it('without _timeout (or 0) the server default applies', async () => {
    await fixture.stop();
    await fixture.start({ invite: { defaultTimeoutMs: 300 } });
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '{"_timeout":0}'], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    expect((await event(alice.client, K.InviteFailed, 1000))[3]).to.equal('704');
    await event(bob.client, K.InviteEndByPeer);
  });

  it('refuses bad arguments with 1004 / 1005 and a clear text; nothing is sent', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const cases: [Op, string[], number, string][] = [
      [Op.InviteUser, ['c', 'bob', '0', '{not json'], 1004, 'extra is not valid JSON'],
      [Op.InviteUser, ['c', 'bob', '0', 'x'.repeat(8193)], 1005, 'extra is 8193 bytes, at most 8192 allowed'],
      [Op.InviteUser, ['c', 'bob', '0', '{"_timeout":31}'], 1004, 'extra._timeout must be a number of seconds from 0 to 30, got 31'],
      [Op.InviteUser, ['c', 'bob', '0', '{"_timeout":-1}'], 1004, 'extra._timeout'],
      [Op.InviteUser, ['c', 'bob', '0', '{"_timeout":"5"}'], 1004, 'extra._timeout'],
      [Op.InviteUser, ['c', 'bob', '0', '{"_require_peer_online":2}'], 1004, 'extra._require_peer_online must be 0 or 1, got 2'],
      [Op.InviteUser, ['c', 'b o b', '0', ''], 1004, 'invalid account: account contains a space'],
      [Op.InviteUser, ['c', '', '0', ''], 1004, 'invalid account: account is empty'],
      [Op.InviteUser, ['c', 'alice', '0', ''], 1004, 'cannot invite oneself'],
      [Op.InviteUser, ['', 'bob', '0', ''], 1004, 'channel'],
      [Op.InviteUser, ['c', 'bob', 'abc', ''], 1004, 'uid must be a decimal number'],
      [Op.InviteUser, ['c', 'bob', '0'], 1004, 'INVITE_USER takes 4 arguments (channel, account, uid, extra), got 3'],
      [Op.InviteAccept, ['c', 'bob', '0', '{'], 1004, 'extra is not valid JSON'],
      [Op.InviteRefuse, ['c', 'bob', '0', 'y'.repeat(9000)], 1005, 'extra is 9000 bytes'],
      [Op.InviteEnd, ['c', 'bob', '0'], 1004, 'INVITE_END takes 4 arguments'],
      [Op.InviteDtmf, ['c', 'bob', '12a'], 1004, 'dtmf must be 1 to 128 of the characters 0-9, * and #'],
      [Op.InviteDtmf, ['c', 'bob', ''], 1004, 'dtmf must be'],
      [Op.InviteDtmf, ['c', 'bob', '1'.repeat(129)], 1005, 'dtmf is 129 characters, at most 128 allowed'],
      [Op.MsgDtmf, ['0', 'A'], 1004, 'dtmf must be'],
      [Op.MsgDtmf, ['0'], 1004, 'MSG_DTMF takes 2 arguments'],
      [Op.InvitePhone, ['c', '+1 555', '', ''], 1004, 'invalid phoneNum: phoneNum contains a space'],
      [Op.InvitePhone, ['c', '+1555', 'a b', ''], 1004, 'invalid sourceNum'],
      [Op.InvitePhone, ['c', '+1555', '', '[1,2]'], 1004, 'extra of a phone invitation must be a JSON object'],
      [Op.InvitePhone, ['c', '+1555', '', '{"_timeout":99}'], 1004, 'extra._timeout'],
    ];
    for (const [op, args, code, text] of cases) expect(await refused(alice.client, op, args, code)).to.contain(text);
    await quiet(alice.client);
    await quiet(bob.client);
  });

  it('extra may be any JSON (not only objects); the server then reads no options', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '"just text"'], [K.InviteReceivedByPeer]);
    expect((await event(bob.client, K.InviteReceived))[3]).to.equal('"just text"');
  });
});

describe('02-server: invitations when sessions end or resume', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ resumeWindowMs: 400, invite: { offlineWaitMs: 5000, defaultTimeoutMs: 10000 } }));
  afterEach(() => fixture.stop());

  it('caller logs out: the callee of a ringing or accepted invitation hears INVITE_END_BY_PEER; a waiting one is withdrawn', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const carol = await fixture.loggedIn(APP, 'carol');
    const a = String(alice.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await withEvents(alice.client, Op.InviteUser, ['c', 'carol', '0', ''], [K.InviteReceivedByPeer]);
    await event(carol.client, K.InviteReceived);
    await withEvents(carol.client, Op.InviteAccept, ['c', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    await withEvents(alice.client, Op.InviteUser, ['c', 'dave', '0', ''], []);
    await logout(alice.client);
    const reason = '{"_reason":"session_ended","code":101}';
    expect(await event(bob.client, K.InviteEndByPeer)).to.deep.equal(['c', 'alice', a, reason]);
    expect(await event(carol.client, K.InviteEndByPeer)).to.deep.equal(['c', 'alice', a, reason]);
    const dave = await fixture.loggedIn(APP, 'dave');
    await quiet(dave.client);
    expect(await invitationsSettleAt(fixture, 0)).to.equal(0);
  });

  it('callee logs out: the caller gets INVITE_FAILED(702) for a ringing invitation, INVITE_END_BY_PEER for an accepted one', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const b = String(bob.uid);
    await withEvents(alice.client, Op.InviteUser, ['ring', 'bob', '0', '{"e":1}'], [K.InviteReceivedByPeer]);
    await withEvents(alice.client, Op.InviteUser, ['call', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await event(bob.client, K.InviteReceived);
    await withEvents(bob.client, Op.InviteAccept, ['call', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    await logout(bob.client);
    expect(await event(alice.client, K.InviteFailed)).to.deep.equal(['ring', 'bob', b, '702', '{"e":1}']);
    expect(await event(alice.client, K.InviteEndByPeer)).to.deep.equal(['call', 'bob', b, '{"_reason":"session_ended","code":101}']);
    await quiet(alice.client);
  });

  it('a login elsewhere (kick) ends the old session\'s invitations; the new session does not inherit them', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const bob2 = await fixture.loggedIn(APP, 'bob');
    expect((await bob.client.expect(FrameType.LoggedOut)).code).to.equal(103);
    expect((await event(alice.client, K.InviteFailed))[3]).to.equal('702');
    expect(await refused(bob2.client, Op.InviteAccept, ['c', 'alice', '0', ''], 700)).to.contain('no invitation');
  });

  it('within the resume window nothing is lost: events are replayed, the invitation stays and can be answered', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const a = String(alice.uid);
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    const seenByBob = bob.client.lastSeq;
    bob.client.destroy();
    await sleep(50);
    await withEvents(alice.client, Op.InviteDtmf, ['c', 'bob', '5'], []);
    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, seenByBob);
    expect(await event(bob2, K.InviteMsg)).to.deep.equal(['c', 'alice', a, 'DTMF', '5', '']);
    bob2.sendRequest(1, Op.InviteAccept, ['c', 'alice', '0', '']);
    expect((await bob2.expect(FrameType.Result)).code).to.equal(0);
    await event(alice.client, K.InviteAcceptedByPeer);

    // Now the window runs out: the call ends for alice.
    bob2.destroy();
    expect(await event(alice.client, K.InviteEndByPeer, 2000)).to.deep.equal(['c', 'bob', String(bob.uid), '{"_reason":"session_ended","code":102}']);
  });

  it('a callee whose session ends before answering (window over) fails the invitation with 702', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', '{"k":"v"}'], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    bob.client.destroy();
    expect(await event(alice.client, K.InviteFailed, 2000)).to.deep.equal(['c', 'bob', String(bob.uid), '702', '{"k":"v"}']);
  });
});

describe('02-server: phone calls through the SIP gateway', () => {
  const fixture = new ServerFixture();
  beforeEach(() =>
    fixture.start({
      apps: { apps: [{ appId: 'app-own-gw', sipGateway: 'own-gw' }] },
      invite: { sipGateway: 'sip-gw', defaultTimeoutMs: 5000 },
    }),
  );
  afterEach(() => fixture.stop());

  it('the gateway gets the call with phoneNum and srcNum in extra, answers as a user; DTMF both ways; the caller names the phone number', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const gw = await fixture.loggedIn(APP, 'sip-gw');
    const a = String(alice.uid);
    const phone = '+8613800000000';
    const r = await withEvents(alice.client, Op.InvitePhone, ['call', phone, '+15550001', '{"destMediaUid":7}'], [K.InviteReceivedByPeer]);
    expect(r.events[0]).to.deep.equal(['call', phone, '0']);
    const received = await event(gw.client, K.InviteReceived);
    expect(received.slice(0, 3)).to.deep.equal(['call', 'alice', a]);
    expect(JSON.parse(received[3])).to.deep.equal({ destMediaUid: 7, phoneNum: phone, srcNum: '+15550001' });

    await withEvents(gw.client, Op.InviteAccept, ['call', 'alice', a, '{"sip":"200 OK"}'], []);
    expect(await event(alice.client, K.InviteAcceptedByPeer)).to.deep.equal(['call', phone, '0', '{"sip":"200 OK"}']);
    await withEvents(alice.client, Op.InviteDtmf, ['call', phone, '123#'], []);
    expect(await event(gw.client, K.InviteMsg)).to.deep.equal(['call', 'alice', a, 'DTMF', '123#', '']);
    await withEvents(gw.client, Op.InviteDtmf, ['call', 'alice', '*0'], []);
    expect(await event(alice.client, K.InviteMsg)).to.deep.equal(['call', phone, '0', 'DTMF', '*0', '']);
    await withEvents(alice.client, Op.MsgDtmf, ['0', '9'], []);
    expect((await event(gw.client, K.InviteMsg))[4]).to.equal('9');

    const ended = await withEvents(alice.client, Op.InviteEnd, ['call', phone, '0', ''], [K.InviteEndByMyself]);
    expect(ended.events[0]).to.deep.equal(['call', phone, '0']);
    expect(await event(gw.client, K.InviteEndByPeer)).to.deep.equal(['call', 'alice', a, '']);
    await quiet(gw.client);
  });

  it('channelInvitePhone forms: no source number keeps the extra\'s srcNum; the gateway refuses or hangs up as a user', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const gw = await fixture.loggedIn(APP, 'sip-gw');
    await withEvents(alice.client, Op.InvitePhone, ['c', '110', '', ''], [K.InviteReceivedByPeer]);
    expect(JSON.parse((await event(gw.client, K.InviteReceived))[3])).to.deep.equal({ phoneNum: '110' });
    await withEvents(gw.client, Op.InviteRefuse, ['c', 'alice', '0', '{"sip":"486 Busy Here"}'], []);
    expect(await event(alice.client, K.InviteRefusedByPeer)).to.deep.equal(['c', '110', '0', '{"sip":"486 Busy Here"}']);

    await withEvents(alice.client, Op.InvitePhone, ['c', '120', '', '{"srcNum":"+1999"}'], [K.InviteReceivedByPeer]);
    expect(JSON.parse((await event(gw.client, K.InviteReceived))[3])).to.deep.equal({ srcNum: '+1999', phoneNum: '120' });
    await withEvents(gw.client, Op.InviteAccept, ['c', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    const hangup = await withEvents(gw.client, Op.InviteEnd, ['c', 'alice', '0', '{"sip":"BYE"}'], [K.InviteEndByMyself]);
    expect(hangup.events[0]).to.deep.equal(['c', 'alice', String(alice.uid)]);
    expect(await event(alice.client, K.InviteEndByPeer)).to.deep.equal(['c', '120', '0', '{"sip":"BYE"}']);
  });

  it('two numbers called by one caller in one channel: the gateway names the number in its extra', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const gw = await fixture.loggedIn(APP, 'sip-gw');
    await withEvents(alice.client, Op.InvitePhone, ['c', '111', '', ''], [K.InviteReceivedByPeer]);
    await withEvents(alice.client, Op.InvitePhone, ['c', '222', '', ''], [K.InviteReceivedByPeer]);
    await event(gw.client, K.InviteReceived);
    await event(gw.client, K.InviteReceived);
    expect(await refused(gw.client, Op.InviteAccept, ['c', 'alice', '0', ''], 1004)).to.contain('2 calls from alice in channel "c": name the phone number in the extra\'s "phoneNum"');
    await withEvents(gw.client, Op.InviteAccept, ['c', 'alice', '0', '{"phoneNum":"222"}'], []);
    expect((await event(alice.client, K.InviteAcceptedByPeer)).slice(0, 2)).to.deep.equal(['c', '222']);
    // Re-inviting a number that is in a call: 701.
    const again = await withEvents(alice.client, Op.InvitePhone, ['c', '222', '', ''], [K.InviteFailed]);
    expect(again.events[0]).to.deep.equal(['c', '222', '0', '701', '']);
  });

  it('703 at once when the gateway is offline or the App ID has none; an App ID\'s own gateway wins over the server-wide one', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const offline = await withEvents(alice.client, Op.InvitePhone, ['c', '110', '', '{"a":1}'], [K.InviteFailed]);
    expect(offline.events[0]).to.deep.equal(['c', '110', '0', '703', '{"a":1}']);

    const own = await fixture.loggedIn('app-own-gw', 'alice');
    const serverWide = await fixture.loggedIn('app-own-gw', 'sip-gw');
    await withEvents(own.client, Op.InvitePhone, ['c', '110', '', ''], [K.InviteFailed]);
    const gw = await fixture.loggedIn('app-own-gw', 'own-gw');
    await withEvents(own.client, Op.InvitePhone, ['c', '110', '', ''], [K.InviteReceivedByPeer]);
    expect((await event(gw.client, K.InviteReceived))[1]).to.equal('alice');
    await quiet(serverWide.client);

    await fixture.stop();
    await fixture.start({});
    const bare = await fixture.loggedIn(APP, 'alice');
    const none = await withEvents(bare.client, Op.InvitePhone, ['c', '110', '', ''], [K.InviteFailed]);
    expect(none.events[0][3]).to.equal('703');
  });

  it('the gateway going away fails a ringing call with 702', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const gw = await fixture.loggedIn(APP, 'sip-gw');
    await withEvents(alice.client, Op.InvitePhone, ['c', '110', '', ''], [K.InviteReceivedByPeer]);
    await event(gw.client, K.InviteReceived);
    await logout(gw.client);
    expect(await event(alice.client, K.InviteFailed)).to.deep.equal(['c', '110', '0', '702', '']);
  });
});

describe('02-server: invitation timers at the real defaults (20 s offline wait, 30 s timeout)', function () {
  this.timeout(40000);
  const fixture = new ServerFixture();
  // A long heartbeat: the idle raw clients must not be taken for dead while the timers run.
  beforeEach(() => fixture.start({ heartbeatMs: 60000 }));
  afterEach(() => fixture.stop());

  it('an offline callee fails with 703 after 20 s; an unanswered invitation with 704 after 30 s', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const started = Date.now();
    await withEvents(alice.client, Op.InviteUser, ['c', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await withEvents(alice.client, Op.InviteUser, ['c', 'carol', '0', ''], []);
    expect((await event(alice.client, K.InviteFailed, 25000)).slice(0, 4)).to.deep.equal(['c', 'carol', '0', '703']);
    expect(Date.now() - started).to.be.within(19500, 21500);
    expect((await event(alice.client, K.InviteFailed, 15000)).slice(0, 4)).to.deep.equal(['c', 'bob', String(bob.uid), '704']);
    expect(Date.now() - started).to.be.within(29500, 31500);
    expect((await event(bob.client, K.InviteEndByPeer))[3]).to.equal('{"_reason":"timeout"}');
  });
});

describe('02-server: live invitations per session are bounded (invite.maxPerSession)', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ invite: { maxPerSession: 3, sipGateway: 'gw' } }));
  afterEach(() => fixture.stop());

  it('refuses one more with 700 and a text, changes nothing, and takes one again after INVITE_END', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    // Three live invitations of every kind: accepted, ringing, waiting for an offline callee.
    await withEvents(alice.client, Op.InviteUser, ['c1', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await withEvents(bob.client, Op.InviteAccept, ['c1', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);
    await withEvents(alice.client, Op.InviteUser, ['c2', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await withEvents(alice.client, Op.InviteUser, ['c3', 'carol', '0', ''], []);

    expect(await refused(alice.client, Op.InviteUser, ['c4', 'bob', '0', ''], 700)).to.equal(
      'this session has made 3 live invitations, at most 3 allowed (end one with INVITE_END first)',
    );
    expect(await refused(alice.client, Op.InvitePhone, ['c5', '+100', '', ''], 700)).to.contain('at most 3 allowed');
    await quiet(bob.client);
    expect(await invitationsSettleAt(fixture, 3)).to.equal(3);

    // Invitations it received do not count against the callee's own bound.
    await withEvents(bob.client, Op.InviteUser, ['b1', 'alice', '0', ''], [K.InviteReceivedByPeer]);
    await event(alice.client, K.InviteReceived);

    await withEvents(alice.client, Op.InviteEnd, ['c2', 'bob', '0', ''], [K.InviteEndByMyself]);
    await event(bob.client, K.InviteEndByPeer);
    await withEvents(alice.client, Op.InviteUser, ['c4', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    expect(await event(bob.client, K.InviteReceived)).to.deep.equal(['c4', 'alice', String(alice.uid), '']);
  });
});

describe('02-server: invitation settings', () => {
  it('defaults, the invite key, per-App ID gateways, --sip-gateway and AGORA_SIG_SIP_GATEWAY; bad values stop with a message', () => {
    expect(resolveConfig({}).invite).to.deep.equal({ offlineWaitMs: 20000, defaultTimeoutMs: 30000, sipGateway: '', maxPerSession: 1000 });
    expect(resolveConfig({ invite: { offlineWaitMs: 5 } }).invite).to.deep.equal({ offlineWaitMs: 5, defaultTimeoutMs: 30000, sipGateway: '', maxPerSession: 1000 });
    expect(resolveConfig({ invite: { maxPerSession: 0 } }).invite.maxPerSession).to.equal(0);
    expect(() => resolveConfig({ invite: { maxPerSession: -1 } })).to.throw('invite.maxPerSession must be an integer from 0 (no bound) to 1000000');
    expect(resolveConfig({ apps: [{ appId: 'x', sipGateway: 'gw' }] }).apps.apps).to.deep.equal([{ appId: 'x', sipGateway: 'gw' }]);
    expect(loadConfig(['--sip-gateway', 'gw1'], {}).invite.sipGateway).to.equal('gw1');
    expect(loadConfig([], { AGORA_SIG_SIP_GATEWAY: 'gw2' }).invite.sipGateway).to.equal('gw2');
    expect(loadConfig(['--sip-gateway', 'gw1'], { AGORA_SIG_SIP_GATEWAY: 'gw2' }).invite.sipGateway).to.equal('gw1');
    expect(() => resolveConfig({ invite: { offlineWaitMs: 0 } })).to.throw('invite.offlineWaitMs must be an integer from 1 to 3600000');
    expect(() => resolveConfig({ invite: { sipGateway: 'a b' } })).to.throw('invite.sipGateway is not a valid account');
    expect(() => resolveConfig({ invite: { nope: 1 } as never })).to.throw('unknown key "nope"');
    expect(() => resolveConfig({ apps: [{ appId: 'x', sipGateway: 3 as never }] })).to.throw('sipGateway must be an account name');
  });
});
