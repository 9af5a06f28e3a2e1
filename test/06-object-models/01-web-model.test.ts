import { expect } from 'chai';
import { web } from '../../lib';
import { EventLog, sleep, startServer } from './events';

// The Web SDK's object model in Node, through the native addon against a server started here.
describe('06 object models: the Web model (Signal, Session, Channel, Call)', function () {
  this.timeout(30000);
  let server: Awaited<ReturnType<typeof startServer>>;
  let signal: web.Signal;
  const sessions: web.Session[] = [];
  let serial = 0;
  const name = (base: string): string => `${base}-w${serial}`;

  before(async () => {
    server = await startServer({ invite: { offlineWaitMs: 1500, defaultTimeoutMs: 8000 } });
    signal = web.Signal('demo', { server: server.address });
  });
  beforeEach(() => {
    serial++;
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.logout();
    await sleep(100);
  });
  after(async () => {
    await server.server.close();
  });

  /** Logs `account` in, records every session callback, waits for onLoginSuccess. */
  async function login(account: string): Promise<{ session: web.Session; log: EventLog }> {
    const log = new EventLog();
    const session = signal.login(account, '_no_need_token');
    sessions.push(session);
    session.onLoginSuccess = log.recorder('loginSuccess');
    session.onLoginFailed = log.recorder('loginFailed');
    session.onLogout = log.recorder('logout');
    session.onMessageInstantReceive = log.recorder('instant');
    session.onInviteReceived = log.recorder('inviteReceived');
    session.onError = log.recorder('error');
    await log.waitFor('loginSuccess');
    return { session, log };
  }

  function watchChannel(channel: web.Channel, log: EventLog): void {
    channel.onChannelJoined = log.recorder('joined');
    channel.onChannelJoinFailed = log.recorder('joinFailed');
    channel.onChannelLeaved = log.recorder('leaved');
    channel.onChannelUserJoined = log.recorder('userJoined');
    channel.onChannelUserLeaved = log.recorder('userLeaved');
    channel.onChannelUserList = log.recorder('userList');
    channel.onChannelAttrUpdated = log.recorder('attr');
    channel.onMessageChannelReceive = log.recorder('channelMsg');
  }

  function watchCall(call: web.Call, log: EventLog): void {
    for (const member of [
      'onInviteReceivedByPeer',
      'onInviteAcceptedByPeer',
      'onInviteRefusedByPeer',
      'onInviteFailed',
      'onInviteEndByPeer',
      'onInviteEndByMyself',
      'onInviteMsg',
    ] as const) {
      call[member] = log.recorder(member);
    }
  }

  it('is made with and without new, and reports a version', () => {
    const a = web.Signal('demo');
    const b = new web.Signal('demo');
    expect(a).to.be.instanceOf(web.Signal);
    expect(b).to.be.instanceOf(web.Signal);
    expect(a.getSDKVersion()).to.match(/^\d+\.\d+\.\d+$/);
    expect(() => web.Signal(42 as unknown as string)).to.throw(TypeError, /appid must be a string/);
  });

  it('logs in (callbacks assigned after login() returned still fire), reports its status, and logs out', async () => {
    const session = signal.login(name('alice'), '_no_need_token');
    sessions.push(session);
    expect(session.getStatus()).to.equal(web.SessionStatus.CONNECTING);
    const log = new EventLog();
    // Assigned after the call, in the same turn, as the seed's examples do: callbacks arrive on a
    // later turn. (Waiting a timer turn first is a race: a login on loopback can finish sooner.)
    session.onLoginSuccess = log.recorder('loginSuccess');
    session.onLogout = log.recorder('logout');
    const [uid] = await log.waitFor('loginSuccess');
    expect(uid).to.be.a('number');
    expect(session.getStatus()).to.equal(web.SessionStatus.LOGGED_IN);
    session.logout();
    expect((await log.waitFor('logout'))[0]).to.equal(101);
    await sleep(50);
    expect(session.getStatus()).to.equal(web.SessionStatus.NOT_LOGGED_IN);
    expect(() => session.channelJoin('x')).to.throw(Error, /session has ended/);
  });

  it('reports a refused login through onLoginFailed', async () => {
    const session = signal.login('has space', '_no_need_token');
    const log = new EventLog();
    session.onLoginFailed = log.recorder('loginFailed');
    expect((await log.waitFor('loginFailed'))[0]).to.equal(209);
  });

  it('sends peer-to-peer messages both ways, with cb on delivery and onError for an offline peer', async () => {
    const alice = await login(name('alice'));
    const bob = await login(name('bob'));
    const sent = new EventLog();
    alice.session.messageInstantSend(name('bob'), 'hi bob', sent.recorder('a'));
    bob.session.messageInstantSend(name('alice'), 'hi alice', sent.recorder('b'));
    const atBob = await bob.log.waitFor('instant');
    const atAlice = await alice.log.waitFor('instant');
    expect([atBob[0], atBob[2]]).to.deep.equal([name('alice'), 'hi bob']);
    expect([atAlice[0], atAlice[2]]).to.deep.equal([name('bob'), 'hi alice']);
    await sent.waitFor('a');
    await sent.waitFor('b');

    alice.session.messageInstantSend(name('nobody'), 'lost', sent.recorder('never'));
    const [method, ecode] = await alice.log.waitFor('error');
    expect([method, ecode]).to.deep.equal(['messageInstantSend', 400]);
    expect(sent.named('never')).to.have.length(0);
  });

  it('joins a channel: user list, joins and leaves of others, messages to every member, attributes, leave', async () => {
    const ch = name('room');
    const alice = await login(name('alice'));
    const bob = await login(name('bob'));
    const aliceCh = alice.session.channelJoin(ch);
    expect(aliceCh.name).to.equal(ch);
    watchChannel(aliceCh, alice.log);
    await alice.log.waitFor('joined');
    expect((await alice.log.waitFor('userList'))[0]).to.deep.equal([[name('alice'), alice.log.named('loginSuccess')[0][0]]]);

    const bobCh = bob.session.channelJoin(ch);
    watchChannel(bobCh, bob.log);
    await bob.log.waitFor('joined');
    const [list] = await bob.log.waitFor('userList');
    expect((list as Array<[string, number]>).map((u) => u[0])).to.deep.equal([name('alice'), name('bob')]);
    expect((await alice.log.waitFor('userJoined'))[0]).to.equal(name('bob'));

    const sent = new EventLog();
    aliceCh.messageChannelSend('hello room', sent.recorder('sent'));
    await sent.waitFor('sent');
    for (const log of [alice.log, bob.log]) {
      const [account, , msg] = await log.waitFor('channelMsg');
      expect([account, msg]).to.deep.equal([name('alice'), 'hello room']);
    }

    const done = new EventLog();
    bobCh.channelSetAttr('topic', 'news', done.recorder('set'));
    await done.waitFor('set');
    for (const log of [alice.log, bob.log]) {
      expect(await log.waitFor('attr', (a) => a[2] === 'update')).to.deep.equal(['topic', 'news', 'update']);
    }
    bobCh.channelSetAttr('mood', 'calm', done.recorder('set2'));
    await done.waitFor('set2');
    aliceCh.channelDelAttr('topic', done.recorder('del'));
    await done.waitFor('del');
    expect(await bob.log.waitFor('attr', (a) => a[2] === 'del')).to.deep.equal(['topic', '', 'del']);
    aliceCh.channelClearAttr(done.recorder('clear'));
    await done.waitFor('clear');
    expect(await bob.log.waitFor('attr', (a) => a[2] === 'clear')).to.deep.equal(['', '', 'clear']);

    bobCh.channelLeave(done.recorder('left'));
    await done.waitFor('left');
    expect((await bob.log.waitFor('leaved'))[0]).to.equal(602);
    expect((await alice.log.waitFor('userLeaved'))[0]).to.equal(name('bob'));
  });

  it('reports a channel join that fails to its Channel', async () => {
    const alice = await login(name('alice'));
    const channel = alice.session.channelJoin('__agora_reserved');
    watchChannel(channel, alice.log);
    expect((await alice.log.waitFor('joinFailed'))[0]).to.equal(300);
  });

  it('invokes RPCs and hands over the parsed JSON answer', async () => {
    const alice = await login(name('alice'));
    await login(name('bob'));
    const answers = new EventLog();
    alice.session.invoke('io.agora.signal.user_query_user_status', { account: name('bob') }, answers.recorder('status'));
    const [err, val] = await answers.waitFor('status');
    expect(err).to.equal(null);
    expect(val).to.deep.equal({ result: 'ok', account: name('bob'), status: 1 });

    alice.session.invoke('io.agora.signal.no_such_function', '{}', answers.recorder('bad'));
    const [badErr, badVal] = await answers.waitFor('bad');
    expect(badErr).to.equal('1004');
    expect(badVal).to.have.property('result', 'failed');
    expect(badVal).to.have.property('reason').that.is.a('string');
  });

  it('carries an invitation that is accepted, then ended, between two sessions', async () => {
    const ch = name('call');
    const alice = await login(name('alice'));
    const bob = await login(name('bob'));
    const call = alice.session.channelInviteUser2(ch, name('bob'), { kind: 'video' });
    expect([call.channelName, call.peer, call.extra]).to.deep.equal([ch, name('bob'), '{"kind":"video"}']);
    watchCall(call, alice.log);

    const [incoming] = (await bob.log.waitFor('inviteReceived')) as [web.Call];
    expect([incoming.channelName, incoming.peer, incoming.extra]).to.deep.equal([ch, name('alice'), '{"kind":"video"}']);
    watchCall(incoming, bob.log);
    await alice.log.waitFor('onInviteReceivedByPeer');

    incoming.channelInviteAccept('{"ok":1}');
    expect(await alice.log.waitFor('onInviteAcceptedByPeer')).to.deep.equal(['{"ok":1}']);

    incoming.channelInviteDTMF('12#');
    expect(JSON.parse((await alice.log.waitFor('onInviteMsg'))[0] as string)).to.deep.equal({ msgType: 'DTMF', msgData: '12#' });

    call.channelInviteEnd();
    await alice.log.waitFor('onInviteEndByMyself');
    await bob.log.waitFor('onInviteEndByPeer');
  });

  it('carries an invitation that is refused', async () => {
    const ch = name('call');
    const alice = await login(name('alice'));
    const bob = await login(name('bob'));
    const call = alice.session.channelInviteUser2(ch, name('bob'), '');
    watchCall(call, alice.log);
    const [incoming] = (await bob.log.waitFor('inviteReceived')) as [web.Call];
    incoming.channelInviteRefuse('{"busy":true}');
    expect(await alice.log.waitFor('onInviteRefusedByPeer')).to.deep.equal(['{"busy":true}']);
  });

  it('reports a failed invitation with its code', async () => {
    const alice = await login(name('alice'));
    const call = alice.session.channelInviteUser2(name('call'), name('nobody'), '{"_require_peer_online":1}');
    watchCall(call, alice.log);
    expect(await alice.log.waitFor('onInviteFailed')).to.deep.equal(['{"_require_peer_online":1}', 703]);
  });
});
