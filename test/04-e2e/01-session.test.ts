import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { makeSignalingToken } from '../../lib/server';
import { Client, loginOk, newClient, sleep, startServer } from './harness';

const CERT_APP = '970ca35de60c44645bbae8a215061b33';
const CERT = '5cfd2fd1755d40ecb72977518be15d3b';

describe('04 e2e: sessions through the addon', function () {
  this.timeout(30000);
  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: Client[] = [];
  const client = () => {
    const c = newClient(server.tcpPort);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startServer({ apps: { acceptAnyAppId: true, apps: [{ appId: CERT_APP, certificate: CERT }] } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.api.destroy();
  });
  after(async () => {
    await server.server.close();
  });

  it('logs in and out, with getStatus and isOnline following', async () => {
    const a = client();
    expect(a.api.getStatus()).to.equal(0);
    a.api.login('demo', 'alice', '_no_need_token', 0, '');
    expect(a.api.getStatus()).to.equal(1);
    const ok = await a.rec.waitFor('onLoginSuccess');
    expect(ok.args[0]).to.be.a('number');
    expect(a.api.getStatus()).to.equal(2);
    expect(a.api.isOnline()).to.equal(true);
    a.api.logout();
    const out = await a.rec.waitFor('onLogout');
    expect(out.args[0]).to.equal(AGORA_E_CODE.LOGOUT_E_USER);
    expect(a.api.getStatus()).to.equal(0);
    expect(a.api.isOnline()).to.equal(false);
  });

  it('ignores a login while logged in', async () => {
    const a = client();
    await loginOk(a, 'demo', 'bob');
    a.api.login('demo', 'bob', '_no_need_token', 0, '');
    await sleep(300);
    expect(a.rec.count('onLoginSuccess')).to.equal(1);
    expect(a.rec.count('onLoginFailed')).to.equal(0);
    expect(a.api.getStatus()).to.equal(2);
  });

  it('accepts a valid SignalingToken and rejects a wrong one (206) and an expired one (204)', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const good = client();
    await loginOk(good, CERT_APP, 'carol', makeSignalingToken(CERT_APP, CERT, 'carol', future));

    const wrong = client();
    wrong.api.login(CERT_APP, 'dave', makeSignalingToken(CERT_APP, CERT, 'someone-else', future), 0, '');
    expect((await wrong.rec.waitFor('onLoginFailed')).args[0]).to.equal(AGORA_E_CODE.LOGIN_E_TOKENWRONG);

    const noToken = client();
    noToken.api.login(CERT_APP, 'erin', '_no_need_token', 0, '');
    expect((await noToken.rec.waitFor('onLoginFailed')).args[0]).to.equal(AGORA_E_CODE.LOGIN_E_TOKENWRONG);

    const expired = client();
    const past = Math.floor(Date.now() / 1000) - 10;
    expired.api.login(CERT_APP, 'frank', makeSignalingToken(CERT_APP, CERT, 'frank', past), 0, '');
    expect((await expired.rec.waitFor('onLoginFailed')).args[0]).to.equal(AGORA_E_CODE.LOGIN_E_TOKENEXPIRED);
    expect(expired.api.getStatus()).to.equal(0);
  });

  it('logs a session out with 105 when its token expires', async () => {
    const a = client();
    const soon = Math.floor(Date.now() / 1000) + 2;
    await loginOk(a, CERT_APP, 'grace', makeSignalingToken(CERT_APP, CERT, 'grace', soon));
    const out = await a.rec.waitFor('onLogout', () => true, 5000);
    expect(out.args[0]).to.equal(AGORA_E_CODE.LOGOUT_E_TOKENEXPIRED);
    expect(a.api.getStatus()).to.equal(0);
  });

  for (const bad of ['has space', '', 'x'.repeat(129), 'tab\there']) {
    it(`rejects the invalid account ${JSON.stringify(bad.length > 20 ? bad.slice(0, 8) + '…' : bad)} with 209`, async () => {
      const a = client();
      a.api.login('demo', bad, '_no_need_token', 0, '');
      const failed = await a.rec.waitFor('onLoginFailed');
      expect(failed.args[0]).to.equal(AGORA_E_CODE.LOGIN_E_INVALID_USER);
      expect(a.api.getStatus()).to.equal(0);
    });
  }

  it('accepts an account of exactly 128 visible bytes', async () => {
    const a = client();
    await loginOk(a, 'demo', 'a'.repeat(128));
  });

  it('kicks the older session when the same account logs in elsewhere (103)', async () => {
    const first = client();
    await loginOk(first, 'demo', 'heidi');
    const second = client();
    await loginOk(second, 'demo', 'heidi');
    const out = await first.rec.waitFor('onLogout');
    expect(out.args[0]).to.equal(AGORA_E_CODE.LOGOUT_E_KICKED);
    expect(first.api.getStatus()).to.equal(0);
    await sleep(300);
    expect(second.api.getStatus()).to.equal(2);
    expect(first.rec.count('onReconnecting')).to.equal(0);
  });

  it('keeps App IDs apart: the same account in two App IDs are two users', async () => {
    const a1 = client();
    const a2 = client();
    await loginOk(a1, 'app-one', 'ivan');
    await loginOk(a2, 'app-two', 'ivan');
    await sleep(200);
    expect(a1.rec.count('onLogout')).to.equal(0);
    const other = client();
    await loginOk(other, 'app-one', 'judy');
    other.api.messageInstantSend('ivan', 0, 'only for app-one', 'm1');
    await other.rec.waitFor('onMessageSendSuccess');
    await a1.rec.waitFor('onMessageInstantReceive');
    await sleep(200);
    expect(a2.rec.count('onMessageInstantReceive')).to.equal(0);
  });
});
