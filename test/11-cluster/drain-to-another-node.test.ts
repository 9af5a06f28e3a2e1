/**
 * A node of a cluster shutting down gracefully: its clients are told to go (BYE 100), reconnect to
 * another node and resume there with nothing lost, including what was sent to them in between;
 * the drain ends as soon as every session has moved, well before its bound.
 */
import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { createLogger } from '../../lib/server/logger';
import { shutDownGracefully } from '../../lib/server/ops/graceful-shutdown';
import { event, ok } from '../02-server/channel-helpers';
import { ClusterFixture } from '../support/cluster-fixture';

const APP = 'app-cluster-drain';

describe('11-cluster: a node draining on SIGTERM hands its sessions to the nodes its clients resume on', function () {
  this.timeout(30_000);
  const fixture = new ClusterFixture();
  afterEach(() => fixture.stop());

  it('BYE(100), a message sent meanwhile, RESUME_OK on the other node with that message, the drain over early', async () => {
    await fixture.start();
    const alice = await fixture.loggedIn(1, APP, 'alice');
    const bob = await fixture.loggedIn(0, APP, 'bob');
    await ok(alice.client, Op.MsgInstant, ['bob', '0', 'before', '']);
    expect((await event(bob.client, EventKind.InstantMsg))[2]).to.equal('before');
    bob.client.ack();
    const lastSeq = bob.client.lastSeq;

    const drainMs = 10_000;
    const started = Date.now();
    const shutdown = shutDownGracefully(fixture.nodes[0].server, null, drainMs, createLogger('silent'));
    const bye = await bob.client.expect(FrameType.Bye);
    expect(bye.code).to.equal(100);
    // The account is still reachable while its client is away: the message waits in its session.
    const sent = await ok(alice.client, Op.MsgInstant, ['bob', '0', 'while moving', '']);
    expect(sent).to.have.length(1);

    const again = await fixture.tcp(1);
    await again.hello();
    again.send({ type: FrameType.Resume, sessionId: utf8Encode(bob.sessionId), lastSeq });
    expect((await again.next(5000)).type).to.equal(FrameType.ResumeOk);
    const replayed = await event(again, EventKind.InstantMsg);
    expect(replayed[2]).to.equal('while moving');
    const outcome = await shutdown;
    expect(outcome.leftBehind).to.equal(0);
    expect(Date.now() - started, 'the drain ends once the session has moved').to.be.below(drainMs / 2);
    // The session goes on at the other node.
    await ok(alice.client, Op.MsgInstant, ['bob', '0', 'after', '']);
    expect(utf8Decode((await again.expect(FrameType.Event)).fields[2])).to.equal('after');
  });
});
