/**
 * A whole-cluster restart: both nodes stopped, Redis stopped and started again on its append-only
 * file, two new nodes. User attributes, the attributes and time to live of a live channel, and
 * messages held for an offline account within their time to live are all still there. A channel
 * and a held message whose time ran out while everything was down are gone.
 */
import { expect } from 'chai';
import { EventKind, Op } from '../../lib/protocol';
import { event, join, ok, quiet, sleep } from '../02-server/channel-helpers';
import { ClusterFixture } from '../support/cluster-fixture';
import { RedisProcess, startRedis } from '../support/redis-server';

const APP = 'app-cluster-restart';

describe('11-cluster: a restart of every node and of Redis keeps the state', function () {
  this.timeout(60_000);
  let redis: RedisProcess | null = null;
  const fixture = new ClusterFixture();
  after(async () => {
    await fixture.stop();
    await redis?.stop();
  });

  it('keeps user attributes, a channel with its attributes and TTL, and held messages within their TTL', async () => {
    redis = await startRedis({ appendOnly: true });
    await fixture.startOn(redis);
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    await ok(alice.client, Op.UserSetAttr, ['color', 'blue']);
    await ok(bob.client, Op.UserSetAttr, ['city', 'Lyon']);
    // A channel that lives on after its last member leaves: a 10-minute TTL, and one that ends soon.
    await ok(alice.client, Op.ChannelSetAttr, ['lobby', '_channel_ttl', '600']);
    await ok(alice.client, Op.ChannelSetAttr, ['lobby', 'topic', 'restarts']);
    await join(alice.client, 'lobby', 2);
    await ok(bob.client, Op.ChannelSetAttr, ['brief', '_channel_ttl', '1']);
    await ok(bob.client, Op.ChannelSetAttr, ['brief', 'gone', 'soon']);
    // Held for carol, who is offline: one for an hour, one for a second.
    const kept = await ok(alice.client, Op.MsgInstant, ['carol', '0', 'still here', '{"ttl": 3600}']);
    expect(kept.slice(1)).to.deep.equal(['held', '3600']);
    const lapsing = await ok(bob.client, Op.MsgInstant, ['carol', '0', 'too late', '{"ttl": 1}']);
    expect(lapsing.slice(1)).to.deep.equal(['held', '1']);

    await fixture.stopNodes();
    const { port, dir } = redis;
    await redis.stop(true);
    await sleep(1500); // "brief" and the one-second message run out while everything is down
    redis = await startRedis({ appendOnly: true, port, dir });
    await fixture.startOn(redis);

    const carol = await fixture.loggedIn(1, APP, 'carol');
    const delivered = await event(carol.client, EventKind.InstantMsg);
    expect(delivered.slice(0, 1).concat(delivered.slice(2))).to.deep.equal(['alice', 'still here', kept[0]]);
    await quiet(carol.client, 300);
    expect(await ok(carol.client, Op.UserGetAttr, ['alice', 'color'])).to.deep.equal(['alice', 'color', 'blue']);
    expect(await ok(carol.client, Op.UserGetAttr, ['bob', 'city'])).to.deep.equal(['bob', 'city', 'Lyon']);
    const lobby = await join(carol.client, 'lobby', 2);
    expect(lobby.attrs.map((a) => a.slice(1, 3))).to.deep.equal([
      ['_channel_ttl', '600'],
      ['topic', 'restarts'],
    ]);
    const dave = await fixture.loggedIn(0, APP, 'dave');
    expect((await join(dave.client, 'brief')).attrs, 'the channel whose TTL ran out is gone').to.deep.equal([]);
  });
});
