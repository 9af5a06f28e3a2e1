/**
 * The node bus's wire batches and its outbox on a real redis-server: what one turn of the event
 * loop sends to a node goes out as one SPUBLISH, in the order sent, split only past the byte bound;
 * every sender hears how many subscribers its message reached; a malformed batch is refused whole.
 */
import { expect } from 'chai';
import { AnswerKind, BusMessage, BusType, decodeBusMessage, encodeBusBatch, encodeBusMessage, splitBusBatch } from '../../lib/server/redis/bus-codec';
import { BusOutbox, MAX_BATCH_BYTES } from '../../lib/server/redis/bus-outbox';
import { nodeChannel } from '../../lib/server/redis/keys';
import { NodeBus } from '../../lib/server/redis/node-bus';
import { ClusterUnavailable } from '../../lib/server/redis/redis-connection';
import { createLogger } from '../../lib/server/logger';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { RedisProcess, startRedis } from '../support/redis-server';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function deliver(corr: number, text: string): BusMessage {
  return { type: BusType.Deliver, corr, from: 'aaaa0001', appId: 'app', account: 'bob\u00e9', sessionId: 'aaaa0002ffff', kind: 3, fields: [Buffer.from(text), new Uint8Array(0)] };
}

describe('11 cluster: node bus batches (bus-codec)', () => {
  it('round-trips a batch of different messages, in order, and leaves a single message alone', () => {
    const messages: BusMessage[] = [
      deliver(1, 'first'),
      { type: BusType.Answer, corr: 7, answer: AnswerKind.NotReading, count: 0, clause: 'is not reading: 3 frames — ünïcode' },
      { type: BusType.Kick, sessionId: 'bbbb0001', code: 104, reason: 'ended by the operator: maintenance' },
      deliver(2, 'x'.repeat(1000)),
    ];
    const batch = encodeBusBatch(messages.map(encodeBusMessage));
    const parts = splitBusBatch(batch);
    expect(parts).to.have.length(4);
    const decoded = (parts as Buffer[]).map(decodeBusMessage);
    expect(decoded).to.deep.equal(messages.map((m) => decodeBusMessage(encodeBusMessage(m))));
    expect((decoded[1] as { clause: string }).clause).to.equal('is not reading: 3 frames — ünïcode');
    expect(Buffer.from((decoded[3] as { fields: Uint8Array[] }).fields[0]).toString()).to.equal('x'.repeat(1000));
    expect(splitBusBatch(encodeBusMessage(messages[0]))).to.equal(null);
  });

  it('refuses a truncated batch and one with bytes after its last message', () => {
    const batch = encodeBusBatch([encodeBusMessage(deliver(1, 'a')), encodeBusMessage(deliver(2, 'b'))]);
    expect(() => splitBusBatch(batch.subarray(0, batch.length - 1))).to.throw(/truncated/);
    expect(() => splitBusBatch(batch.subarray(0, 3))).to.throw(/truncated/);
    expect(() => splitBusBatch(Buffer.concat([batch, Buffer.from([0])]))).to.throw(/after its 2 messages/);
  });
});

