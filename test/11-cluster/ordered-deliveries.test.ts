/**
 * OrderedDeliveries on its own: deliveries to one account that go the same way as those under way
 * start at once; one that would go another way (or needs a lookup) starts only once every earlier
 * one is answered, whatever their answers; nothing is left behind once all are answered.
 */
import { expect } from 'chai';
import { DeliveryStart, OrderedDeliveries, Way } from '../../lib/server/redis/ordered-deliveries';
import type { Delivery } from '../../lib/server/state/session-endpoint';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A delivery the test answers by hand, recording when it started. */
class Manual implements DeliveryStart {
  answer: ((d: Delivery) => void) | null = null;
  fail: ((e: Error) => void) | null = null;
  constructor(
    private readonly started: string[],
    readonly name: string,
    private readonly currentWay: Way,
    private readonly sync: Delivery | null = null,
  ) {}
  way(): Way {
    return this.currentWay;
  }
  start(): Delivery | Promise<Delivery> {
    this.started.push(this.name);
    if (this.sync !== null) return this.sync;
    return new Promise((resolve, reject) => {
      this.answer = resolve;
      this.fail = reject;
    });
  }
}

describe('11 cluster: ordered deliveries to one account (ordered-deliveries.ts)', () => {
  it('starts deliveries that go to the node the earlier ones went to at once', async () => {
    const ordered = new OrderedDeliveries();
    const started: string[] = [];
    const a = new Manual(started, 'a', { node: 'n1' });
    const b = new Manual(started, 'b', { node: 'n1' });
    const c = new Manual(started, 'c', { node: 'n1' });
    const results = [a, b, c].map((d) => ordered.deliver('bob', d));
    expect(started).to.deep.equal(['a', 'b', 'c']);
    for (const d of [c, a, b]) d.answer?.(true);
    expect(await Promise.all(results)).to.deep.equal([true, true, true]);
    await tick();
    expect(ordered.accountCount).to.equal(0);
  });

  it('holds one that would go another way (here, another node, a lookup) until every earlier one is answered', async () => {
    const ordered = new OrderedDeliveries();
    const started: string[] = [];
    const a = new Manual(started, 'a', { node: 'n1' });
    const b = new Manual(started, 'b', { node: 'n1' });
    const local = new Manual(started, 'local', null, true);
    const after = new Manual(started, 'after', { node: 'n1' });
    const results = [a, b, local, after].map((d) => ordered.deliver('bob', d));
    // `after` goes the earlier ones' way, but behind one that waits: it waits too.
    expect(started).to.deep.equal(['a', 'b']);
    a.answer?.(false);
    await tick();
    expect(started).to.deep.equal(['a', 'b']);
    b.answer?.(true);
    await tick();
    expect(started).to.deep.equal(['a', 'b', 'local', 'after']);
    after.answer?.(true);
    expect(await Promise.all(results)).to.deep.equal([false, true, true, true]);
    await tick();
    expect(ordered.accountCount).to.equal(0);
  });

  it('keeps accounts apart, and goes on after a delivery that failed', async () => {
    const ordered = new OrderedDeliveries();
    const started: string[] = [];
    const a = new Manual(started, 'a', { node: 'n1' });
    const other = new Manual(started, 'carol', null);
    const b = new Manual(started, 'b', { node: 'n2' });
    const first = ordered.deliver('bob', a);
    const carol = ordered.deliver('carol', other);
    const second = ordered.deliver('bob', b);
    expect(started).to.deep.equal(['a', 'carol']);
    a.fail?.(new Error('node n1 did not answer'));
    await (first as Promise<Delivery>).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.contain('did not answer'),
    );
    await tick();
    expect(started).to.deep.equal(['a', 'carol', 'b']);
    b.answer?.(true);
    other.answer?.(false);
    expect(await second).to.equal(true);
    expect(await carol).to.equal(false);
  });

  it('lets a delivery with no way known wait for the one before it, then the rest follow it at once', async () => {
    const ordered = new OrderedDeliveries();
    const started: string[] = [];
    // The first needs a lookup (no way known yet); once answered, the location is known.
    const lookup = new Manual(started, 'lookup', null);
    const next = [1, 2, 3].map((i) => new Manual(started, `m${i}`, { node: 'n1' }));
    const results = [lookup, ...next].map((d) => ordered.deliver('bob', d));
    expect(started).to.deep.equal(['lookup']);
    lookup.answer?.(true);
    await tick();
    expect(started).to.deep.equal(['lookup', 'm1', 'm2', 'm3']);
    for (const d of next) d.answer?.(true);
    expect(await Promise.all(results)).to.deep.equal([true, true, true, true]);
  });
});
