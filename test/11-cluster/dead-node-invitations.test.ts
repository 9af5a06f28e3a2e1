/**
 * A node that dies with invitations open: the parties on the surviving node hear the documented
 * endings, as when a session ends on one node: INVITE_FAILED(702) for an invitation still ringing,
 * INVITE_END_BY_PEER for an accepted call.
 */
import { expect } from 'chai';
import { EventKind as K, Op } from '../../lib/protocol';
import { event, quiet } from '../02-server/channel-helpers';
import { withEvents } from '../02-server/invite-helpers';
import { ClusterFixture } from '../support/cluster-fixture';

const APP = 'app-cluster-dead-invites';

describe('11-cluster: the invitations of a node that dies', function () {
  this.timeout(30_000);
  const fixture = new ClusterFixture();
  afterEach(() => fixture.stop());

  it('end for the survivor: 702 for a ringing invitation, INVITE_END_BY_PEER for an accepted call, within nodeTimeoutMs', async () => {
    const nodeTimeoutMs = 1000;
    await fixture.start({ config: { nodeTimeoutMs } });
    const alice = await fixture.loggedIn(1, APP, 'alice');
    const bob = await fixture.loggedIn(0, APP, 'bob');
    const b = String(bob.uid);
    await withEvents(alice.client, Op.InviteUser, ['ring', 'bob', '0', '{"e":1}'], [K.InviteReceivedByPeer]);
    await withEvents(alice.client, Op.InviteUser, ['call', 'bob', '0', ''], [K.InviteReceivedByPeer]);
    await event(bob.client, K.InviteReceived);
    await event(bob.client, K.InviteReceived);
    await withEvents(bob.client, Op.InviteAccept, ['call', 'alice', '0', ''], []);
    await event(alice.client, K.InviteAcceptedByPeer);

    const killedAt = Date.now();
    fixture.nodes[0].state.node.simulateDeath();
    const endings = [await event(alice.client, K.InviteFailed, 3 * nodeTimeoutMs), await event(alice.client, K.InviteEndByPeer, 3 * nodeTimeoutMs)];
    expect(Date.now() - killedAt).to.be.at.most(2 * nodeTimeoutMs);
    expect(endings[0]).to.deep.equal(['ring', 'bob', b, '702', '{"e":1}']);
    expect(endings[1].slice(0, 3)).to.deep.equal(['call', 'bob', b]);
    expect(JSON.parse(endings[1][3])).to.deep.include({ _reason: 'session_ended', code: 102 });
    await quiet(alice.client);
  });
});
