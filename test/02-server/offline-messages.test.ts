import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { call, event, ok, quiet, sleep } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-offline';

describe('02-server: messages for offline peers', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ maxHeldMessagesPerAccount: 3, maxHeldMessagesPerApp: 5, maxMessageTtlSeconds: 60, pushTtlSeconds: 1 }));
  afterEach(() => fixture.stop());

  it('holds messages with a ttl ("held" at once), delivers them in order at the next login, then MSG_DELIVERED to the sender', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const first = await ok(alice.client, Op.MsgInstant, ['bob', '0', 'one', '{"ttl": 30}']);
    expect(first.slice(1)).to.deep.equal(['held', '30']);
    const second = await ok(alice.client, Op.MsgPush, ['bob', '0', 'two']);
    expect(second.slice(1)).to.deep.equal(['held', '1']);

    const bob = await fixture.loggedIn(APP, 'bob');
    expect(await event(bob.client, EventKind.InstantMsg)).to.deep.equal(['alice', String(alice.uid), 'one', first[0]]);
    expect(await event(bob.client, EventKind.InstantMsg)).to.deep.equal(['alice', String(alice.uid), 'two', second[0]]);
    expect(await event(alice.client, EventKind.MsgDelivered)).to.deep.equal([first[0]]);
    expect(await event(alice.client, EventKind.MsgDelivered)).to.deep.equal([second[0]]);
    // Online now: delivered at once, nothing held.
    expect(await ok(alice.client, Op.MsgInstant, ['bob', '0', 'three', '{"ttl": 30}'])).to.have.length(1);
    expect((await event(bob.client, EventKind.InstantMsg))[2]).to.equal('three');
    // Delivered once: a later login gets nothing.
    bob.client.send({ type: FrameType.Logout });
    await bob.client.expect(FrameType.LoggedOut);
    const bob2 = await fixture.loggedIn(APP, 'bob');
    await quiet(bob2.client);
  });

  it('tells the sender MSG_EXPIRED (401) when the peer does not log in within the ttl; the peer never gets it', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const [id] = await ok(alice.client, Op.MsgInstant, ['bob', '0', 'too late', '{"ttl": 1}']);
    const [pushId] = await ok(alice.client, Op.MsgPush, ['bob', '0', 'push too late']);
    const expired = await event(alice.client, EventKind.MsgExpired, 2500);
    expect(expired.slice(0, 2)).to.deep.equal([id, '401']);
    expect(expired[2]).to.contain('expired');
    expect((await event(alice.client, EventKind.MsgExpired, 1000))[0]).to.equal(pushId);
    const bob = await fixture.loggedIn(APP, 'bob');
    await quiet(bob.client);
  });

  it('plain MSG_INSTANT (no ttl, or ttl 0) to an offline peer still fails at once with 400', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    for (const options of ['', '{}', '{"ttl":0}']) {
      const r = await call(alice.client, Op.MsgInstant, ['bob', '0', 'hi', options]);
      expect(r.code).to.equal(400);
      expect(utf8Decode(r.text)).to.equal('peer bob is offline');
    }
  });

  it('refuses bad options and holds within the bounds per account and per App ID', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bad: [string, number][] = [
      ['{ttl', 1004],
      ['[]', 1004],
      ['{"ttl":"10"}', 1004],
      ['{"ttl":-1}', 1004],
      ['{"ttl":1.5}', 1004],
      ['{"ttl":61}', 1005],
    ];
    for (const [options, code] of bad) {
      const r = await call(alice.client, Op.MsgInstant, ['bob', '0', 'x', options]);
      expect(r.code, options).to.equal(code);
      expect(utf8Decode(r.text)).to.contain('options');
    }
    for (let i = 0; i < 3; i++) await ok(alice.client, Op.MsgInstant, ['bob', '0', `b${i}`, '{"ttl":30}']);
    const perAccount = await call(alice.client, Op.MsgInstant, ['bob', '0', 'b3', '{"ttl":30}']);
    expect(perAccount.code).to.equal(400);
    expect(utf8Decode(perAccount.text)).to.contain('3 messages held');
    for (let i = 0; i < 2; i++) await ok(alice.client, Op.MsgInstant, ['carol', '0', `c${i}`, '{"ttl":30}']);
    const perApp = await call(alice.client, Op.MsgInstant, ['carol', '0', 'c2', '{"ttl":30}']);
    expect(perApp.code).to.equal(400);
    expect(utf8Decode(perApp.text)).to.contain('the App ID holds the most it may (5 messages');
    // Another App ID has its own budget.
    const other = await fixture.loggedIn('other-app', 'alice');
    await ok(other.client, Op.MsgInstant, ['carol', '0', 'c', '{"ttl":30}']);
    // Delivering frees the budget.
    const bob = await fixture.loggedIn(APP, 'bob');
    for (let i = 0; i < 3; i++) expect((await event(bob.client, EventKind.InstantMsg))[2]).to.equal(`b${i}`);
    await sleep(20);
    for (let i = 0; i < 3; i++) await event(alice.client, EventKind.MsgDelivered);
    await ok(alice.client, Op.MsgInstant, ['dave', '0', 'd', '{"ttl":30}']);
  });

  it('does not tell a later session of the sender about a message its earlier session sent', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.MsgInstant, ['bob', '0', 'x', '{"ttl":30}']);
    alice.client.send({ type: FrameType.Logout });
    await alice.client.expect(FrameType.LoggedOut);
    const alice2 = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    expect((await event(bob.client, EventKind.InstantMsg))[2]).to.equal('x');
    await quiet(alice2.client);
  });
});
