import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import type { AppMessage } from '../../lib/server/app-message-hub';
import { Client, SuiteServer, indexOfEvent, loginOk, newClient, sleep, startServer, uidOf } from './harness';

// Messages held for offline peers (progress, then success on delivery or an error on expiry) and
// messages between users and the application's back end, as an application sees them.
describe('04 e2e: offline messages and app messages through the addon', function () {
  this.timeout(60000);
  const suite = new SuiteServer();
  const clients = suite.clients;
  const user = (account: string, port?: number): Promise<Client> => suite.user(account, port);

  it('holds messages for an offline peer: onMessageSendProgress now, delivery in order at the next login, then onMessageSendSuccess', async () => {
    const alice = await user('off-alice');
    for (let i = 0; i < 3; i++) alice.api.messageInstantSend2('off-carol', 0, `held ${i} ✓`, `h${i}`, JSON.stringify({ ttl: 30 }));
    await alice.rec.waitForCount('onMessageSendProgress', 3);
    const progress = alice.rec.named('onMessageSendProgress');
    expect(progress.map((e) => [e.args[0], e.args[1], e.args[2]])).to.deep.equal([0, 1, 2].map((i) => ['off-carol', `h${i}`, 'held']));
    expect(progress[0].args[3]).to.equal('30');
    expect(alice.rec.count('onMessageSendSuccess')).to.equal(0);

    const carol = await user('off-carol');
    await carol.rec.waitForCount('onMessageInstantReceive', 3);
    expect(carol.rec.named('onMessageInstantReceive').map((e) => e.args)).to.deep.equal([0, 1, 2].map((i) => ['off-alice', uidOf(alice), `held ${i} ✓`]));
    await alice.rec.waitForCount('onMessageSendSuccess', 3);
    expect(alice.rec.named('onMessageSendSuccess').map((e) => e.args[0])).to.deep.equal(['h0', 'h1', 'h2']);
    expect(indexOfEvent(alice.rec, 'onMessageSendProgress')).to.be.lessThan(indexOfEvent(alice.rec, 'onMessageSendSuccess'));
    // Delivered once: a later login of carol gets nothing more.
    carol.api.logout();
    await carol.rec.waitFor('onLogout');
    const again = await user('off-carol');
    await sleep(200);
    expect(again.rec.count('onMessageInstantReceive')).to.equal(0);
    expect(alice.rec.count('onMessageSendError')).to.equal(0);
  });

  it('messagePushSend is held too', async () => {
    const alice = await user('push-alice');
    alice.api.messagePushSend('push-dave', 0, 'pushed', 'p1');
    const progress = await alice.rec.waitFor('onMessageSendProgress');
    expect(progress.args.slice(0, 3)).to.deep.equal(['push-dave', 'p1', 'held']);
    const dave = await user('push-dave');
    expect((await dave.rec.waitFor('onMessageInstantReceive')).args[2]).to.equal('pushed');
    await alice.rec.waitFor('onMessageSendSuccess', (a) => a[0] === 'p1');
  });

  it('a held message that expires gives onMessageSendError(401) and onError saying so', async () => {
    const alice = await user('exp-alice');
    alice.api.messageInstantSend2('exp-erin', 0, 'too late', 'e1', '{"ttl":1}');
    await alice.rec.waitFor('onMessageSendProgress');
    const err = await alice.rec.waitFor('onMessageSendError', () => true, 5000);
    expect(err.args).to.deep.equal(['e1', AGORA_E_CODE.SENDMESSAGE_E_TIMEOUT]);
    const onError = await alice.rec.waitFor('onError');
    expect(onError.args[0]).to.equal('messageInstantSend2');
    expect(onError.args[2]).to.contain('expired');
    const erin = await user('exp-erin');
    await sleep(200);
    expect(erin.rec.count('onMessageInstantReceive')).to.equal(0);
    expect(alice.rec.count('onMessageSendSuccess')).to.equal(0);
  });

  it('plain messageInstantSend to an offline peer still fails at once; bad options are 1004', async () => {
    const alice = await user('plain-alice');
    alice.api.messageInstantSend('plain-nobody', 0, 'hi', 'x1');
    expect((await alice.rec.waitFor('onMessageSendError')).args).to.deep.equal(['x1', AGORA_E_CODE.SENDMESSAGE_E_OTHER]);
    alice.api.messageInstantSend2('plain-nobody', 0, 'hi', 'x2', 'not json');
    alice.api.messageInstantSend2('plain-nobody', 0, 'hi', 'x3', '{"ttl":-1}');
    await alice.rec.waitForCount('onMessageSendError', 3);
    expect(alice.rec.named('onMessageSendError').slice(1).map((e) => e.args)).to.deep.equal([
      ['x2', AGORA_E_CODE.GENERAL_E_WRONG_PARAM],
      ['x3', AGORA_E_CODE.GENERAL_E_WRONG_PARAM],
    ]);
    expect(alice.rec.count('onMessageSendProgress')).to.equal(0);
  });

  it('bounds what is held: over the per-account bound the send fails with the bound named', async () => {
    const bounded = await startServer({ maxHeldMessagesPerAccount: 2 });
    try {
      const alice = newClient(bounded.tcpPort);
      clients.push(alice);
      await loginOk(alice, 'demo', 'bound-alice');
      for (let i = 0; i < 3; i++) alice.api.messageInstantSend2('bound-frank', 0, `m${i}`, `b${i}`, '{"ttl":30}');
      const err = await alice.rec.waitFor('onMessageSendError');
      expect(err.args).to.deep.equal(['b2', AGORA_E_CODE.SENDMESSAGE_E_OTHER]);
      expect((await alice.rec.waitFor('onError')).args[2]).to.contain('bound');
      expect(alice.rec.count('onMessageSendProgress')).to.equal(2);
    } finally {
      await bounded.server.close();
    }
  });

  it('messageAppSend reaches the back end (SignalServer.appMessages); pushAppMessage gives onMessageAppReceived', async () => {
    const alice = await user('app-alice');
    alice.api.messageAppSend('no one listens', 'a0');
    expect((await alice.rec.waitFor('onMessageSendError')).args).to.deep.equal(['a0', AGORA_E_CODE.SENDMESSAGE_E_OTHER]);

    const received: AppMessage[] = [];
    const listener = (m: AppMessage) => received.push(m);
    suite.server.server.appMessages.on('message', listener);
    try {
      alice.api.messageAppSend('to the back end ✓', 'a1');
      await alice.rec.waitFor('onMessageSendSuccess', (a) => a[0] === 'a1');
      expect(received).to.have.length(1);
      expect(received[0]).to.include({ appId: 'demo', account: 'app-alice', uid: uidOf(alice) });
      expect(received[0].msg.toString('utf8')).to.equal('to the back end ✓');
    } finally {
      suite.server.server.appMessages.off('message', listener);
    }

    expect(await suite.server.server.pushAppMessage('demo', 'app-alice', 'from the back end ✓')).to.equal(true);
    expect((await alice.rec.waitFor('onMessageAppReceived')).args).to.deep.equal(['from the back end ✓']);
    expect(await suite.server.server.pushAppMessage('demo', 'app-nobody', 'lost')).to.equal(false);
    alice.api.messageAppSend('x'.repeat(8193), 'a2');
    expect((await alice.rec.waitFor('onMessageSendError', (a) => a[0] === 'a2')).args[1]).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
  });
});