describe('11 cluster: the bus outbox on redis-server', function () {
  this.timeout(30000);
  let redis: RedisProcess;
  let publisher: RedisClient;
  let subscriber: RedisClient;
  const received: Buffer[] = [];

  before(async () => {
    redis = await startRedis();
    publisher = openRedis({ kind: 'single', url: redis.url }, 'outbox-pub');
    subscriber = openRedis({ kind: 'single', url: redis.url }, 'outbox-sub');
    subscriber.on('smessageBuffer', (_channel: Buffer, message: Buffer) => received.push(message));
    await subscriber.ssubscribe(nodeChannel('0000beef'));
  });
  after(async () => {
    publisher.disconnect();
    subscriber.disconnect();
    await redis.stop();
  });
  beforeEach(() => {
    received.length = 0;
  });

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !check(); i++) await sleep(10);
    expect(check()).to.equal(true);
  }

  it('publishes what one turn sends to a node as one batch, in order, and tells every sender it reached one subscriber', async () => {
    const outbox = new BusOutbox(publisher);
    const outcomes: Array<number | Error> = [];
    for (let i = 0; i < 50; i++) outbox.send('0000beef', encodeBusMessage(deliver(i + 1, `m${i}`)), (o) => outcomes.push(o));
    await until(() => outcomes.length === 50);
    expect(outcomes.every((o) => o === 1)).to.equal(true);
    await until(() => received.length > 0);
    await sleep(50);
    expect(received).to.have.length(1);
    const corrs = (splitBusBatch(received[0]) as Buffer[]).map((p) => (decodeBusMessage(p) as { corr: number }).corr);
    expect(corrs).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('sends a lone message as itself, and a later turn as a publish of its own', async () => {
    const outbox = new BusOutbox(publisher);
    outbox.send('0000beef', encodeBusMessage(deliver(1, 'alone')));
    await until(() => received.length === 1);
    outbox.send('0000beef', encodeBusMessage(deliver(2, 'next')));
    await until(() => received.length === 2);
    expect(received.map((r) => splitBusBatch(r))).to.deep.equal([null, null]);
    expect(received.map((r) => (decodeBusMessage(r) as { corr: number }).corr)).to.deep.equal([1, 2]);
  });

  it(`publishes early once a batch holds ${MAX_BATCH_BYTES} bytes, keeping the order across the publishes`, async () => {
    const outbox = new BusOutbox(publisher);
    const body = 'y'.repeat(10_000);
    const n = Math.ceil((2.5 * MAX_BATCH_BYTES) / body.length);
    for (let i = 0; i < n; i++) outbox.send('0000beef', encodeBusMessage(deliver(i + 1, body)));
    await until(() => received.reduce((sum, r) => sum + (splitBusBatch(r)?.length ?? 1), 0) === n);
    expect(received.length).to.be.within(3, 4);
    for (const r of received) expect(r.length).to.be.below(MAX_BATCH_BYTES + 20_000);
    const corrs = received.flatMap((r) => (splitBusBatch(r) ?? [r]).map((p) => (decodeBusMessage(p) as { corr: number }).corr));
    expect(corrs).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('fails a delivery whose node listens but never answers once its answer timeout has passed, and forgets it', async () => {
    // 0000beef has a subscriber (this test's) that takes the deliveries and answers nothing.
    const own = openRedis({ kind: 'single', url: redis.url }, 'bus-sub');
    const handler = { deliverLocal: () => false as const, deliverManyLocal: () => 0, hasLocalSession: () => false, kickLocal: () => undefined };
    const bus = new NodeBus('0000cafe', own, new BusOutbox(publisher), handler, createLogger('silent'), 200);
    try {
      await bus.start();
      const started = Date.now();
      const outcomes = await Promise.allSettled([1, 2, 3].map((i) => bus.deliver('0000beef', 'app', 'bob', 'aaaa0002ffff', 3, [Buffer.from(`m${i}`)])));
      const ms = Date.now() - started;
      for (const o of outcomes) {
        expect(o.status).to.equal('rejected');
        expect((o as PromiseRejectedResult).reason).to.be.instanceOf(ClusterUnavailable);
        expect(((o as PromiseRejectedResult).reason as Error).message).to.contain('node 0000beef did not answer a delivery within 200 ms');
      }
      expect(ms).to.be.within(190, 2000);
      expect((bus as unknown as { pending: Map<number, unknown> }).pending.size, 'nothing left waiting').to.equal(0);
    } finally {
      bus.close();
      own.disconnect();
    }
  });

  it('waits for a node that answers late but keeps answering, and fails only what it never answers', async () => {
    // 0000beef answers the deliveries it is sent one every 120 ms, in order, with an answer timeout
    // of 200 ms: the last ones are answered long after their timeout, while it answers all along.
    // Delivery 5 it never answers: that one fails, once the node has gone quiet for a timeout.
    const own = openRedis({ kind: 'single', url: redis.url }, 'bus-sub');
    const slowNode = openRedis({ kind: 'single', url: redis.url }, 'slow-node');
    const answering = openRedis({ kind: 'single', url: redis.url }, 'slow-node-pub');
    const handler = { deliverLocal: () => false as const, deliverManyLocal: () => 0, hasLocalSession: () => false, kickLocal: () => undefined };
    const bus = new NodeBus('0000cafe', own, new BusOutbox(publisher), handler, createLogger('silent'), 200);
    const queue: number[] = [];
    let seen = 0;
    slowNode.on('smessageBuffer', (_channel: Buffer, message: Buffer) => {
      for (const part of splitBusBatch(message) ?? [message]) {
        const m = decodeBusMessage(part);
        if (m.type === BusType.Deliver && ++seen !== 5) queue.push(m.corr);
      }
    });
    const answerer = setInterval(() => {
      const corr = queue.shift();
      if (corr !== undefined) void answering.spublish(nodeChannel('0000cafe'), encodeBusMessage({ type: BusType.Answer, corr, answer: AnswerKind.Yes, count: 1, clause: '' }));
    }, 120);
    try {
      await Promise.all([bus.start(), slowNode.ssubscribe(nodeChannel('0000beef'))]);
      const started = Date.now();
      const outcomes = await Promise.allSettled([1, 2, 3, 4, 5, 6, 7, 8].map((i) => bus.deliver('0000beef', 'app', 'bob', 'aaaa0002ffff', 3, [Buffer.from(`m${i}`)])));
      const ms = Date.now() - started;
      const kinds = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message));
      expect(kinds.slice(0, 4)).to.deep.equal([true, true, true, true]);
      expect(kinds.slice(5)).to.deep.equal([true, true, true]);
      expect(kinds[4]).to.match(/node 0000beef did not answer a delivery within/);
      // Seven answers 120 ms apart: the last came about 840 ms after it was sent, four timeouts.
      expect(ms).to.be.above(700);
      expect((bus as unknown as { pending: Map<number, unknown> }).pending.size, 'nothing left waiting').to.equal(0);
    } finally {
      clearInterval(answerer);
      bus.close();
      for (const c of [own, slowNode, answering]) c.disconnect();
    }
  });

  it('tells the senders to a node nobody listens to that their publish reached no one', async () => {
    const outbox = new BusOutbox(publisher);
    const outcomes: Array<number | Error> = [];
    outbox.send('0000dead', encodeBusMessage(deliver(1, 'a')), (o) => outcomes.push(o));
    outbox.send('0000dead', encodeBusMessage(deliver(2, 'b')), (o) => outcomes.push(o));
    await until(() => outcomes.length === 2);
    expect(outcomes).to.deep.equal([0, 0]);
  });
});
