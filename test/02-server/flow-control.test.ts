import { expect } from 'chai';
import { decodeFrame, encodeFrame, Frame, FrameType, Op, RequestFrame, utf8Decode, utf8Encode } from '../../lib/protocol';
import type { Connection } from '../../lib/server/connection';
import type { Reply } from '../../lib/server/reply';
import { MAX_OVERLAPPING_REQUESTS, Session, SessionHost } from '../../lib/server/session';
import { createLogger } from '../../lib/server/logger';
import { MemoryMessageRouter } from '../../lib/server/state/memory-message-router';
import { MemorySessionDirectory } from '../../lib/server/state/memory-session-directory';
import type { MessageRouter, Recipient } from '../../lib/server/state/message-router';
import type { Delivery } from '../../lib/server/state/session-endpoint';
import { SignalServer } from '../../lib/server/signal-server';
import { RawClient } from './raw-client';
import { ServerFixture } from './server-fixture';

const APP = 'app-flow';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes `count` frames other than PONG; fails on a BYE or when the connection closes first. */
async function take(client: RawClient, count: number, timeoutMs = 10000): Promise<Frame[]> {
  const frames: Frame[] = [];
  while (frames.length < count) {
    const frame = await client.next(timeoutMs);
    if (frame.type === FrameType.Bye) throw new Error(`BYE(${frame.code}, ${utf8Decode(frame.text)}) after ${frames.length} frames`);
    if (frame.type !== FrameType.Pong) frames.push(frame);
  }
  return frames;
}

/** Sends `count` MSG_INSTANT requests in one go, as a pipelining client does, before reading anything. */
function pipeline(client: RawClient, to: string, count: number): void {
  for (let i = 0; i < count; i++) client.request(Op.MsgInstant, [to, '0', `m${i}`, '']);
}

/** Checks what a pipelining sender and its peer got: every RESULT code 0 in reqId order, every message in order. */
function expectAllDelivered(results: Frame[], events: Frame[], count: number): void {
  expect(results.every((f) => f.type === FrameType.Result && f.code === 0)).to.equal(true);
  expect(results.map((f) => (f.type === FrameType.Result ? f.reqId : 0))).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
  expect(events.every((f) => f.type === FrameType.Event)).to.equal(true);
  const texts = events.map((f) => (f.type === FrameType.Event ? utf8Decode(f.fields[2]) : ''));
  expect(texts[0]).to.equal('m0');
  expect(texts[count - 1]).to.equal(`m${count - 1}`);
  expect(new Set(texts).size).to.equal(count);
}

