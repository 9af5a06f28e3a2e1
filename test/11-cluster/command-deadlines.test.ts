import { expect } from 'chai';
import { MAX_WAIT_TIMEOUTS } from '../../lib/server/redis/command-deadlines';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { RedisProcess, startRedis } from '../support/redis-server';

/** A script that keeps Redis busy for ARGV[1] µs (Redis answers nothing else meanwhile), then answers ARGV[2]. */
const BUSY = `local t = redis.call('TIME'); local start = t[1] * 1000000 + t[2]
repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1])
return ARGV[2]`;

/**
 * `count` scripts of `us` µs each, sent at once, as a join storm sends its scripts. Redis answers
 * the commands of one read of its socket together (about a hundred of these), so it answers
 * every 20 ms or so all along.
 */
function storm(client: RedisClient, count: number, us: number): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => settle(client.eval(BUSY, 0, String(us), `r${i}`))));
}

type Outcome = { ok: string } | { failed: string };

function settle(p: Promise<unknown>): Promise<Outcome> {
  return p.then(
    (v) => ({ ok: String(v) }),
    (e: Error) => ({ failed: e.message }),
  );
}

describe('11-cluster: a Redis command fails when Redis stops answering, not while it is busy', function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  const clients: RedisClient[] = [];

  function connect(timeoutMs: number): RedisClient {
    const client = openRedis({ kind: 'single', url: redis.url }, 'deadline-test', timeoutMs);
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  before(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  after(async () => {
    await redis?.stop();
  });

  it('a backlog longer than the timeout is answered in full while Redis keeps answering', async () => {
    const timeoutMs = 200;
    const client = connect(timeoutMs);
    await client.ping();
    // 5,000 scripts of 200 µs: the last ones are answered a second or more after they were sent.
    const started = Date.now();
    const outcomes = await storm(client, 5000, 200);
    const took = Date.now() - started;
    expect(outcomes).to.deep.equal(Array.from({ length: 5000 }, (_, i) => ({ ok: `r${i}` })));
    expect(took).to.be.above(3 * timeoutMs);
  });

  it('a command fails after about the timeout when Redis answers nothing at all', async () => {
    const timeoutMs = 200;
    const client = connect(timeoutMs);
    const blocker = connect(10_000);
    await Promise.all([client.ping(), blocker.ping()]);
    // Redis stays silent for 1.5 s.
    const blocked = settle(blocker.eval(BUSY, 0, '1500000', 'done'));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const outcome = await settle(client.get('some-key'));
    const took = Date.now() - started;
    expect(outcome).to.have.property('failed').that.matches(/Command timed out \(nothing from Redis for \d+ ms\)/);
    expect(took).to.be.at.least(timeoutMs - 5).and.below(3 * timeoutMs);
    expect(await blocked).to.deep.equal({ ok: 'done' });
  });

  it(`no command waits more than ${MAX_WAIT_TIMEOUTS} timeouts, though Redis keeps answering others`, async () => {
    const timeoutMs = 100;
    const client = connect(timeoutMs);
    await client.ping();
    // 10,000 scripts of 200 µs, two seconds of Redis: the ones still waiting after a second (ten
    // timeouts) fail, though Redis answered others all along; the first ones are answered.
    const outcomes = await storm(client, 10_000, 200);
    const answered = outcomes.filter((o) => 'ok' in o).length;
    const failed = outcomes.filter((o): o is { failed: string } => 'failed' in o);
    expect(answered).to.be.within(1000, 9000);
    expect(failed.length).to.equal(10_000 - answered);
    for (const f of failed) expect(f.failed).to.match(/Command timed out \(waited \d+ ms for Redis\)/);
    // The first ones sent are answered, the last ones fail: a connection answers in order.
    expect(outcomes[0]).to.deep.equal({ ok: 'r0' });
    expect(outcomes[9999]).to.have.property('failed');
  });
});
