/**
 * The tombstones of sessions a node handed over: where each went, for an hour, and at most a
 * bounded number of them, the oldest going first.
 */
import { expect } from 'chai';
import { MAX_MOVED_SESSIONS, MovedSessions, TOMBSTONE_MS } from '../../lib/server/redis/moved-sessions';

describe('11 cluster: sessions handed over to other nodes (moved-sessions.ts)', () => {
  it('says where a session went, forgets it when it comes back, and after an hour', () => {
    let now = 1_000_000;
    const moved = new MovedSessions(10, TOMBSTONE_MS, () => now);
    moved.set('s1', 'node-b');
    expect(moved.nodeOf('s1')).to.equal('node-b');
    moved.set('s1', 'node-c');
    expect(moved.nodeOf('s1')).to.equal('node-c');
    moved.delete('s1');
    expect(moved.has('s1')).to.equal(false);
    moved.set('s2', 'node-b');
    now += TOMBSTONE_MS;
    expect(moved.nodeOf('s2')).to.equal('node-b');
    now += 1;
    expect(moved.nodeOf('s2')).to.equal(undefined);
    expect(moved.size).to.equal(0);
  });

  it(`keeps at most its bound (${MAX_MOVED_SESSIONS} by default), dropping the oldest first`, () => {
    let now = 0;
    const moved = new MovedSessions(1000, TOMBSTONE_MS, () => now);
    for (let i = 0; i < 5000; i++) {
      now++;
      moved.set(`s${i}`, `node-${i % 3}`);
    }
    expect(moved.size).to.equal(1000);
    expect(moved.has('s3999')).to.equal(false);
    expect(moved.nodeOf('s4000')).to.equal(`node-${4000 % 3}`);
    expect(moved.nodeOf('s4999')).to.equal(`node-${4999 % 3}`);
  });

  it('drops the entries past their hour as new ones come', () => {
    let now = 0;
    const moved = new MovedSessions(1000, 100, () => now);
    for (let i = 0; i < 50; i++) moved.set(`old${i}`, 'node-a');
    now = 500;
    moved.set('new', 'node-b');
    expect(moved.size).to.equal(1);
  });
});