describe('02-server: flow control of pipelined requests', () => {
  const fixture = new ServerFixture();
  afterEach(() => fixture.stop());

  it('answers 30,000 pipelined MSG_INSTANT requests of a client that ACKs every 64 frames, without a BYE', async function () {
    this.timeout(60000);
    await fixture.start();
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    alice.client.ackEvery = 64;
    bob.client.ackEvery = 64;
    const count = 30000;
    pipeline(alice.client, 'bob', count);
    const [results, events] = await Promise.all([take(alice.client, count), take(bob.client, count)]);
    expectAllDelivered(results, events, count);
    expect(fixture.logLines.filter((l) => l.includes('disconnecting'))).to.deep.equal([]);
    await sleep(100);
    expect(alice.client.closed || bob.client.closed).to.equal(false);
  });

  it('stops processing the requests of a client that does not ACK at the window, continues in order after its ACK, and bounds the queue', async () => {
    // Window: half of 100 kept frames. Queue: at most 200 requests.
    await fixture.start({ maxKeptFrames: 100, maxQueuedRequests: 200 });
    const { client } = await fixture.loggedIn(APP, 'carol');
    for (let i = 0; i < 150; i++) client.request(Op.QueryUserStatus, ['carol']);
    const first = await take(client, 50);
    expect(first.map((f) => (f.type === FrameType.Result ? f.reqId : 0))).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    await sleep(200);
    expect(client.buffered).to.equal(0); // nothing beyond the window

    client.ack();
    const next = await take(client, 50);
    expect(next.map((f) => (f.type === FrameType.Result ? f.reqId : 0))).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 51));
    await sleep(200);
    expect(client.buffered).to.equal(0);

    // 50 requests wait; 150 more fill the queue to its bound, one more is refused.
    for (let i = 0; i < 150; i++) client.request(Op.QueryUserStatus, ['carol']);
    await sleep(200);
    expect(client.closed).to.equal(false);
    client.request(Op.QueryUserStatus, ['carol']);
    const bye = await client.expect(FrameType.Bye);
    expect(bye.code).to.equal(104);
    expect(utf8Decode(bye.text)).to.contain('200 requests (').and.contain('the bound is 200 requests');
    await client.waitClosed();
  });

  it('bounds the queue in bytes too', async () => {
    await fixture.start({ maxKeptFrames: 2, maxQueuedRequestBytes: 20000 });
    const { client } = await fixture.loggedIn(APP, 'dave');
    const big = 'x'.repeat(8000);
    // The first request is processed (window: 1 frame); the next ones queue until 20,000 bytes.
    for (let i = 0; i < 4; i++) client.request(Op.UserSetAttr, ['name', big]);
    await client.expect(FrameType.Result);
    const bye = await client.expect(FrameType.Bye);
    expect(utf8Decode(bye.text)).to.contain('or 20000 bytes');
  });
});

describe('02-server: kept-frames bound of a connected client', () => {
  const fixture = new ServerFixture();
  // Two heartbeats of 200 ms to acknowledge after going over 10 kept frames.
  beforeEach(() => fixture.start({ resumeWindowMs: 400, maxKeptFrames: 10, heartbeatMs: 200 }));
  afterEach(() => fixture.stop());

  /** Keeps a client alive for the watchdog without acknowledging anything. */
  function keepAlive(client: RawClient): NodeJS.Timeout {
    let nonce = 0;
    return setInterval(() => client.closed || client.send({ type: FrameType.Ping, nonce: ++nonce }), 100);
  }

  async function send(alice: RawClient, text: string): Promise<number> {
    alice.request(Op.MsgInstant, ['bob', '0', text, '']);
    const frame = await alice.next();
    if (frame.type !== FrameType.Result) throw new Error(`expected RESULT, got type ${frame.type}`);
    return frame.code;
  }

  it('refuses deliveries past twice the bound (a burst in flight) with 400 "not reading" and keeps a client that acknowledges in time', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    const bob = await fixture.loggedIn(APP, 'bob');
    const timer = keepAlive(bob.client);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push(await send(alice.client, `m${i}`));
      expect(codes).to.deep.equal([...Array(20).fill(0), ...Array(10).fill(400)]);
      const events = await take(bob.client, 20);
      expect(events.map((f) => (f.type === FrameType.Event ? f.seq : 0))).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      await sleep(150);
      bob.client.ack();
      await sleep(50);
      expect(await send(alice.client, 'after')).to.equal(0);
      await sleep(700);
      expect(bob.client.closed).to.equal(false);
      expect(fixture.logLines.filter((l) => l.includes('disconnecting'))).to.deep.equal([]);
    } finally {
      clearInterval(timer);
    }
  });

  it('disconnects a connected client that does not ACK past the bound, lets it resume, and keeps a disconnected session at the bound', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    const bob = await fixture.loggedIn(APP, 'bob');
    const timer = keepAlive(bob.client);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 21; i++) codes.push(await send(alice.client, `m${i}`));
      expect(codes).to.deep.equal([...Array(20).fill(0), 400]);
      const events = await take(bob.client, 20);
      expect(events.map((f) => (f.type === FrameType.Event ? f.seq : 0))).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      // PONGs come back to the keep-alive PINGs; the BYE comes two heartbeats after the refusal.
      let bye: Frame;
      do bye = await bob.client.next(2000);
      while (bye.type === FrameType.Pong);
      expect(bye.type).to.equal(FrameType.Bye);
      if (bye.type !== FrameType.Bye) return;
      expect(bye.code).to.equal(104);
      expect(utf8Decode(bye.text)).to.contain('did not acknowledge within 400 ms').and.contain('the bound is 10 frames');
      await bob.client.waitClosed();
    } finally {
      clearInterval(timer);
    }

    const bob2 = await fixture.tcp();
    await bob2.hello();
    bob2.send({ type: FrameType.Resume, sessionId: utf8Encode(bob.sessionId), lastSeq: 20 });
    await bob2.expect(FrameType.ResumeOk);
    bob2.destroy();
    await sleep(100);

    // Disconnected, the session keeps 10 frames; the 11th is refused, and the session lives on.
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push(await send(alice.client, `n${i}`));
    expect(codes).to.deep.equal([...Array(10).fill(0), 400]);
    const bob3 = await fixture.tcp();
    await bob3.hello();
    bob3.send({ type: FrameType.Resume, sessionId: utf8Encode(bob.sessionId), lastSeq: 20 });
    await bob3.expect(FrameType.ResumeOk);
    const replayed = await take(bob3, 10);
    expect(replayed.map((f) => (f.type === FrameType.Event ? utf8Decode(f.fields[2]) : ''))).to.deep.equal(Array.from({ length: 10 }, (_, i) => `n${i}`));
  });
});

