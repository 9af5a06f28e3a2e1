import { expect } from 'chai';
import { EventKind, Op } from '../../lib/protocol';
import { event, join } from '../02-server/channel-helpers';
import { ClusterFixture } from '../support/cluster-fixture';

const APP = 'app-cluster-ended';

describe('11-cluster: the sessions of a node that ends leave their channels for the other nodes', function () {
  this.timeout(30000);
  const fixture = new ClusterFixture();
  afterEach(() => fixture.stop());

  async function twoMembers(nodeTimeoutMs = 10000): Promise<{ alice: { client: import('../02-server/raw-client').RawClient; uid: number }; carol: { client: import('../02-server/raw-client').RawClient } }> {
    await fixture.start({ config: { nodeTimeoutMs } });
    const carol = await fixture.loggedIn(1, APP, 'carol');
    await join(carol.client, 'lobby');
    const alice = await fixture.loggedIn(0, APP, 'alice');
    await join(alice.client, 'lobby', 0);
    expect((await event(carol.client, EventKind.ChannelUserJoined)).slice(0, 2)).to.deep.equal(['lobby', 'alice']);
    // A channel message of node 0 reaches the member of node 1.
    alice.client.request(Op.MsgChannel, ['lobby', 'hello lobby']);
    expect((await event(carol.client, EventKind.ChannelMsg)).slice(0, 4)).to.deep.equal(['lobby', 'alice', String(alice.uid), 'hello lobby']);
    return { alice, carol };
  }

  it('a node killed: the survivor ends the memberships of its sessions (CHANNEL_USER_LEFT)', async () => {
    const nodeTimeoutMs = 1000;
    const { alice, carol } = await twoMembers(nodeTimeoutMs);
    const started = Date.now();
    fixture.nodes[0].state.node.simulateDeath();
    expect(await event(carol.client, EventKind.ChannelUserLeft, 2 * nodeTimeoutMs)).to.deep.equal(['lobby', 'alice', String(alice.uid)]);
    expect(Date.now() - started).to.be.at.most(nodeTimeoutMs);
  });

  it('a node stopped cleanly: its sessions leave their channels before it goes', async () => {
    const { alice, carol } = await twoMembers();
    const closing = fixture.nodes[0].server.close();
    expect(await event(carol.client, EventKind.ChannelUserLeft)).to.deep.equal(['lobby', 'alice', String(alice.uid)]);
    await closing;
  });
});
