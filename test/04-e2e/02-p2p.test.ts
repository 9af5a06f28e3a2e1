import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, loginOk, newClient, sleep, startServer } from './harness';

// Payloads carry UTF-8, a NUL byte and the index, so order, duplicates and intactness all show.
const payload = (from: string, i: number) => `${from}#${i} 你好 \u0000 ✓`;

describe('04 e2e: peer-to-peer messages through the addon', function () {
  this.timeout(120000);
  let server: Awaited<ReturnType<typeof startServer>>;
  let a: Client;
  let b: Client;

  before(async () => {
    server = await startServer();
  });
  beforeEach(async () => {
    a = newClient(server.tcpPort);
    b = newClient(server.tcpPort);
    await loginOk(a, 'demo', 'alice');
    await loginOk(b, 'demo', 'bob');
  });
  afterEach(() => {
    a.api.destroy();
    b.api.destroy();
  });
  after(async () => {
    await server.server.close();
  });

  for (const n of [1, 100, 10000]) {
    it(`exchanges ${n} message(s) both ways: all arrive, in order, none duplicated`, async () => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        a.api.messageInstantSend('bob', 0, payload('alice', i), `a-${i}`);
        b.api.messageInstantSend('alice', 0, payload('bob', i), `b-${i}`);
      }
      await Promise.all([
        b.rec.waitForCount('onMessageInstantReceive', n, 60000),
        a.rec.waitForCount('onMessageInstantReceive', n, 60000),
        a.rec.waitForCount('onMessageSendSuccess', n, 60000),
        b.rec.waitForCount('onMessageSendSuccess', n, 60000),
      ]);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await sleep(100);
      for (const [me, peer] of [[a, 'bob'], [b, 'alice']] as const) {
        const got = me.rec.named('onMessageInstantReceive');
        expect(got).to.have.length(n);
        got.forEach((e, i) => {
          expect(e.args[0]).to.equal(peer);
          expect(e.args[2]).to.equal(payload(peer, i));
        });
      }
      const acks = a.rec.named('onMessageSendSuccess').map((e) => e.args[0]);
      expect(acks).to.deep.equal(Array.from({ length: n }, (_, i) => `a-${i}`));
      expect(a.rec.count('onMessageSendError')).to.equal(0);
      if (n >= 10000) {
        console.log(`      ${(2 * n / seconds).toFixed(0)} messages/s delivered (${2 * n} in ${seconds.toFixed(2)} s)`);
      }
    });
  }

  it('delivers bytes intact, including NUL and invalid-looking sequences, up to 8 KiB', async () => {
    const big = Buffer.alloc(8192, 0x41);
    big[0] = 0;
    big[8191] = 0;
    a.api.messageInstantSend('bob', 0, big, 'big');
    const got = await b.rec.waitFor('onMessageInstantReceive');
    expect(Buffer.from(got.args[2] as string, 'utf8').equals(big)).to.equal(true);
    await a.rec.waitFor('onMessageSendSuccess', (args) => args[0] === 'big');
  });

  it('rejects a message over 8 KiB with 1005 and sends nothing', async () => {
    a.api.messageInstantSend('bob', 0, 'x'.repeat(8193), 'too-big');
    const err = await a.rec.waitFor('onMessageSendError');
    expect(err.args).to.deep.equal(['too-big', AGORA_E_CODE.GENERAL_E_LARGE_PARAM]);
    const onError = await a.rec.waitFor('onError');
    expect(onError.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    await sleep(200);
    expect(b.rec.count('onMessageInstantReceive')).to.equal(0);
  });

  it('reports an offline peer through onMessageSendError', async () => {
    a.api.messageInstantSend('nobody-here', 0, 'hello?', 'lost');
    const err = await a.rec.waitFor('onMessageSendError');
    expect(err.args[0]).to.equal('lost');
    expect(err.args[1]).to.equal(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
  });

  it('makes a unique msgID when the app gives none, and accepts repeated ones', async () => {
    a.api.messageInstantSend('bob', 0, 'one', '');
    a.api.messageInstantSend('bob', 0, 'two', '');
    a.api.messageInstantSend('bob', 0, 'three', 'same');
    a.api.messageInstantSend('bob', 0, 'four', 'same');
    await a.rec.waitForCount('onMessageSendSuccess', 4);
    const ids = a.rec.named('onMessageSendSuccess').map((e) => e.args[0] as string);
    expect(ids[0]).to.not.equal('');
    expect(ids[1]).to.not.equal('');
    expect(ids[0]).to.not.equal(ids[1]);
    expect(ids.slice(2)).to.deep.equal(['same', 'same']);
    await b.rec.waitForCount('onMessageInstantReceive', 4);
  });

  it('messageChatSend means the same as messageInstantSend', async () => {
    a.api.messageChatSend('bob', 0, 'chat', 'c1');
    const got = await b.rec.waitFor('onMessageInstantReceive');
    expect(got.args[0]).to.equal('alice');
    expect(got.args[2]).to.equal('chat');
    await a.rec.waitFor('onMessageSendSuccess', (args) => args[0] === 'c1');
  });

  it('answers queryUserStatus with "1" and "0"', async () => {
    a.api.queryUserStatus('bob');
    a.api.queryUserStatus('nobody-here');
    await a.rec.waitForCount('onQueryUserStatusResult', 2);
    expect(a.rec.named('onQueryUserStatusResult').map((e) => e.args)).to.deep.equal([
      ['bob', '1'],
      ['nobody-here', '0'],
    ]);
  });

  it('turns a request the server refuses into onError, never silence', async () => {
    a.api.channelInviteAccept('room', 'bob', 0);
    const err = await a.rec.waitFor('onError');
    expect(err.args[0]).to.equal('channelInviteAccept');
    expect(err.args[1]).to.be.a('number').that.is.not.equal(0);
    expect(err.args[2]).to.be.a('string').with.length.greaterThan(0);
    expect(a.api.getStatus()).to.equal(2);
  });
});
