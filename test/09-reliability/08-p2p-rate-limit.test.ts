// An optional rate limit on peer-to-peer messages per user (userP2pMessagesPerSecond, off by
// default as the seeds name none), counted where the channel message rates are, refused like them:
// 1001 and a text naming the limit.
import { expect } from 'chai';
import { EventKind, Op, utf8Decode } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { event, ok, result, sleep, startOfSecond } from '../02-server/channel-helpers';
import { ServerFixture } from '../02-server/server-fixture';

const APP = 'app-p2p-rate';

describe('09 reliability: userP2pMessagesPerSecond', () => {
  const fixture = new ServerFixture();
  afterEach(() => fixture.stop());

  it('refuses MSG_INSTANT and MSG_PUSH over the limit with 1001 naming it; nothing reaches the peer; the next second is free', async () => {
    await fixture.start({ userP2pMessagesPerSecond: 5 });
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await startOfSecond();
    for (let i = 0; i < 8; i++) {
      if (i % 2 === 0) alice.client.request(Op.MsgInstant, ['bob', '0', `m${i}`, '']);
      else alice.client.request(Op.MsgPush, ['bob', '0', `m${i}`]);
    }
    const outcomes: [number, string][] = [];
    for (let i = 0; i < 8; i++) {
      const r = await result(alice.client);
      outcomes.push([r.code, utf8Decode(r.text)]);
    }
    const refused: [number, string] = [AGORA_E_CODE.GENERAL_E_FAILED, 'rate limit: a user sends at most 5 peer-to-peer messages a second'];
    expect(outcomes).to.deep.equal([...Array(5).fill([0, '']), refused, refused, refused]);
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push((await event(bob.client, EventKind.InstantMsg))[2]);
    expect(got).to.deep.equal(['m0', 'm1', 'm2', 'm3', 'm4']);
    await sleep(100);
    expect(bob.client.buffered).to.equal(0);
    // Another user has a count of its own; the next second starts afresh.
    await ok(bob.client, Op.MsgInstant, ['alice', '0', 'hi', '']);
    expect((await event(alice.client, EventKind.InstantMsg))[2]).to.equal('hi');
    await sleep(1000);
    await ok(alice.client, Op.MsgInstant, ['bob', '0', 'later', '']);
  });

  it('is off by default', async () => {
    await fixture.start();
    const alice = await fixture.loggedIn(APP, 'alice');
    await fixture.loggedIn(APP, 'bob');
    for (let i = 0; i < 100; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `m${i}`, '']);
    for (let i = 0; i < 100; i++) expect((await result(alice.client)).code).to.equal(0);
  });
});
