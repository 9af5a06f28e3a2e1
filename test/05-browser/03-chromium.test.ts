// The browser bundle in headless Chromium against a server this test starts, talking with a client
// of the native addon: login, messages both ways, a channel (list, messages, attributes), an
// invitation accepted each way, and a reconnection after the server restarts.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  Client,
  freePort,
  joinOk,
  loginOk,
  newClient,
  REPO_ROOT,
  ServerProcess,
  sleep,
  startServer,
  uidOf,
} from '../04-e2e/harness';
import { TestBrowser, WebPage } from './browser-page';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- page globals are whatever the page made them
type AnyWindow = Window & Record<string, any>;

const SESSION_CALLBACKS = [
  'onLoginSuccess',
  'onLoginFailed',
  'onLogout',
  'onMessageInstantReceive',
  'onInviteReceived',
  'onError',
  'onReconnecting',
  'onReconnected',
];

/** Logs in from the page; the callbacks are assigned after login() returned, as pages do. */
async function webLogin(web: WebPage, account: string): Promise<number> {
  await web.evaluate(
    ({ account, names }) => {
      const w = window as unknown as AnyWindow;
      w.signal = w.Signal('demo');
      w.session = w.signal.login(account, '_no_need_token');
      w.loginStatusAtOnce = w.session.getStatus();
      for (const n of names) w.session[n] = w.rec(n);
      w.session.onInviteReceived = (call: AnyWindow) => {
        w.incoming = call;
        for (const n of ['onInviteEndByPeer', 'onInviteEndByMyself', 'onInviteMsg', 'onInviteFailed']) call[n] = w.rec('in.' + n);
        w.rec('onInviteReceived')(call);
      };
    },
    { account, names: SESSION_CALLBACKS },
  );
  const ok = await web.waitFor('onLoginSuccess');
  return ok.args[0] as number;
}

