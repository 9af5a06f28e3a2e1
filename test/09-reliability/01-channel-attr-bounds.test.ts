// Issue 11, case 1: one user setting 8 KB attributes on channels nobody joined grew the server
// from 53 MB to 2.5 GB in 15 s (300,000 attributes on 3,000 channels), with a `_channel_ttl` of 10
// years accepted. Here the same flood at a small scale against low configured bounds.
import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { call, join, ok, result, sleep } from '../02-server/channel-helpers';
import { ServerFixture } from '../02-server/server-fixture';

const APP = 'app-attr-bounds';
const VALUE = 'v'.repeat(8000);

describe('09 reliability: channel attributes are bounded and charged to the memory budget', () => {
  const fixture = new ServerFixture();
  afterEach(() => fixture.stop());

  it('a flood of 8 KB attributes on channels nobody joined stops at the bounds per channel and per App ID', async () => {
    const budgetBytes = 200_000;
    await fixture.start({ maxAttrsPerChannel: 100, maxAttrBytesPerChannel: 3 * 8100, maxIdleAttrChannelsPerApp: 5, memoryBudgetBytes: budgetBytes });
    const { client } = await fixture.loggedIn(APP, 'flooder');
    client.ackEvery = 64;
    // 20 channels x 6 attributes, pipelined as a hostile client would.
    const sent: { channel: number; attr: number }[] = [];
    for (let c = 0; c < 20; c++) {
      for (let a = 0; a < 6; a++) {
        client.request(Op.ChannelSetAttr, [`flood-${c}`, `a${a}`, VALUE]);
        sent.push({ channel: c, attr: a });
      }
    }
    const outcomes: { code: number; text: string }[] = [];
    for (let i = 0; i < sent.length; i++) {
      const r = await result(client);
      outcomes.push({ code: r.code, text: utf8Decode(r.text) });
    }
    const accepted = sent.filter((_s, i) => outcomes[i].code === 0);
    // Three 8 KB attributes fit in a channel; five channels with attributes and no members fit.
    expect(accepted).to.deep.equal(sent.filter((s) => s.channel < 5 && s.attr < 3));
    expect(outcomes[3]).to.deep.equal({
      code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM,
      text: `channel flood-0 would hold ${4 * 8002} bytes of attributes (names and values), at most ${3 * 8100} allowed`,
    });
    expect(outcomes[5 * 6]).to.deep.equal({
      code: AGORA_E_CODE.GENERAL_E_FAILED,
      text: 'the App ID already has 5 channels with attributes and no members, at most 5 allowed (join the channel first)',
    });
    const budget = fixture.server.memoryBudget.snapshot();
    expect(budget.byCategory.channelAttrs).to.equal(15 * (8002 + 64));
    expect(budget.usedBytes).to.be.at.most(budgetBytes);
    expect(fixture.server.stats().channels).to.equal(5);

    // Nothing changed with a refusal: the refused channels do not exist, the full one has 3.
    expect((await join(client, 'flood-0', 3)).attrs.map((a) => a[1])).to.deep.equal(['a0', 'a1', 'a2']);
    const other = await fixture.loggedIn(APP, 'looker');
    expect((await join(other.client, 'flood-7', 0)).attrs).to.deep.equal([]);
  });

  it('refuses an attribute beyond maxAttrsPerChannel with 1005; replacing one is still allowed', async () => {
    await fixture.start({ maxAttrsPerChannel: 4 });
    const { client } = await fixture.loggedIn(APP, 'alice');
    for (let i = 0; i < 4; i++) await ok(client, Op.ChannelSetAttr, ['room', `k${i}`, `v${i}`]);
    const r = await call(client, Op.ChannelSetAttr, ['room', 'k4', 'v4']);
    expect([r.code, utf8Decode(r.text)]).to.deep.equal([AGORA_E_CODE.GENERAL_E_LARGE_PARAM, 'channel room holds at most 4 attributes']);
    await ok(client, Op.ChannelSetAttr, ['room', 'k0', 'again']);
    const { attrs } = await join(client, 'room', 4);
    expect(attrs.map((a) => [a[1], a[2]])).to.deep.equal([['k0', 'again'], ['k1', 'v1'], ['k2', 'v2'], ['k3', 'v3']]);
  });

  it('refuses a _channel_ttl above maxChannelTtlSeconds (default a week) with 1004, like other bad built-in values', async () => {
    await fixture.start();
    const { client } = await fixture.loggedIn(APP, 'alice');
    const tenYears = await call(client, Op.ChannelSetAttr, ['room', '_channel_ttl', '315360000']);
    expect([tenYears.code, utf8Decode(tenYears.text)]).to.deep.equal([
      AGORA_E_CODE.GENERAL_E_WRONG_PARAM,
      '_channel_ttl must be a number of seconds from 0 to 604800, got "315360000"',
    ]);
    expect(fixture.server.stats().channels).to.equal(0);
    await ok(client, Op.ChannelSetAttr, ['room', '_channel_ttl', '604800']);
    await fixture.stop();

    await fixture.start({ maxChannelTtlSeconds: 60 });
    const other = await fixture.loggedIn(APP, 'bob');
    expect((await call(other.client, Op.ChannelSetAttr, ['room', '_channel_ttl', '60.5'])).code).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    await ok(other.client, Op.ChannelSetAttr, ['room', '_channel_ttl', '60']);
  });

  it('gives the bytes back on del, clear and TTL expiry', async () => {
    await fixture.start();
    const { client } = await fixture.loggedIn(APP, 'alice');
    const budget = fixture.server.memoryBudget;
    await ok(client, Op.ChannelSetAttr, ['a', 'one', 'x'.repeat(1000)]);
    await ok(client, Op.ChannelSetAttr, ['a', 'two', 'y'.repeat(500)]);
    expect(budget.snapshot().byCategory.channelAttrs).to.equal(1003 + 64 + 503 + 64);
    await ok(client, Op.ChannelSetAttr, ['a', 'one', 'z']); // a smaller value gives bytes back
    expect(budget.snapshot().byCategory.channelAttrs).to.equal(4 + 64 + 503 + 64);
    await ok(client, Op.ChannelDelAttr, ['a', 'two']);
    expect(budget.snapshot().byCategory.channelAttrs).to.equal(4 + 64);
    await ok(client, Op.ChannelClearAttr, ['a']);
    expect(budget.snapshot().byCategory.channelAttrs).to.equal(0);

    await ok(client, Op.ChannelSetAttr, ['b', '_channel_ttl', '0.2']);
    await ok(client, Op.ChannelSetAttr, ['b', 'payload', 'p'.repeat(2000)]);
    expect(budget.snapshot().byCategory.channelAttrs).to.be.greaterThan(2000);
    await sleep(500);
    expect(fixture.server.stats().channels).to.equal(0);
    expect(budget.snapshot().byCategory.channelAttrs).to.equal(0);
    // What is left is frames in flight to the client (kept until it acknowledges them).
    const left = budget.snapshot().byCategory;
    expect(left.channelAttrs + left.userAttrs + left.heldMessages).to.equal(0);
  });

  it('refuses with 1001 when the server-wide memory budget is used up, and members hear nothing of it', async () => {
    const budgetBytes = 50_000;
    await fixture.start({ memoryBudgetBytes: budgetBytes });
    const alice = await fixture.loggedIn(APP, 'alice');
    await join(alice.client, 'watched');
    let refused: { code: number; text: string } | null = null;
    let set = 0;
    for (let i = 0; i < 20 && refused === null; i++) {
      const reqId = alice.client.request(Op.ChannelSetAttr, ['watched', `k${i}`, VALUE]);
      const frame = await alice.client.next();
      if (frame.type === FrameType.Event) {
        expect(frame.kind).to.equal(EventKind.ChannelAttr);
        set++;
        expect((await result(alice.client)).reqId).to.equal(reqId);
      } else if (frame.type === FrameType.Result && frame.code !== 0) {
        refused = { code: frame.code, text: utf8Decode(frame.text) };
      }
    }
    // Six such attributes fit in the budget; the frames kept in flight for the client are charged
    // to it too, so fewer may.
    expect(set).to.be.within(1, 6);
    expect(refused?.code).to.equal(AGORA_E_CODE.GENERAL_E_FAILED);
    expect(refused?.text).to.match(/^the server's memory budget \(50000 bytes\) is used up; channel attributes hold \d+ bytes of it$/);
    const snapshot = fixture.server.memoryBudget.snapshot();
    expect(snapshot.usedBytes).to.be.at.most(budgetBytes);
    expect(snapshot.refusals.channelAttrs).to.equal(1);
  });
});
