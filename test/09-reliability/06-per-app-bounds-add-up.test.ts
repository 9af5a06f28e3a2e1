// Issue 11, case 6: bounds per App ID or per account (held messages 64 MiB per App ID, user
// attributes per account, kept after logout) added up without limit when any App ID and any
// account may log in (the default). Here several App IDs, each within its own bounds, meet the
// server-wide ones.
import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { call, event, ok, sleep } from '../02-server/channel-helpers';
import { ServerFixture } from '../02-server/server-fixture';
import { DEFAULT_CONFIG, resolveConfig } from '../../lib/server/config';

const HOLD = JSON.stringify({ ttl: 60 });

describe('09 reliability: bounds per App ID and per account add up to server-wide bounds', () => {
  const fixture = new ServerFixture();
  afterEach(() => fixture.stop());

  it('held messages: at most maxHeldMessagesTotal across App IDs (400 naming the bound); delivery gives the room and the bytes back', async () => {
    await fixture.start({ maxHeldMessagesPerApp: 5, maxHeldMessagesTotal: 12 });
    const outcomes: number[] = [];
    const senders = [];
    for (let app = 0; app < 4; app++) {
      const sender = await fixture.loggedIn(`app-${app}`, 'sender');
      senders.push(sender);
      for (let i = 0; i < 5; i++) {
        const r = await call(sender.client, Op.MsgInstant, [`peer-${i}`, '0', 'm'.repeat(1000), HOLD]);
        outcomes.push(r.code);
        if (r.code !== 0) {
          expect(utf8Decode(r.text)).to.equal('the peer is offline and the server holds the most it may for offline peers (12 messages, 268435456 bytes, all App IDs together)');
        }
      }
    }
    // Every App ID is within its own bound of 5; the fourth finds the server-wide 12 reached.
    expect(outcomes).to.deep.equal([...Array(12).fill(0), ...Array(8).fill(AGORA_E_CODE.SENDMESSAGE_E_OTHER)]);
    const budget = fixture.server.memoryBudget;
    expect(budget.snapshot().byCategory.heldMessages).to.equal(12 * (1000 + 128));

    // peer-0 of app-0 logs in: its message is delivered and its room is free again.
    const peer = await fixture.loggedIn('app-0', 'peer-0');
    expect((await event(peer.client, EventKind.InstantMsg))[0]).to.equal('sender');
    expect(budget.snapshot().byCategory.heldMessages).to.equal(11 * (1000 + 128));
    await ok(senders[3].client, Op.MsgInstant, ['peer-9', '0', 'again', HOLD]);
  });

  it('held messages: at most maxHeldBytesTotal bytes across App IDs; expiry gives the bytes back', async () => {
    await fixture.start({ maxHeldBytesTotal: 20000 });
    const a = await fixture.loggedIn('app-a', 'sender');
    const b = await fixture.loggedIn('app-b', 'sender');
    const short = JSON.stringify({ ttl: 1 });
    await ok(a.client, Op.MsgInstant, ['peer', '0', 'x'.repeat(8000), short]);
    await ok(b.client, Op.MsgInstant, ['peer', '0', 'x'.repeat(8000), short]);
    const refused = await call(b.client, Op.MsgInstant, ['other', '0', 'x'.repeat(8000), short]);
    expect(refused.code).to.equal(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
    expect(utf8Decode(refused.text)).to.contain('all App IDs together');
    expect(fixture.server.memoryBudget.snapshot().byCategory.heldMessages).to.equal(2 * 8128);
    const expired = await a.client.expect(FrameType.Event, 3000);
    expect(expired.kind).to.equal(EventKind.MsgExpired);
    await sleep(50);
    expect(fixture.server.memoryBudget.snapshot().byCategory.heldMessages).to.equal(0);
  });

  it('user attributes: at most maxUserAttrBytesTotal across accounts and App IDs, logged out ones included (1001)', async () => {
    await fixture.start({ maxUserAttrBytesTotal: 40000 });
    for (let i = 0; i < 4; i++) {
      const user = await fixture.loggedIn(`app-${i % 2}`, `user-${i}`);
      await ok(user.client, Op.UserSetAttr, ['k', 'v'.repeat(8000)]);
      await ok(user.client, Op.UserSetAttr, ['small', 'v'.repeat(1000)]);
      user.client.send({ type: FrameType.Logout });
      await user.client.expect(FrameType.LoggedOut);
    }
    const late = await fixture.loggedIn('app-9', 'late');
    const refused = await call(late.client, Op.UserSetAttr, ['k', 'v'.repeat(8000)]);
    expect([refused.code, utf8Decode(refused.text)]).to.deep.equal([
      AGORA_E_CODE.GENERAL_E_FAILED,
      'the server holds the most bytes of user attributes it may (40000, all accounts together)',
    ]);
    expect(await ok(late.client, Op.UserGetAttrAll, [''])).to.deep.equal(['late', '{}']); // nothing changed
    const budget = fixture.server.memoryBudget;
    expect(budget.snapshot().byCategory.userAttrs).to.equal(4 * (8001 + 64 + 1005 + 64));
    // A deletion gives its bytes back; then there is room again.
    const again = await fixture.loggedIn('app-0', 'user-0');
    await ok(again.client, Op.UserSetAttr, ['k', '']);
    expect(budget.snapshot().byCategory.userAttrs).to.equal(3 * (8001 + 64) + 4 * (1005 + 64));
    await ok(late.client, Op.UserSetAttr, ['k', 'v'.repeat(8000)]);
  });

  it('the memory budget holds across categories and App IDs: attributes and held messages are refused at it', async () => {
    const budgetBytes = 30000;
    await fixture.start({ memoryBudgetBytes: budgetBytes });
    const codes = { channelAttrs: [] as number[], userAttrs: [] as number[], heldMessages: [] as number[] };
    for (let app = 0; app < 3; app++) {
      const user = await fixture.loggedIn(`app-${app}`, 'busy');
      for (let i = 0; i < 2; i++) {
        codes.channelAttrs.push((await call(user.client, Op.ChannelSetAttr, [`room-${i}`, 'k', 'v'.repeat(4000)])).code);
        codes.userAttrs.push((await call(user.client, Op.UserSetAttr, [`k${i}`, 'v'.repeat(4000)])).code);
        codes.heldMessages.push((await call(user.client, Op.MsgInstant, ['away', '0', 'v'.repeat(4000), HOLD])).code);
      }
    }
    const snapshot = fixture.server.memoryBudget.snapshot();
    expect(snapshot.usedBytes).to.be.at.most(budgetBytes);
    expect(snapshot.peakBytes).to.be.at.most(budgetBytes);
    expect(codes.channelAttrs).to.include(AGORA_E_CODE.GENERAL_E_FAILED);
    expect(codes.userAttrs).to.include(AGORA_E_CODE.GENERAL_E_FAILED);
    expect(codes.heldMessages).to.include(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
    expect(snapshot.refusals.channelAttrs + snapshot.refusals.userAttrs + snapshot.refusals.heldMessages).to.be.greaterThan(0);
  });

  it('a message to an online peer is refused (400 with the reason) when the memory budget cannot keep it, and nothing is dropped later', async () => {
    const budgetBytes = 40000;
    await fixture.start({ memoryBudgetBytes: budgetBytes });
    const alice = await fixture.loggedIn('app-full', 'alice');
    const bob = await fixture.loggedIn('app-full', 'bob');
    // Attributes take the budget until it refuses them.
    for (let i = 0; i < 10; i++) {
      if ((await call(alice.client, Op.ChannelSetAttr, [`room-${i}`, 'k', 'v'.repeat(8000)])).code !== 0) break;
    }
    const r = await call(alice.client, Op.MsgInstant, ['bob', '0', 'm'.repeat(8000), '']);
    expect(r.code).to.equal(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
    expect(utf8Decode(r.text)).to.equal(`peer bob cannot take more now: the server's memory budget (${budgetBytes} bytes) is used up`);
    // A small one still fits, and arrives; the refused one never does.
    expect((await call(alice.client, Op.MsgInstant, ['bob', '0', 'small', ''])).code).to.equal(0);
    const got = await event(bob.client, EventKind.InstantMsg);
    expect(got[2]).to.equal('small');
    expect(fixture.server.memoryBudget.snapshot().refusals.keptFrames).to.equal(1);
  });

  it('every bound is a setting with the documented default; bad values are refused', () => {
    expect(DEFAULT_CONFIG).to.deep.include({
      maxUserAttrBytesPerAccount: 65536,
      maxUserAttrBytesTotal: 268435456,
      maxHeldMessagesTotal: 1000000,
      maxHeldBytesTotal: 268435456,
      maxAttrsPerChannel: 128,
      maxAttrBytesPerChannel: 65536,
      maxIdleAttrChannelsPerApp: 10000,
      maxChannelTtlSeconds: 604800,
      userP2pMessagesPerSecond: 0,
    });
    expect(resolveConfig({ maxHeldBytesTotal: 1000, userP2pMessagesPerSecond: 3 })).to.deep.include({ maxHeldBytesTotal: 1000, userP2pMessagesPerSecond: 3 });
    expect(() => resolveConfig({ maxAttrsPerChannel: -1 })).to.throw(/maxAttrsPerChannel must be an integer/);
    expect(() => resolveConfig({ maxChannelTtlSeconds: 1.5 })).to.throw(/maxChannelTtlSeconds/);
  });
});
