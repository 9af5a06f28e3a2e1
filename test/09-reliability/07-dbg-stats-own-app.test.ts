// DBG stats told any user the server-wide counts (sessions, channels, invitations of every App
// ID): with any App ID accepted, one tenant learnt about the others. It counts the caller's own.
import { expect } from 'chai';
import { Op } from '../../lib/protocol';
import { join, ok } from '../02-server/channel-helpers';
import { ServerFixture } from '../02-server/server-fixture';

describe('09 reliability: DBG stats counts the caller\'s own App ID only', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  it('sessions, channels and invitations of other App IDs are not counted', async () => {
    const mine = await fixture.loggedIn('app-mine', 'alice');
    await join(mine.client, 'lobby');
    for (let i = 0; i < 3; i++) {
      const other = await fixture.loggedIn('app-other', `user-${i}`);
      await join(other.client, `room-${i}`);
      await ok(other.client, Op.InviteUser, [`room-${i}`, 'somebody', '0', '']);
    }
    const stats = JSON.parse((await ok(mine.client, Op.Dbg, ['stats', '']))[1]) as Record<string, number>;
    expect(stats).to.deep.equal({ sessions: 1, channels: 1, invitations: 0 });
    const theirs = await fixture.loggedIn('app-other', 'bob');
    expect(JSON.parse((await ok(theirs.client, Op.Dbg, ['stats', '']))[1])).to.deep.equal({ sessions: 4, channels: 3, invitations: 3 });
    // The server itself still sees everything (for its operator).
    expect(fixture.server.stats()).to.deep.include({ sessions: 5, channels: 4, invitations: 3 });
  });
});
