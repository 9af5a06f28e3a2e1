import { expect } from 'chai';
import { serverSdk } from '../../lib';
import { EventLog, sleep, startServer } from './events';

const { CallCallback, ChannelCallback, LoginCallback, LoginStatus, MessageCallback, Signal, UserAttrCallback } = serverSdk;
type LoginSession = serverSdk.LoginSession;
type Call = serverSdk.Call;

// The Java Server SDK's object model in Node: several Signals, several LoginSessions each, every
// callback class, through the native addon against a server started here.
describe('06 object models: the Java Server SDK model (Signal, LoginSession, callbacks)', function () {
  this.timeout(30000);
  let server: Awaited<ReturnType<typeof startServer>>;
  const sessions: LoginSession[] = [];
  let serial = 0;
  const name = (base: string): string => `${base}-j${serial}`;

  before(async () => {
    server = await startServer({ invite: { offlineWaitMs: 1500, defaultTimeoutMs: 8000 } });
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

  /** A LoginCallback subclass that records what it hears. */
  class RecordingLogin extends LoginCallback {
    constructor(readonly log: EventLog) {
      super();
    }
    override onLoginSuccess(session: LoginSession, uid: number): void {
      this.log.add('loginSuccess', [session, uid]);
    }
    override onLoginFailed(session: LoginSession, ecode: number): void {
      this.log.add('loginFailed', [session, ecode]);
    }
    override onLogout(session: LoginSession, ecode: number): void {
      this.log.add('logout', [session, ecode]);
    }
    override onMessageInstantReceive(session: LoginSession, account: string, uid: number, msg: string): void {
      this.log.add('instant', [session, account, uid, msg]);
    }
    override onInviteReceived(session: LoginSession, call: Call): void {
      this.log.add('inviteReceived', [session, call]);
    }
    override onError(session: LoginSession, ecode: number, reason: string): void {
      this.log.add('error', [session, ecode, reason]);
    }
  }

  function newSignal(): serverSdk.Signal {
    return new Signal('demo', { server: server.address });
  }

  async function login(signal: serverSdk.Signal, account: string): Promise<{ session: LoginSession; log: EventLog }> {
    const log = new EventLog();
    const session = signal.login(account, '_no_need_token', new RecordingLogin(log));
    sessions.push(session);
    await log.waitFor('loginSuccess');
    return { session, log };
  }

  it('reports getStatus 4 before any login, 1 logging in, 2 logged in, 0 logged out, 3 login failed', async () => {
    const signal = newSignal();
    expect(signal.getStatus()).to.equal(4);
    const log = new EventLog();
    const session = signal.login(name('ann'), '_no_need_token', new RecordingLogin(log));
    expect(signal.getStatus()).to.equal(LoginStatus.CONNECTING);
    expect(session.getStatus()).to.equal(1);
    const [reported, uid] = await log.waitFor('loginSuccess');
    expect(reported).to.equal(session);
    expect(uid).to.be.a('number');
    expect(signal.getStatus()).to.equal(2);
    session.logout();
    expect((await log.waitFor('logout'))[1]).to.equal(101);
    expect(signal.getStatus()).to.equal(0);

    const failed = signal.login('has space', '_no_need_token', new RecordingLogin(log));
    expect((await log.waitFor('loginFailed'))[1]).to.equal(209);
    expect(failed.getStatus()).to.equal(3);
    expect(signal.getStatus()).to.equal(3);
  });

  it('holds several Signals with several LoginSessions each, messaging across them', async () => {
    const one = newSignal();
    const two = newSignal();
    const a1 = await login(one, name('a1'));
    const a2 = await login(one, name('a2'));
    const b1 = await login(two, name('b1'));
    const b2 = await login(two, name('b2'));
    const pairs: Array<[typeof a1, typeof a1, string]> = [
      [a1, b2, name('b2')],
      [b1, a2, name('a2')],
      [a2, a1, name('a1')],
      [b2, b1, name('b1')],
    ];
    const sent = new EventLog();
    pairs.forEach(([from, , to], i) => {
      from.session.messageInstantSend(to, `m${i}`, { onMessageSendSuccess: (s) => sent.add(`ok${i}`, [s]) });
    });
    for (let i = 0; i < pairs.length; i++) {
      const [from, to] = pairs[i];
      const [session, account, , msg] = await to.log.waitFor('instant', (a) => a[3] === `m${i}`);
      expect(session).to.equal(to.session);
      expect(account).to.equal(from.session.account);
      expect(msg).to.equal(`m${i}`);
      expect((await sent.waitFor(`ok${i}`))[0]).to.equal(from.session);
    }
    expect(one.getStatus()).to.equal(2);
  });

  it('reports a failed message to MessageCallback.onMessageSendError, and delivers a ttl message to an offline user later', async () => {
    const signal = newSignal();
    const a = await login(signal, name('a'));
    const out = new EventLog();
    class Recording extends MessageCallback {
      constructor(readonly tag: string) {
        super();
      }
      override onMessageSendSuccess(session: LoginSession): void {
        out.add(`${this.tag}:ok`, [session]);
      }
      override onMessageSendError(session: LoginSession, ecode: number): void {
        out.add(`${this.tag}:err`, [session, ecode]);
      }
    }
    a.session.messageInstantSend(name('later'), 'no ttl', new Recording('plain'));
    expect((await out.waitFor('plain:err'))[1]).to.equal(400);

    a.session.messageInstantSend(name('later'), 'kept for you', 60, new Recording('held'));
    await sleep(300);
    expect(out.named('held:ok')).to.have.length(0);
    const later = await login(signal, name('later'));
    const [, from, , msg] = await later.log.waitFor('instant');
    expect([from, msg]).to.deep.equal([name('a'), 'kept for you']);
    expect((await out.waitFor('held:ok'))[0]).to.equal(a.session);
    // A callback class member left out does nothing.
    a.session.messageInstantSend(name('later'), 'plain callback object', new MessageCallback());
    await later.log.waitFor('instant', (args) => args[3] === 'plain callback object');
  });

  it('answers the user-attribute and member-count queries in the seed shapes', async () => {
    const signal = newSignal();
    const a = await login(signal, name('a'));
    const answers = new EventLog();
    class Recording extends UserAttrCallback {
      override onUserSetAttr(err: string, ret: Record<string, unknown>): void {
        answers.add('set', [err, ret]);
      }
      override onUserGetAttr(err: string, ret: Record<string, unknown>): void {
        answers.add('get', [err, ret]);
      }
      override onUserGetAttrAll(err: string, ret: Record<string, unknown>): void {
        answers.add('all', [err, ret]);
      }
      override onChannelQueryUserNum(err: string, ret: Record<string, unknown>): void {
        answers.add('num', [err, ret]);
      }
    }
    const cb = new Recording();
    a.session.userSetAttr('color', 'blue', cb);
    expect(await answers.waitFor('set')).to.deep.equal(['', { result: 'ok', reason: '' }]);
    signal.userSetAttr('size', 'L', cb);
    await answers.waitFor('set', () => answers.named('set').length === 2);
    a.session.userGetAttr(name('a'), 'color', cb);
    expect(await answers.waitFor('get')).to.deep.equal(['', { result: 'ok', account: name('a'), name: 'color', value: 'blue' }]);
    signal.userGetAttrAll(name('a'), cb);
    expect(await answers.waitFor('all')).to.deep.equal(['', { result: 'ok', account: name('a'), json: { color: 'blue', size: 'L' } }]);

    const joined = new EventLog();
    a.session.channelJoin(name('room'), { onChannelJoined: joined.recorder('joined') });
    await joined.waitFor('joined');
    signal.channelQueryUserNum(name('room'), cb);
    expect(await answers.waitFor('num')).to.deep.equal(['', { result: 'ok', name: name('room'), num: 1 }]);

    a.session.userSetAttr('', 'x', cb);
    const [err, ret] = await answers.waitFor('set', (args) => args[0] !== '');
    expect(err).to.equal('1004');
    expect(ret).to.have.property('result', 'failed');
    expect((ret as { reason: unknown }).reason).to.be.a('string').and.not.equal('');

    const idle = newSignal();
    idle.userGetAttr(name('a'), 'color', cb);
    expect(await answers.waitFor('get', (args) => args[0] !== '')).to.deep.equal([
      '1003',
      { result: 'failed', reason: 'no session of this Signal is logged in' },
    ]);
  });

  it('gives channel events to the ChannelCallback and the LoginCallback', async () => {
    const signal = newSignal();
    const a = await login(signal, name('a'));
    const b = await login(signal, name('b'));
    const log = new EventLog();
    class Recording extends ChannelCallback {
      constructor(readonly who: string) {
        super();
      }
      override onChannelJoined(_s: LoginSession, channel: serverSdk.Channel): void {
        log.add(`${this.who}:joined`, [channel.name]);
      }
      override onChannelJoinFailed(_s: LoginSession, channel: serverSdk.Channel, ecode: number): void {
        log.add(`${this.who}:joinFailed`, [channel.name, ecode]);
      }
      override onChannelLeaved(_s: LoginSession, channel: serverSdk.Channel, ecode: number): void {
        log.add(`${this.who}:leaved`, [channel.name, ecode]);
      }
      override onChannelUserJoined(_s: LoginSession, _c: serverSdk.Channel, account: string): void {
        log.add(`${this.who}:userJoined`, [account]);
      }
      override onChannelUserLeaved(_s: LoginSession, _c: serverSdk.Channel, account: string): void {
        log.add(`${this.who}:userLeaved`, [account]);
      }
      override onChannelUserList(_s: LoginSession, _c: serverSdk.Channel, users: string[], uids: number[]): void {
        log.add(`${this.who}:list`, [users, uids]);
      }
      override onChannelAttrUpdated(_s: LoginSession, _c: serverSdk.Channel, n: string, v: string, t: string): void {
        log.add(`${this.who}:attr`, [n, v, t]);
      }
      override onChannelQueryUserNum(_s: LoginSession, err: string, num: number): void {
        log.add(`${this.who}:num`, [err, num]);
      }
      override onMessageChannelReceive(_s: LoginSession, _c: serverSdk.Channel, account: string, _uid: number, msg: string): void {
        log.add(`${this.who}:msg`, [account, msg]);
      }
    }
    const room = name('room');
    const ca = a.session.channelJoin(room, new Recording('a'));
    await log.waitFor('a:joined');
    const cb = b.session.channelJoin(room, new Recording('b'));
    expect(cb.name).to.equal(room);
    expect((await log.waitFor('b:list'))[0]).to.deep.equal([name('a'), name('b')]);
    expect(await log.waitFor('a:userJoined')).to.deep.equal([name('b')]);

    const sent = new EventLog();
    ca.messageChannelSend('to all', { onMessageSendSuccess: sent.recorder('ok') });
    await sent.waitFor('ok');
    expect(await log.waitFor('a:msg')).to.deep.equal([name('a'), 'to all']);
    expect(await log.waitFor('b:msg')).to.deep.equal([name('a'), 'to all']);

    ca.channelSetAttr('topic', 'x');
    expect(await log.waitFor('b:attr')).to.deep.equal(['topic', 'x', 'update']);
    ca.channelDelAttr('topic');
    expect(await log.waitFor('b:attr', (x) => x[2] === 'del')).to.deep.equal(['topic', '', 'del']);
    ca.channelClearAttr();
    expect(await log.waitFor('b:attr', (x) => x[2] === 'clear')).to.deep.equal(['', '', 'clear']);

    b.session.channelQueryUserNum(room, {});
    expect(await log.waitFor('b:num')).to.deep.equal(['', 2]);

    cb.channelLeave();
    expect(await log.waitFor('b:leaved')).to.deep.equal([room, 602]);
    expect(await log.waitFor('a:userLeaved')).to.deep.equal([name('b')]);

    const loginLog = new EventLog();
    const c = signal.login(name('c'), '_no_need_token', {
      onLoginSuccess: loginLog.recorder('ok'),
      onChannelJoinFailed: (_s: LoginSession, channel: serverSdk.Channel, ecode: number) => loginLog.add('joinFailed', [channel.name, ecode]),
    });
    sessions.push(c);
    await loginLog.waitFor('ok');
    c.channelJoin('__agora_reserved', new Recording('c'));
    expect(await log.waitFor('c:joinFailed')).to.deep.equal(['__agora_reserved', 300]);
    expect(await loginLog.waitFor('joinFailed')).to.deep.equal(['__agora_reserved', 300]);
  });

  it('gives every CallCallback path: received by peer, accepted, DTMF, ended; refused; failed', async () => {
    const signal = newSignal();
    const a = await login(signal, name('a'));
    const b = await login(signal, name('b'));
    const log = new EventLog();
    class Recording extends CallCallback {
      constructor(readonly who: string) {
        super();
      }
      override onInviteReceivedByPeer(_s: LoginSession, call: Call): void {
        log.add(`${this.who}:receivedByPeer`, [call.peer]);
      }
      override onInviteAcceptedByPeer(_s: LoginSession, _c: Call, extra: string): void {
        log.add(`${this.who}:accepted`, [extra]);
      }
      override onInviteRefusedByPeer(_s: LoginSession, _c: Call, extra: string): void {
        log.add(`${this.who}:refused`, [extra]);
      }
      override onInviteFailed(_s: LoginSession, _c: Call, ecode: number): void {
        log.add(`${this.who}:failed`, [ecode]);
      }
      override onInviteEndByPeer(_s: LoginSession, _c: Call, extra: string): void {
        log.add(`${this.who}:endByPeer`, [extra]);
      }
      override onInviteEndByMyself(_s: LoginSession, _c: Call, extra: string): void {
        log.add(`${this.who}:endByMyself`, [extra]);
      }
      override onInviteMsg(_s: LoginSession, _c: Call, extra: string): void {
        log.add(`${this.who}:msg`, [JSON.parse(extra)]);
      }
    }
    const call = a.session.channelInviteUser2(name('call'), name('b'), '{"v":1}', new Recording('a'));
    const [session, incoming] = (await b.log.waitFor('inviteReceived')) as [LoginSession, Call];
    expect(session).to.equal(b.session);
    expect([incoming.channelName, incoming.peer, incoming.extra]).to.deep.equal([name('call'), name('a'), '{"v":1}']);
    incoming.setCallback(new Recording('b'));
    expect(await log.waitFor('a:receivedByPeer')).to.deep.equal([name('b')]);
    incoming.channelInviteAccept('{"yes":1}');
    expect(await log.waitFor('a:accepted')).to.deep.equal(['{"yes":1}']);
    call.channelInviteDTMF('5*');
    expect(await log.waitFor('b:msg')).to.deep.equal([{ msgType: 'DTMF', msgData: '5*' }]);
    incoming.channelInviteEnd();
    await log.waitFor('b:endByMyself');
    await log.waitFor('a:endByPeer');

    a.session.channelInviteUser2(name('call2'), name('b'), '', new Recording('a2'));
    const [, second] = (await b.log.waitFor('inviteReceived', (x) => (x[1] as Call).channelName === name('call2'))) as [LoginSession, Call];
    second.channelInviteRefuse('{"no":1}');
    expect(await log.waitFor('a2:refused')).to.deep.equal(['{"no":1}']);

    a.session.channelInviteUser2(name('call3'), name('nobody'), '{"_require_peer_online":1}', new Recording('a3'));
    expect(await log.waitFor('a3:failed')).to.deep.equal([703]);
  });
});
