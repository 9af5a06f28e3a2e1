import { expect } from 'chai';
import { EventKind, Op, utf8Decode } from '../../lib/protocol';
import { act, call, event, join, ok, quiet, sleep, startOfSecond } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-attrs';

describe('02-server: channel attributes', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  it('set, del and clear reach every member (the setter included) as CHANNEL_ATTR update/del/clear; non-members hear nothing', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const outsider = await fixture.loggedIn(APP, 'outsider');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    await event(alice.client, EventKind.ChannelUserJoined);

    expect(await act(alice.client, Op.ChannelSetAttr, ['room', 'topic', 'news'], EventKind.ChannelAttr)).to.deep.equal([['room', 'topic', 'news', 'update']]);
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', 'news', 'update']);
    await ok(outsider.client, Op.ChannelSetAttr, ['room', 'from', 'outside']); // no membership needed
    expect(await event(alice.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'from', 'outside', 'update']);
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'from', 'outside', 'update']);
    expect(await act(bob.client, Op.ChannelDelAttr, ['room', 'topic'], EventKind.ChannelAttr)).to.deep.equal([['room', 'topic', '', 'del']]);
    expect(await event(alice.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', '', 'del']);
    expect(await act(alice.client, Op.ChannelClearAttr, ['room'], EventKind.ChannelAttr)).to.deep.equal([['room', '', '', 'clear']]);
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['room', '', '', 'clear']);
    await quiet(outsider.client);
    const carol = await fixture.loggedIn(APP, 'carol');
    expect((await join(carol.client, 'room')).attrs).to.deep.equal([]);
  });

  it('bounds names and values: name 1..128 bytes, value up to 8096 (1004 / 1005)', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.ChannelSetAttr, ['room', 'n'.repeat(128), 'v'.repeat(8096)]);
    const cases: [string[], number][] = [
      [['room', 'n'.repeat(129), 'v'], 1005],
      [['room', 'name', 'v'.repeat(8097)], 1005],
      [['room', '', 'v'], 1004],
      [['', 'name', 'v'], 1004],
      [['room', 'name'], 1004],
    ];
    for (const [args, code] of cases) {
      const r = await call(alice.client, Op.ChannelSetAttr, args);
      expect(r.code).to.equal(code);
      expect(utf8Decode(r.text)).to.not.equal('');
    }
    expect((await call(alice.client, Op.ChannelDelAttr, ['room', 'n'.repeat(129)])).code).to.equal(1005);
    const joined = await join(alice.client, 'room', 1);
    expect(joined.attrs[0][2]).to.have.length(8096);
  });

  it('checks built-in values: _channel_ttl seconds, _auto_update_num, _sendmsg_limit, _setattr_limit whole numbers', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    for (const [name, value] of [['_channel_ttl', '-1'], ['_channel_ttl', 'soon'], ['_auto_update_num', '1.5'], ['_sendmsg_limit', 'x'], ['_setattr_limit', '-2']]) {
      const r = await call(alice.client, Op.ChannelSetAttr, ['room', name, value]);
      expect(r.code, `${name}=${value}`).to.equal(1004);
      expect(utf8Decode(r.text)).to.contain(name);
    }
    await ok(alice.client, Op.ChannelSetAttr, ['room', '_channel_ttl', '0.25']);
    await ok(alice.client, Op.ChannelSetAttr, ['room', '_userNotification', '0']); // deprecated: a plain attribute
  });

  it('_channel_ttl: the channel and its attributes go that long after the last member left; a join before keeps them', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.ChannelSetAttr, ['short', '_channel_ttl', '0.3']);
    await ok(alice.client, Op.ChannelSetAttr, ['short', 'keep', 'me']);
    await join(alice.client, 'short', 2);
    await act(alice.client, Op.ChannelLeave, ['short'], EventKind.ChannelLeft);
    await sleep(150);
    expect((await join(alice.client, 'short', 2)).attrs.map((a) => a[1])).to.deep.equal(['_channel_ttl', 'keep']);
    await act(alice.client, Op.ChannelLeave, ['short'], EventKind.ChannelLeft);
    await sleep(450);
    expect((await join(alice.client, 'short')).attrs).to.deep.equal([]);
    // Attributes set on a channel nobody joined follow the same countdown.
    await ok(alice.client, Op.ChannelSetAttr, ['empty', '_channel_ttl', '0.2']);
    await ok(alice.client, Op.ChannelSetAttr, ['empty', 'x', '1']);
    await sleep(400);
    expect(fixture.server.stats().channels).to.equal(1); // only "short", with alice in it
  });

  it('_auto_update_num: members get _member_num at most every N seconds when membership changed', async function () {
    this.timeout(6000);
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const carol = await fixture.loggedIn(APP, 'carol');
    await ok(alice.client, Op.ChannelSetAttr, ['counted', '_auto_update_num', '1']);
    await join(alice.client, 'counted', 1);
    await join(bob.client, 'counted', 1);
    await join(carol.client, 'counted', 1);
    await event(alice.client, EventKind.ChannelUserJoined);
    await event(alice.client, EventKind.ChannelUserJoined);
    const started = Date.now();
    expect(await event(alice.client, EventKind.ChannelAttr, 2000)).to.deep.equal(['counted', '_member_num', '3', 'update']);
    expect(Date.now() - started).to.be.greaterThan(600);
    expect(await event(carol.client, EventKind.ChannelAttr, 2000)).to.deep.equal(['counted', '_member_num', '3', 'update']);
    await sleep(1200); // no change, no update
    expect(alice.client.buffered).to.equal(0);
  });

  it('_setattr_limit: changes per attribute per second, over it 1001', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.ChannelSetAttr, ['limited', '_setattr_limit', '2']);
    await startOfSecond();
    await ok(alice.client, Op.ChannelSetAttr, ['limited', 'a', '1']);
    await ok(alice.client, Op.ChannelSetAttr, ['limited', 'a', '2']);
    const r = await call(alice.client, Op.ChannelSetAttr, ['limited', 'a', '3']);
    expect(r.code).to.equal(1001);
    expect(utf8Decode(r.text)).to.equal('rate limit: attribute a changes at most 2 times a second (_setattr_limit)');
    expect((await call(alice.client, Op.ChannelDelAttr, ['limited', 'a'])).code).to.equal(1001);
    await ok(alice.client, Op.ChannelSetAttr, ['limited', 'b', '1']); // another attribute has its own count
    await sleep(1000);
    await ok(alice.client, Op.ChannelSetAttr, ['limited', 'a', '3']);
  });
});