function httpGet(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

describe('05 browser: the Web SDK bundle in headless Chromium', function () {
  this.timeout(90000);
  let browser: TestBrowser;
  let server: Awaited<ReturnType<typeof startServer>>;
  const natives: Client[] = [];

  before(async () => {
    browser = await TestBrowser.launch();
    server = await startServer();
  });
  after(async () => {
    await browser?.close();
    await server?.server.close();
  });
  afterEach(() => {
    for (const c of natives.splice(0)) c.api.destroy();
  });

  async function native(account: string, tcpPort = server.tcpPort): Promise<Client> {
    const c = newClient(tcpPort);
    natives.push(c);
    await loginOk(c, 'demo', account);
    return c;
  }

  it('is served at /signal.js and /signal.mjs (with .d.ts) and connects back to the server that served it', async () => {
    const base = `http://127.0.0.1:${server.wsPort}`;
    const js = await httpGet(`${base}/signal.js`);
    expect(js.status).to.equal(200);
    expect(js.type).to.match(/^text\/javascript/);
    const mjs = await httpGet(`${base}/signal.mjs`);
    expect(mjs.type).to.match(/^text\/javascript/);
    expect((await httpGet(`${base}/signal.d.ts`)).body).to.contain('declare const Signal: Signal.SignalFactory');
    expect((await httpGet(`${base}/signal.d.mts`)).body).to.contain('export default Signal');
    expect((await httpGet(`${base}/no-such-file.js`)).status).to.equal(404);
    expect((await httpGet(`${base}/..%2f..%2fpackage.json`)).status).to.equal(404);

    const web = await browser.page(server.wsPort, 'served');
    // A string, so that the dynamic import reaches the browser as written (not compiled to require).
    const seen = await web.page.evaluate(`(async () => {
      const plain = Signal('demo');
      const withNew = new Signal('demo');
      const elsewhere = Signal('demo', { server: 'ws://127.0.0.1:1' });
      const mod = await import('${base}/signal.mjs');
      return {
        server: plain.server,
        withNew: withNew.server,
        elsewhere: elsewhere.server,
        version: plain.getSDKVersion(),
        moduleServer: mod.default('demo').server,
        sameFactory: typeof mod.Signal === 'function',
      };
    })()`);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(seen).to.deep.equal({
      server: `ws://127.0.0.1:${server.wsPort}`,
      withNew: `ws://127.0.0.1:${server.wsPort}`,
      elsewhere: 'ws://127.0.0.1:1',
      version: pkg.version,
      moduleServer: `ws://127.0.0.1:${server.wsPort}`,
      sameFactory: true,
    });
    expect(web.errors).to.deep.equal([]);
  });

  it('logs in and exchanges instant messages both ways with a native client', async () => {
    const web = await browser.page(server.wsPort, 'p2p');
    const bob = await native('native-bob');
    const uid = await webLogin(web, 'web-alice');
    expect(uid).to.be.a('number').and.greaterThan(0);
    expect(await web.evaluate(() => (window as unknown as AnyWindow).loginStatusAtOnce, null)).to.equal(1);
    expect(await web.evaluate(() => (window as unknown as AnyWindow).session.getStatus(), null)).to.equal(2);

    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.session.messageInstantSend('native-bob', 'héllo from the browser', w.rec('sent'));
    }, null);
    await web.waitFor('sent');
    const got = await bob.rec.waitFor('onMessageInstantReceive');
    expect(got.args).to.deep.equal(['web-alice', uid, 'héllo from the browser']);

    bob.api.messageInstantSend('web-alice', 0, 'hello from native', 'm1');
    const back = await web.waitFor('onMessageInstantReceive');
    expect(back.args).to.deep.equal(['native-bob', uidOf(bob), 'hello from native']);

    // A peer that is offline: the send fails and onError says why.
    await web.evaluate(() => (window as unknown as AnyWindow).session.messageInstantSend('nobody-here', 'x'), null);
    const err = await web.waitFor('onError');
    expect(err.args[0]).to.include({ code: 400, method: 'messageInstantSend' });

    // invoke answers with the parsed JSON.
    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.session.invoke('io.agora.signal.user_query_user_status', { account: 'native-bob' }, w.rec('invoked'));
    }, null);
    const invoked = await web.waitFor('invoked');
    expect(invoked.args).to.deep.equal([null, { result: 'ok', account: 'native-bob', status: 1 }]);

    await web.evaluate(() => (window as unknown as AnyWindow).session.logout(), null);
    expect((await web.waitFor('onLogout')).args).to.deep.equal([101]);
    bob.api.queryUserStatus('web-alice');
    const status = await bob.rec.waitFor('onQueryUserStatusResult');
    expect(status.args).to.deep.equal(['web-alice', '0']);
    expect(web.errors).to.deep.equal([]);
  });

  it('joins a channel with a native client: user list, members, messages (to the sender too) and attributes', async () => {
    const web = await browser.page(server.wsPort, 'channel');
    const uid = await webLogin(web, 'web-carol');
    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.channel = w.session.channelJoin('room-1');
      for (const n of [
        'onChannelJoined', 'onChannelJoinFailed', 'onChannelLeaved', 'onChannelUserJoined', 'onChannelUserLeaved',
        'onChannelUserList', 'onChannelAttrUpdated', 'onMessageChannelReceive',
      ]) w.channel[n] = w.rec(n);
    }, null);
    await web.waitFor('onChannelJoined');
    expect((await web.waitFor('onChannelUserList')).args).to.deep.equal([[['web-carol', uid]]]);

    const dave = await native('native-dave');
    await joinOk(dave, 'room-1');
    expect((await web.waitFor('onChannelUserJoined')).args).to.deep.equal(['native-dave', uidOf(dave)]);
    const list = await dave.rec.waitFor('onChannelUserList');
    expect(list.args[0]).to.equal(2);

    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.channel.messageChannelSend('to the room', w.rec('channelSent'));
    }, null);
    await web.waitFor('channelSent');
    expect((await web.waitFor('onMessageChannelReceive')).args).to.deep.equal(['web-carol', uid, 'to the room']);
    const heard = await dave.rec.waitFor('onMessageChannelReceive');
    expect(heard.args).to.deep.equal(['room-1', 'web-carol', uid, 'to the room']);
    dave.api.messageChannelSend('room-1', 'native says hi', 'c1');
    await web.waitFor('onMessageChannelReceive', (a) => a[2] === 'native says hi');

    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.channel.channelSetAttr('topic', 'weather', w.rec('attrSet'));
    }, null);
    await web.waitFor('attrSet');
    expect((await web.waitFor('onChannelAttrUpdated')).args).to.deep.equal(['topic', 'weather', 'update']);
    const daveAttr = await dave.rec.waitFor('onChannelAttrUpdated', (a) => a[1] === 'topic');
    expect(daveAttr.args).to.deep.equal(['room-1', 'topic', 'weather', 'update']);
    await web.evaluate(() => (window as unknown as AnyWindow).channel.channelDelAttr('topic'), null);
    await web.waitFor('onChannelAttrUpdated', (a) => a[2] === 'del');
    await web.evaluate(() => (window as unknown as AnyWindow).channel.channelSetAttr('a', '1'), null);
    await web.waitFor('onChannelAttrUpdated', (a) => a[0] === 'a');
    await web.evaluate(() => (window as unknown as AnyWindow).channel.channelClearAttr(), null);
    expect((await web.waitFor('onChannelAttrUpdated', (a) => a[2] === 'clear')).args).to.deep.equal(['', '', 'clear']);

    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.session.invoke('io.agora.signal.channel_query_num', { name: 'room-1' }, w.rec('num'));
    }, null);
    expect((await web.waitFor('num')).args).to.deep.equal([null, { result: 'ok', name: 'room-1', num: 2 }]);

    dave.api.channelLeave('room-1');
    expect((await web.waitFor('onChannelUserLeaved')).args).to.deep.equal(['native-dave', uidOf(dave)]);
    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.channel.channelLeave(w.rec('left'));
    }, null);
    expect((await web.waitFor('onChannelLeaved')).args).to.deep.equal([602]);
    await web.waitFor('left');
    await web.evaluate(() => (window as unknown as AnyWindow).session.logout(), null);
    expect(web.errors).to.deep.equal([]);
  });

  it('invites a native client who accepts, and accepts a native client\'s invitation (DTMF and end included)', async () => {
    const web = await browser.page(server.wsPort, 'invite');
    const uid = await webLogin(web, 'web-erin');
    const frank = await native('native-frank');

    await web.evaluate(() => {
      const w = window as unknown as AnyWindow;
      w.outgoing = w.session.channelInviteUser2('call-1', 'native-frank', '{"note":"hi"}');
      for (const n of [
        'onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteRefusedByPeer', 'onInviteFailed',
        'onInviteEndByPeer', 'onInviteEndByMyself', 'onInviteMsg',
      ]) w.outgoing[n] = w.rec('out.' + n);
    }, null);
    const received = await frank.rec.waitFor('onInviteReceived');
    expect(received.args).to.deep.equal(['call-1', 'web-erin', uid, '{"note":"hi"}']);
    await web.waitFor('out.onInviteReceivedByPeer');
    frank.api.channelInviteAccept('call-1', 'web-erin', 0, '{"ok":1}');
    expect((await web.waitFor('out.onInviteAcceptedByPeer')).args).to.deep.equal(['{"ok":1}']);
    await web.evaluate(() => (window as unknown as AnyWindow).outgoing.channelInviteDTMF('12#'), null);
    const dtmf = await frank.rec.waitFor('onInviteMsg');
    expect(dtmf.args).to.deep.equal(['call-1', 'web-erin', uid, 'DTMF', '12#', '']);
    await web.evaluate(() => (window as unknown as AnyWindow).outgoing.channelInviteEnd(''), null);
    await web.waitFor('out.onInviteEndByMyself');
    await frank.rec.waitFor('onInviteEndByPeer');

    frank.api.channelInviteUser2('call-2', 'web-erin', '{"from":"native"}');
    const incoming = await web.waitFor('onInviteReceived');
    expect(incoming.args).to.deep.equal([{ call: 'call-2', peer: 'native-frank', extra: '{"from":"native"}' }]);
    await frank.rec.waitFor('onInviteReceivedByPeer');
    await web.evaluate(() => (window as unknown as AnyWindow).incoming.channelInviteAccept('{"yes":true}'), null);
    const accepted = await frank.rec.waitFor('onInviteAcceptedByPeer');
    expect(accepted.args).to.deep.equal(['call-2', 'web-erin', uid, '{"yes":true}']);
    frank.api.channelInviteDTMF('call-2', 'web-erin', '9*');
    expect((await web.waitFor('in.onInviteMsg')).args).to.deep.equal(['9*', 'DTMF']);
    frank.api.channelInviteEnd('call-2', 'web-erin', 0);
    await web.waitFor('in.onInviteEndByPeer');

    // A refusal from the browser reaches the native caller.
    frank.api.channelInviteUser2('call-3', 'web-erin', '');
    await web.waitFor('onInviteReceived', (a) => (a[0] as { call: string }).call === 'call-3');
    await web.evaluate(() => (window as unknown as AnyWindow).incoming.channelInviteRefuse('{"busy":1}'), null);
    const refused = await frank.rec.waitFor('onInviteRefusedByPeer');
    expect(refused.args).to.deep.equal(['call-3', 'web-erin', uid, '{"busy":1}']);
    await web.evaluate(() => (window as unknown as AnyWindow).session.logout(), null);
    expect(web.errors).to.deep.equal([]);
  });

  it('reconnects after the server restarts and keeps working with a native client', async () => {
    const tcpPort = await freePort();
    const wsPort = await freePort();
    const srv = new ServerProcess(tcpPort, wsPort);
    await srv.start();
    try {
      const web = await browser.page(wsPort, 'restart');
      await webLogin(web, 'web-gina');
      await web.evaluate(() => {
        const w = window as unknown as AnyWindow;
        w.channel = w.session.channelJoin('room-r');
        for (const n of ['onChannelJoined', 'onChannelLeaved']) w.channel[n] = w.rec(n);
      }, null);
      await web.waitFor('onChannelJoined');

      await srv.kill();
      await web.waitFor('onReconnecting');
      expect(await web.evaluate(() => (window as unknown as AnyWindow).session.getStatus(), null)).to.equal(1);
      await sleep(500);
      await srv.start();
      await web.waitFor('onReconnected', () => true, 20000);
      expect(await web.evaluate(() => (window as unknown as AnyWindow).session.getStatus(), null)).to.equal(2);
      // The restarted server did not know the session: the channel membership ended with it.
      expect((await web.waitFor('onChannelLeaved')).args).to.deep.equal([604]);

      const hank = await native('native-hank', tcpPort);
      hank.api.messageInstantSend('web-gina', 0, 'after the restart', 'r1');
      expect((await web.waitFor('onMessageInstantReceive')).args.slice(0, 1)).to.deep.equal(['native-hank']);
      await web.evaluate(() => (window as unknown as AnyWindow).session.messageInstantSend('native-hank', 'me too'), null);
      await hank.rec.waitFor('onMessageInstantReceive', (a) => a[2] === 'me too');
      expect(await web.named('onLogout')).to.deep.equal([]);
      await web.evaluate(() => (window as unknown as AnyWindow).session.logout(), null);
      expect(web.errors).to.deep.equal([]);
    } finally {
      for (const c of natives.splice(0)) c.api.destroy();
      await srv.kill();
    }
  });
});
