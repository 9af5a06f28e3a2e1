// The Web object model (lib/web: Signal, Session, Channel, Call) in Node with `ws` as its
// WebSocket: the cases a page meets that the Chromium tests do not repeat.
import { expect } from 'chai';
import WebSocket from 'ws';
import { FALLBACK_SERVER, Signal, SignalClient } from '../../lib/web';

type Session = ReturnType<ReturnType<typeof Signal>['login']>;
import { sleep, startServer } from '../04-e2e/harness';

type Heard = Array<{ name: string; args: unknown[] }>;

function recordInto(heard: Heard, target: object, names: string[], prefix = ''): void {
  for (const n of names) (target as Record<string, unknown>)[n] = (...args: unknown[]) => heard.push({ name: prefix + n, args });
}

async function waitFor(heard: Heard, name: string, timeoutMs = 10000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = heard.find((h) => h.name === name);
    if (hit) return hit.args;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}; heard ${heard.map((h) => h.name).join(', ')}`);
    await sleep(20);
  }
}

const SESSION_CALLBACKS = ['onLoginSuccess', 'onLoginFailed', 'onLogout', 'onMessageInstantReceive', 'onInviteReceived', 'onError'];

describe('05 browser: the Web object model in Node', function () {
  this.timeout(30000);
  let server: Awaited<ReturnType<typeof startServer>>;
  const sessions: Session[] = [];

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.server.close();
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.logout();
  });

  function signal(): ReturnType<typeof Signal> {
    return Signal('demo', { server: `ws://127.0.0.1:${server.wsPort}`, WebSocket });
  }

  async function login(account: string, heard: Heard): Promise<Session> {
    const session = signal().login(account, '_no_need_token');
    sessions.push(session);
    recordInto(heard, session, SESSION_CALLBACKS);
    await waitFor(heard, 'onLoginSuccess');
    return session;
  }

  it('Signal works with and without new, knows its server, and refuses a bad server URL with a TypeError', () => {
    const a = Signal('demo', { WebSocket });
    const b = new (Signal as unknown as new (appid: string, o: object) => SignalClient)('demo', { WebSocket });
    expect(a).to.be.instanceOf(SignalClient);
    expect(b).to.be.instanceOf(SignalClient);
    expect(a.server).to.equal(FALLBACK_SERVER);
    expect(Signal('demo', { server: 'http://127.0.0.1:5000/page.html', WebSocket }).server).to.equal('ws://127.0.0.1:5000');
    expect(() => Signal('demo', { server: 'ftp://x', WebSocket })).to.throw(TypeError, /ftp/);
    Signal.setServer('ws://127.0.0.1:4321');
    try {
      expect(Signal('demo', { WebSocket }).server).to.equal('ws://127.0.0.1:4321');
    } finally {
      Signal.setServer(FALLBACK_SERVER);
    }
    expect(a.getSDKVersion()).to.equal(Signal.getSDKVersion());
  });

  it('reports a bad account after login() returned: onError(1004) then onLoginFailed(209), nothing sent', async () => {
    const heard: Heard = [];
    const session = signal().login('has space', '_no_need_token');
    recordInto(heard, session, SESSION_CALLBACKS);
    const [code] = await waitFor(heard, 'onLoginFailed');
    expect(code).to.equal(209);
    expect(heard.map((h) => h.name)).to.deep.equal(['onError', 'onLoginFailed']);
    expect((heard[0].args[0] as { code: number }).code).to.equal(1004);
    expect(session.getStatus()).to.equal(0);
  });

  it('ignores a second login of the same Signal while logged in, and allows one right after logout', async () => {
    const heard: Heard = [];
    const sig = signal();
    const first = sig.login('ivan', '_no_need_token');
    sessions.push(first);
    recordInto(heard, first, SESSION_CALLBACKS);
    expect(sig.login('ivan', '_no_need_token')).to.equal(first);
    await waitFor(heard, 'onLoginSuccess');
    first.logout();
    const second = sig.login('ivan', '_no_need_token');
    sessions.push(second);
    expect(second).to.not.equal(first);
    const heard2: Heard = [];
    recordInto(heard2, second, SESSION_CALLBACKS);
    await waitFor(heard2, 'onLoginSuccess');
    expect(await waitFor(heard, 'onLogout')).to.deep.equal([101]);
  });

  it('invoke passes errors as (err, val): an unknown function gives 1004 and the failed answer', async () => {
    const heard: Heard = [];
    const s = await login('judy', heard);
    const [err, val] = await new Promise<unknown[]>((resolve) => s.invoke('io.agora.signal.no_such_thing', {}, (...a) => resolve(a)));
    expect(err).to.include({ code: 1004, method: 'invoke' });
    expect(val).to.include({ result: 'failed' });
    const [err2, val2] = await new Promise<unknown[]>((resolve) =>
      s.invoke('io.agora.signal.user_set_attr', { name: 'color', value: 'blue' }, (...a) => resolve(a)),
    );
    expect(err2).to.equal(null);
    expect(val2).to.deep.equal({ result: 'ok' });
  });

  it('a channel join the server refuses gives onChannelJoinFailed and onError; leaving on logout gives onChannelLeaved(603)', async () => {
    const heard: Heard = [];
    const s = await login('kate', heard);
    const bad = s.channelJoin('');
    recordInto(heard, bad, ['onChannelJoined', 'onChannelJoinFailed'], 'bad.');
    const [code] = await waitFor(heard, 'bad.onChannelJoinFailed');
    expect(code).to.equal(1004);
    expect(heard.some((h) => h.name === 'onError')).to.equal(true);

    const room = s.channelJoin('room-k');
    recordInto(heard, room, ['onChannelJoined', 'onChannelLeaved'], 'room.');
    await waitFor(heard, 'room.onChannelJoined');
    s.logout();
    expect(await waitFor(heard, 'room.onChannelLeaved')).to.deep.equal([603]);
    const names = heard.map((h) => h.name);
    expect(names.indexOf('room.onChannelLeaved')).to.be.lessThan(names.indexOf('onLogout'));
  });

  it('an invitation to an offline peer with _require_peer_online fails with 703; a refused one reaches the caller', async () => {
    const heard: Heard = [];
    const caller = await login('liam', heard);
    const offline = caller.channelInviteUser2('call-x', 'nobody-online', '{"_require_peer_online":1}');
    recordInto(heard, offline, ['onInviteFailed'], 'offline.');
    expect(await waitFor(heard, 'offline.onInviteFailed')).to.deep.equal(['{"_require_peer_online":1}', 703]);

    const calleeHeard: Heard = [];
    const callee = await login('mia', calleeHeard);
    void callee;
    const call = caller.channelInviteUser2('call-y', 'mia', '');
    recordInto(heard, call, ['onInviteReceivedByPeer', 'onInviteRefusedByPeer'], 'call.');
    const [incoming] = await waitFor(calleeHeard, 'onInviteReceived');
    expect(incoming).to.include({ channelName: 'call-y', peer: 'liam', extra: '' });
    await waitFor(heard, 'call.onInviteReceivedByPeer');
    (incoming as ReturnType<Session['channelInviteUser2']>).channelInviteRefuse('{"reason":"busy"}');
    expect(await waitFor(heard, 'call.onInviteRefusedByPeer')).to.deep.equal(['{"reason":"busy"}']);
  });

  it('a callback that throws does not stop the session', async () => {
    const heard: Heard = [];
    const a = await login('nina', heard);
    const bHeard: Heard = [];
    const b = await login('oscar', bHeard);
    let calls = 0;
    b.onMessageInstantReceive = () => {
      calls++;
      throw new Error('application bug');
    };
    a.messageInstantSend('oscar', 'one');
    a.messageInstantSend('oscar', 'two');
    const deadline = Date.now() + 5000;
    while (calls < 2 && Date.now() < deadline) await sleep(20);
    expect(calls).to.equal(2);
    expect(b.getStatus()).to.equal(2);
  });
});
