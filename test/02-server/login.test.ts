import { expect } from 'chai';
import { FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { makeSignalingToken } from '../../lib/server/token';
import { ServerFixture } from './server-fixture';

const APP = 'app-login';
const LOCKED_APP = '970ca35de60c44645bbae8a215061b33';
const CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b';
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('02-server: hello and login over TCP', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ heartbeatMs: 1000, resumeWindowMs: 500, apps: { apps: [{ appId: LOCKED_APP, certificate: CERTIFICATE }] } }));
  afterEach(() => fixture.stop());

  it('answers HELLO with WELCOME carrying the configured timings', async () => {
    const client = await fixture.tcp();
    const welcome = await client.hello();
    expect(welcome).to.deep.equal({ type: FrameType.Welcome, version: 1, heartbeatMs: 1000, resumeWindowMs: 500, maxFrameBytes: 1048576 });
  });

  it('answers PING with PONG carrying the same nonce', async () => {
    const client = await fixture.tcp();
    await client.hello();
    client.send({ type: FrameType.Ping, nonce: 2 ** 40 + 7 });
    expect(await client.expect(FrameType.Pong)).to.deep.equal({ type: FrameType.Pong, nonce: 2 ** 40 + 7 });
  });

  it('refuses an unsupported protocol version with BYE 106', async () => {
    const client = await fixture.tcp();
    client.send({ type: FrameType.Hello, version: 2, client: utf8Encode('future') });
    const bye = await client.expect(FrameType.Bye);
    expect(bye.code).to.equal(106);
    expect(utf8Decode(bye.text)).to.equal('unsupported protocol version 2');
    await client.waitClosed();
  });

  it('logs in with _no_need_token and gives distinct uids and session ids', async () => {
    const a = await fixture.loggedIn(APP, 'alice');
    const b = await fixture.loggedIn(APP, 'bob');
    expect(a.uid).to.be.within(1, 0xffffffff);
    expect(b.uid).to.not.equal(a.uid);
    expect(a.sessionId).to.match(/^[0-9a-f]{32}$/);
    expect(b.sessionId).to.not.equal(a.sessionId);
  });

  it('accepts accounts of visible ASCII and UTF-8 up to 128 bytes', async () => {
    for (const account of ['a'.repeat(128), '用户-1', '!~#$%']) {
      const client = await fixture.tcp();
      await client.login(APP, account);
    }
  });

  it('refuses a bad account with LOGIN_FAIL 209 and closes', async () => {
    const bad: (string | Uint8Array)[] = ['', 'has space', 'a'.repeat(129), 'tab\there', 'nul\0', new Uint8Array([0x61, 0xff, 0x62])];
    for (const account of bad) {
      const client = await fixture.tcp();
      await client.hello();
      client.sendLogin(APP, account);
      const fail = await client.expect(FrameType.LoginFail);
      expect(fail.code, String(account)).to.equal(209);
      expect(utf8Decode(fail.text)).to.match(/^invalid account: /);
      await client.waitClosed();
    }
  });

  it('accepts a valid SignalingToken for an App ID with a certificate', async () => {
    const client = await fixture.tcp();
    const ok = await client.login(LOCKED_APP, 'TestAccount', makeSignalingToken(LOCKED_APP, CERTIFICATE, 'TestAccount', nowSeconds() + 60));
    expect(ok.uid).to.be.greaterThan(0);
  });

  it('refuses a wrong token with 206 and an expired one with 204', async () => {
    const cases: [string, number][] = [
      ['_no_need_token', 206],
      [makeSignalingToken(LOCKED_APP, 'wrong-certificate', 'TestAccount', nowSeconds() + 60), 206],
      [makeSignalingToken(LOCKED_APP, CERTIFICATE, 'OtherAccount', nowSeconds() + 60), 206],
      ['1:970ca35de60c44645bbae8a215061b33:1446455471:4815d52c4fd440bac35b981c12798774', 204],
    ];
    for (const [token, code] of cases) {
      const client = await fixture.tcp();
      await client.hello();
      client.sendLogin(LOCKED_APP, 'TestAccount', token);
      const fail = await client.expect(FrameType.LoginFail);
      expect(fail.code, token).to.equal(code);
      await client.waitClosed();
    }
  });

  it('sends LOGGED_OUT 105 when the token expires during the session', async function () {
    this.timeout(6000);
    const client = await fixture.tcp();
    const expiredTs = nowSeconds() + 2;
    await client.login(LOCKED_APP, 'TestAccount', makeSignalingToken(LOCKED_APP, CERTIFICATE, 'TestAccount', expiredTs));
    const loggedOut = await client.expect(FrameType.LoggedOut, 4000);
    expect(loggedOut.code).to.equal(105);
    expect(Date.now()).to.be.at.least(expiredTs * 1000);
    await client.waitClosed();
    const sameApp = await fixture.tcp();
    await sameApp.login(LOCKED_APP, 'Watcher', makeSignalingToken(LOCKED_APP, CERTIFICATE, 'Watcher', nowSeconds() + 60));
    sameApp.request(Op.QueryUserStatus, ['TestAccount']);
    expect(utf8Decode((await sameApp.expect(FrameType.Result)).values[0])).to.equal('0');
  });

  it('kicks the older session with LOGGED_OUT 103 when the account logs in elsewhere', async () => {
    const first = await fixture.loggedIn(APP, 'carol');
    const second = await fixture.loggedIn(APP, 'carol');
    const loggedOut = await first.client.expect(FrameType.LoggedOut);
    expect(loggedOut.code).to.equal(103);
    await first.client.waitClosed();
    // The new session is the one that receives messages.
    const sender = await fixture.loggedIn(APP, 'dave');
    sender.client.request(Op.MsgInstant, ['carol', '0', 'hi', '']);
    expect((await sender.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await second.client.expect(FrameType.Event)).fields[2])).to.equal('hi');
  });

  it('answers a second LOGIN on the same connection with LOGIN_FAIL 208 and keeps the session', async () => {
    const { client } = await fixture.loggedIn(APP, 'erin');
    client.sendLogin(APP, 'erin');
    expect((await client.expect(FrameType.LoginFail)).code).to.equal(208);
    client.request(Op.QueryUserStatus, ['erin']);
    expect(utf8Decode((await client.expect(FrameType.Result)).values[0])).to.equal('1');
  });

  it('disconnects a REQUEST before login with BYE 104', async () => {
    const client = await fixture.tcp();
    await client.hello();
    client.request(Op.QueryUserStatus, ['x']);
    const bye = await client.expect(FrameType.Bye);
    expect(bye.code).to.equal(104);
    expect(utf8Decode(bye.text)).to.equal('request before login');
    await client.waitClosed();
    expect(fixture.logLines.some((l) => l.includes('request before login'))).to.equal(true);
  });

  it('answers LOGOUT with LOGGED_OUT 101 and takes the account offline', async () => {
    const { client } = await fixture.loggedIn(APP, 'frank');
    client.send({ type: FrameType.Logout });
    expect((await client.expect(FrameType.LoggedOut)).code).to.equal(101);
    await client.waitClosed();
    const other = await fixture.loggedIn(APP, 'gina');
    other.client.request(Op.QueryUserStatus, ['frank']);
    expect(utf8Decode((await other.client.expect(FrameType.Result)).values[0])).to.equal('0');
  });
});

describe('02-server: locked-down App IDs', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ apps: { acceptAnyAppId: false, apps: [{ appId: 'known-app' }] } }));
  afterEach(() => fixture.stop());

  it('refuses an unknown App ID with LOGIN_FAIL 206 "unknown App ID"', async () => {
    const client = await fixture.tcp();
    await client.hello();
    client.sendLogin('other-app', 'alice');
    const fail = await client.expect(FrameType.LoginFail);
    expect(fail.code).to.equal(206);
    expect(utf8Decode(fail.text)).to.equal('unknown App ID');
    await client.waitClosed();
  });

  it('accepts a listed App ID without a certificate', async () => {
    const client = await fixture.tcp();
    await client.login('known-app', 'alice');
  });
});
