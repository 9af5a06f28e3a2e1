// A smoke test of the whole path through the addon against an in-process server: promises of the
// client layer, UTF-8 and binary payloads, and a burst of events crossing threads in batches.
import { expect } from 'chai';
import { AGORA_E_CODE, AgoraClient, AgoraError, LoginStatus } from '../../lib';
import { SignalServer } from '../../lib/server';

describe('03-addon: smoke test against lib/server', function () {
  this.timeout(30000);
  let server: SignalServer;
  let alice: AgoraClient;
  let bob: AgoraClient;

  before(async () => {
    server = new SignalServer({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, logLevel: 'silent' });
    const { tcpPort } = await server.listen();
    alice = new AgoraClient({ server: `127.0.0.1:${tcpPort}` });
    bob = new AgoraClient({ server: `127.0.0.1:${tcpPort}` });
    await Promise.all([alice.login('alice', { appId: 'smoke' }), bob.login('bob', { appId: 'smoke' })]);
  });

  after(async () => {
    alice?.destroy();
    bob?.destroy();
    await server?.close();
  });

  it('logs in through the promise layer', () => {
    expect(alice.api.getStatus()).to.equal(LoginStatus.LOGGED_IN);
    expect(bob.api.isOnline()).to.equal(true);
  });

  it('sends a UTF-8 message and the peer receives it as a string', async () => {
    const received = new Promise<unknown[]>((resolve) => bob.once('messageInstantReceive', (...args) => resolve(args)));
    await alice.sendInstant('bob', 'héllo ✓ 你好');
    const [account, , msg] = await received;
    expect(account).to.equal('alice');
    expect(msg).to.equal('héllo ✓ 你好');
  });

  it('delivers binary payloads intact as Buffers when asked', async () => {
    bob.api.setPayloadsAsBuffers(true);
    try {
      const payload = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x00, 0x80]);
      const received = new Promise<unknown>((resolve) => bob.once('messageInstantReceive', (_a, _u, msg) => resolve(msg)));
      await alice.sendInstant('bob', payload);
      const msg = await received;
      expect(Buffer.isBuffer(msg)).to.equal(true);
      expect((msg as Buffer).equals(payload)).to.equal(true);
    } finally {
      bob.api.setPayloadsAsBuffers(false);
    }
  });

  it('delivers a burst of 300 messages once each, in order', async () => {
    const got: string[] = [];
    const all = new Promise<void>((resolve) => {
      const onMessage = (_account: string, _uid: number, msg: string): void => {
        got.push(msg);
        if (got.length === 300) {
          bob.off('messageInstantReceive', onMessage);
          resolve();
        }
      };
      bob.on('messageInstantReceive', onMessage);
    });
    const sent = Array.from({ length: 300 }, (_, i) => alice.sendInstant('bob', `m${i}`));
    await Promise.all(sent);
    await all;
    expect(got).to.deep.equal(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('rejects a message to an offline peer with its code', async () => {
    let error: unknown;
    await alice.sendInstant('nobody-here', 'hi').catch((e) => (error = e));
    expect(error).to.be.instanceOf(AgoraError);
    expect((error as AgoraError).code).to.equal(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
  });

  it('logs out through the promise layer with 101', async () => {
    expect(await bob.logout()).to.equal(AGORA_E_CODE.LOGOUT_E_USER);
    expect(bob.api.getStatus()).to.equal(LoginStatus.NOT_LOGGED_IN);
  });
});