/** Answers on the next turn of the event loop, as a networked store would (only faster). */
class NextTurnRouter implements MessageRouter {
  constructor(private readonly memory: MemoryMessageRouter) {}
  deliver(appId: string, account: string, kind: number, fields: Uint8Array[]): Promise<Delivery> {
    const copies = fields.map((f) => f.slice());
    return new Promise((resolve) => setImmediate(() => resolve(this.memory.deliver(appId, account, kind, copies))));
  }
  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): Promise<number> {
    const copies = fields.map((f) => f.slice());
    const list = [...recipients];
    return new Promise((resolve) => setImmediate(() => resolve(this.memory.deliverToMany(appId, list, kind, copies))));
  }
}

describe('02-server: reading pauses while an asynchronous store works through a long queue', () => {
  let server: SignalServer;
  let address: { tcpPort: number; wsPort: number };
  const clients: RawClient[] = [];
  const logLines: string[] = [];

  beforeEach(async () => {
    const memory = new MemorySessionDirectory();
    logLines.length = 0;
    server = new SignalServer(
      // The window (50,000 frames) stays open: the queue drains on its own, and reading pauses at
      // 2,000 queued requests until they are down to 1,000.
      { tcpPort: 0, wsPort: 0, maxKeptFrames: 100000, maxQueuedRequests: 4000 },
      { logger: createLogger('debug', (line) => logLines.push(line)), directory: memory, router: new NextTurnRouter(new MemoryMessageRouter(memory)) },
    );
    address = await server.listen();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  for (const transport of ['tcp', 'ws'] as const) {
    it(`answers 30,000 pipelined requests in order over ${transport}, pausing instead of queueing them all`, async function () {
      this.timeout(60000);
      const connect = async (account: string): Promise<RawClient> => {
        const c = transport === 'tcp' ? await RawClient.tcp(address.tcpPort) : await RawClient.ws(address.wsPort);
        clients.push(c);
        await c.login(APP, account);
        c.ackEvery = 64;
        return c;
      };
      const alice = await connect('alice');
      const bob = await connect('bob');
      const count = 30000;
      pipeline(alice, 'bob', count);
      const [results, events] = await Promise.all([take(alice, count, 20000), take(bob, count, 20000)]);
      expectAllDelivered(results, events, count);
      expect(logLines.filter((l) => l.includes('disconnecting'))).to.deep.equal([]);
      expect(logLines.filter((l) => l.includes('reading paused')).length).to.be.greaterThan(0);
      expect(logLines.filter((l) => l.includes('reading resumed')).length).to.be.greaterThan(0);
    });
  }
});

describe('02-server: when a session pauses reading', () => {
  it('pauses only while the queue drains on its own, and resumes as soon as the window closes', async () => {
    const answers: ((code: number) => void)[] = [];
    const handled: number[] = [];
    const host: SessionHost = {
      logger: createLogger('silent'),
      limits: { resumeWindowMs: 1000, maxKeptFrames: 8, maxKeptBytes: 1 << 20, ackGraceMs: 1000, maxQueuedRequests: 4, maxQueuedRequestBytes: 1 << 20 },
      handleRequest: (_s, op) => {
        handled.push(op);
        return new Promise<Reply>((resolve) => answers.push((code) => resolve({ code, text: '', values: [] })));
      },
      sessionEnded: () => undefined,
    };
    const paused: boolean[] = [];
    const fake = {
      remote: 'fake',
      readingPaused: false,
      setReadingPaused(p: boolean) {
        if (p !== this.readingPaused) paused.push(p);
        this.readingPaused = p;
      },
      bindSession: () => undefined,
      sendBody: () => undefined,
      sendSequenced: () => undefined,
    };
    const session = new Session(host, { sessionId: 'f'.repeat(32), uid: 1, appIdBytes: utf8Encode('a'), accountBytes: utf8Encode('u') });
    session.attach(fake as unknown as Connection);
    const request = (reqId: number): void => {
      const frame: RequestFrame = { type: FrameType.Request, reqId, op: 100 + reqId, args: [] };
      expect(session.acceptRequest(frame, encodeFrame(frame))).to.equal(null);
    };
    const answer = async (): Promise<void> => {
      (answers.shift() as (code: number) => void)(0);
      await sleep(0);
    };
    request(1); // processing, waiting for its answer
    request(2);
    request(3); // 2 queued: half the bound, and the window (4 frames) is open
    expect(fake.readingPaused).to.equal(true);
    await answer(); // 1 done, 2 processing, 1 queued: still a quarter of the bound
    expect(fake.readingPaused).to.equal(true);
    await answer(); // 2 done, 3 processing, none queued
    expect(fake.readingPaused).to.equal(false);
    await answer(); // 3 unacknowledged frames
    request(4); // processing at once
    request(5);
    request(6);
    expect(fake.readingPaused).to.equal(true);
    await answer(); // 4 frames unacknowledged: the window closes, the ACKs may be behind unread data
    expect(fake.readingPaused).to.equal(false);
    expect(handled).to.deep.equal([101, 102, 103, 104]);
    session.ack(4);
    expect(handled).to.deep.equal([101, 102, 103, 104, 105]);
    await answer();
    await answer();
    expect(handled).to.deep.equal([101, 102, 103, 104, 105, 106]);
    expect(paused).to.deep.equal([true, false, true, false]);
    session.dispose();
  });
});

describe('02-server: requests that may overlap (p2p sends waiting for another node)', () => {
  const OVERLAPPING = 7;
  const EXCLUSIVE = 8;

  /** A session whose host answers each request when the test says, and the RESULTs it sent. */
  function harness(): { session: Session; handled: number[]; answer(reqId: number): Promise<void>; results: number[]; request(reqId: number, op: number): void } {
    const pending = new Map<number, (r: Reply) => void>();
    const handled: number[] = [];
    const results: number[] = [];
    const host: SessionHost = {
      logger: createLogger('silent'),
      limits: { resumeWindowMs: 1000, maxKeptFrames: 10000, maxKeptBytes: 1 << 24, ackGraceMs: 1000, maxQueuedRequests: 1000, maxQueuedRequestBytes: 1 << 20 },
      handleRequest: (_s, _op, args) => {
        const reqId = Number(utf8Decode(args[0]));
        handled.push(reqId);
        return new Promise<Reply>((resolve) => pending.set(reqId, resolve));
      },
      mayOverlap: (op) => op === OVERLAPPING,
      sessionEnded: () => undefined,
    };
    const fake = {
      remote: 'fake',
      readingPaused: false,
      setReadingPaused(p: boolean) {
        this.readingPaused = p;
      },
      bindSession: () => undefined,
      sendBody: () => undefined,
      sendSequenced: (body: Uint8Array) => {
        const frame = decodeFrame(body);
        if (frame.type === FrameType.Result) results.push(frame.reqId);
      },
    };
    const session = new Session(host, { sessionId: 'e'.repeat(32), uid: 1, appIdBytes: utf8Encode('a'), accountBytes: utf8Encode('u') });
    session.attach(fake as unknown as Connection);
    return {
      session,
      handled,
      results,
      request(reqId, op) {
        // The host reads the reqId from the first argument.
        const frame: RequestFrame = { type: FrameType.Request, reqId, op, args: [utf8Encode(String(reqId))] };
        expect(session.acceptRequest(frame, encodeFrame(frame))).to.equal(null);
      },
      async answer(reqId) {
        (pending.get(reqId) as (r: Reply) => void)({ code: 0, text: '', values: [] });
        pending.delete(reqId);
        await sleep(0);
      },
    };
  }

  it('starts overlapping requests together, sends their RESULTs in request order, and starts an exclusive one only when all are answered', async () => {
    const h = harness();
    h.request(1, OVERLAPPING);
    h.request(2, OVERLAPPING);
    h.request(3, OVERLAPPING);
    expect(h.handled).to.deep.equal([1, 2, 3]);
    h.request(4, EXCLUSIVE);
    h.request(5, OVERLAPPING);
    expect(h.handled).to.deep.equal([1, 2, 3]);
    await h.answer(2);
    expect(h.results).to.deep.equal([]);
    await h.answer(1);
    expect(h.results).to.deep.equal([1, 2]);
    expect(h.handled).to.deep.equal([1, 2, 3]);
    await h.answer(3);
    expect(h.results).to.deep.equal([1, 2, 3]);
    expect(h.handled).to.deep.equal([1, 2, 3, 4]);
    await h.answer(4);
    expect(h.results).to.deep.equal([1, 2, 3, 4]);
    expect(h.handled).to.deep.equal([1, 2, 3, 4, 5]);
    await h.answer(5);
    expect(h.results).to.deep.equal([1, 2, 3, 4, 5]);
    h.session.dispose();
  });

  it(`keeps at most ${MAX_OVERLAPPING_REQUESTS} overlapping requests waiting, and starts the next as the oldest is answered`, async () => {
    const h = harness();
    const n = MAX_OVERLAPPING_REQUESTS + 6;
    for (let i = 1; i <= n; i++) h.request(i, OVERLAPPING);
    expect(h.handled).to.have.length(MAX_OVERLAPPING_REQUESTS);
    await h.answer(1);
    expect(h.handled).to.have.length(MAX_OVERLAPPING_REQUESTS + 1);
    for (let i = 2; i <= n; i++) await h.answer(i);
    expect(h.results).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
    h.session.dispose();
  });

  it('waits for the overlapping requests before it is idle (a session about to move to another node)', async () => {
    const h = harness();
    h.request(1, OVERLAPPING);
    h.request(2, OVERLAPPING);
    let idle = false;
    void h.session.whenIdle().then(() => (idle = true));
    h.request(3, OVERLAPPING);
    expect(h.handled).to.deep.equal([1, 2]);
    await h.answer(1);
    expect(idle).to.equal(false);
    await h.answer(2);
    expect(idle).to.equal(true);
    expect(h.handled).to.deep.equal([1, 2]);
    h.session.dispose();
  });
});
