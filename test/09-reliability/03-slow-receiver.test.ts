/**
 * Issue 11, case 3: a receiver that stops reading while a peer pipelines messages. On main the
 * output bound cut it without a BYE and the session ended at once, so thousands of messages whose
 * sender got success were lost. Now every message answered with code 0 reaches the receiver exactly
 * once, in order, after it reads again (or after it resumes); the others were answered 400 "peer
 * ... is not reading". A channel member that cannot take a channel message is cut with BYE(104).
 */
import { expect } from 'chai';
import * as net from 'node:net';
import {
  decodeFrame,
  encodeFrameWithLength,
  EventKind,
  Frame,
  FrameOf,
  FrameType,
  LengthPrefixedReader,
  Op,
  PROTOCOL_VERSION,
  utf8Decode,
  utf8Encode,
} from '../../lib/protocol';
import { ServerFixture } from '../02-server/server-fixture';
import { RawClient } from '../02-server/raw-client';

const APP = 'app-slow';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const PAYLOAD = 'x'.repeat(1000);

/** A raw TCP client whose socket can stop reading (socket.pause), as a stalled application does. */
class StallingClient {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly reader = new LengthPrefixedReader();
  private ackedSeq = 0;
  lastSeq = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      for (const body of this.reader.push(chunk)) this.onFrame(decodeFrame(body.slice()));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static connect(port: number): Promise<StallingClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new StallingClient(socket)));
      socket.once('error', reject);
    });
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrameWithLength(frame));
  }

  hello(): void {
    this.send({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('stalling/1') });
  }

  stopReading(): void {
    this.socket.pause();
  }

  startReading(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async waitFor<T extends FrameType>(type: T, timeoutMs = 5000): Promise<FrameOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => f.type === type);
      if (found !== undefined) return found as FrameOf<T>;
      if (Date.now() > deadline) throw new Error(`no frame of type ${type} within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** The message text of every EVENT received (field 2 of INSTANT_MSG; 3 of CHANNEL_MSG). */
  events(kind = EventKind.InstantMsg, field = 2): string[] {
    return this.frames.filter((f): f is FrameOf<FrameType.Event> => f.type === FrameType.Event && f.kind === kind).map((f) => utf8Decode(f.fields[field]));
  }

  private onFrame(frame: Frame): void {
    this.frames.push(frame);
    if (frame.type === FrameType.Result || frame.type === FrameType.Event) {
      this.lastSeq = frame.seq;
      // As the SDKs do: ACK every 64 frames.
      if (frame.seq - this.ackedSeq >= 64 && !this.closed) {
        this.ackedSeq = frame.seq;
        this.send({ type: FrameType.Ack, seq: frame.seq });
      }
    }
  }
}

async function loginStalling(port: number, account: string): Promise<{ client: StallingClient; sessionId: Uint8Array }> {
  const client = await StallingClient.connect(port);
  client.hello();
  client.send({ type: FrameType.Login, appId: utf8Encode(APP), account: utf8Encode(account), token: utf8Encode('_no_need_token'), uid: 0, deviceId: utf8Encode('t') });
  const ok = await client.waitFor(FrameType.LoginOk);
  client.frames.length = 0;
  return { client, sessionId: ok.sessionId };
}

/** Pipelines `count` 1 KB messages to `to` in bursts of `burst` every `everyMs`; answers the RESULTs by message number. */
async function pipelineMessages(sender: RawClient, op: Op, to: string, count: number, burst: number, everyMs: number): Promise<FrameOf<FrameType.Result>[]> {
  const args = (i: number): string[] => (op === Op.MsgInstant ? [to, '0', `${i}:${PAYLOAD}`, ''] : [to, `${i}:${PAYLOAD}`]);
  const sending = (async () => {
    for (let i = 0; i < count; i += burst) {
      for (let j = i; j < Math.min(count, i + burst); j++) sender.request(op, args(j));
      await sleep(everyMs);
    }
  })();
  const results: FrameOf<FrameType.Result>[] = [];
  while (results.length < count) {
    const frame = await sender.next(20000);
    if (frame.type === FrameType.Result) results.push(frame);
  }
  await sending;
  return results;
}

/** The message numbers whose RESULT was 0, in order; every other RESULT must say the peer is not reading. */
function acceptedNumbers(results: FrameOf<FrameType.Result>[]): number[] {
  const accepted: number[] = [];
  for (let i = 0; i < results.length; i++) {
    expect(results[i].reqId).to.equal(i + 1);
    if (results[i].code === 0) accepted.push(i);
    else {
      expect(results[i].code).to.equal(400);
      expect(utf8Decode(results[i].text)).to.match(/^peer bob is not reading: \d+ frames \(\d+ bytes\) wait for its acknowledgement.*the bound is (2000 frames or 2097152 bytes in flight|1000 frames or 1048576 bytes)$/);
    }
  }
  return accepted;
}

function numbers(texts: string[]): number[] {
  return texts.map((t) => Number(t.slice(0, t.indexOf(':'))));
}

describe('09-reliability: a receiver that stops reading', function () {
  this.timeout(30000);
  const fixture = new ServerFixture();
  const stalling: StallingClient[] = [];
  afterEach(async () => {
    for (const c of stalling.splice(0)) c.destroy();
    await fixture.stop();
  });

  it('gets every message its sender was told was delivered, once and in order, after a stall shorter than the grace', async () => {
    // Grace: 2 heartbeats = 20 s. Kept bound: 1,000 frames or 1 MiB (about 1,000 messages of 1 KB).
    await fixture.start({ maxKeptFrames: 1000, maxKeptBytes: 1024 * 1024, maxFrameBytes: 16 * 1024 });
    const bob = await loginStalling(fixture.address.tcpPort, 'bob');
    stalling.push(bob.client);
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;

    bob.client.stopReading();
    // 8,000 messages (8 MB, past what loopback socket buffers hold) over about 2 s.
    const results = await pipelineMessages(alice.client, Op.MsgInstant, 'bob', 8000, 400, 100);
    await sleep(500);
    bob.client.startReading();

    const accepted = acceptedNumbers(results);
    expect(accepted.length).to.be.greaterThan(500);
    expect(accepted.length).to.be.lessThan(8000);
    const deadline = Date.now() + 10000;
    while (bob.client.events().length < accepted.length && Date.now() < deadline && !bob.client.closed) await sleep(20);
    expect(bob.client.closed, 'bob was disconnected').to.equal(false);
    expect(bob.client.frames.filter((f) => f.type === FrameType.Bye)).to.deep.equal([]);
    expect(numbers(bob.client.events())).to.deep.equal(accepted);
    expect(fixture.logLines.filter((l) => l.includes('disconnecting'))).to.deep.equal([]);
  });

  it('is disconnected with BYE(104) and a log line when the stall outlasts the grace, and resumes without losing a message', async () => {
    // Grace: 2 heartbeats = 1.2 s; the receiver stalls for 3 s.
    await fixture.start({ heartbeatMs: 600, maxKeptFrames: 1000, maxKeptBytes: 1024 * 1024, maxFrameBytes: 16 * 1024 });
    const bob = await loginStalling(fixture.address.tcpPort, 'bob');
    stalling.push(bob.client);
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    const ping = setInterval(() => alice.client.send({ type: FrameType.Ping, nonce: 1 }), 200);
    try {
      bob.client.stopReading();
      const results = await pipelineMessages(alice.client, Op.MsgInstant, 'bob', 3000, 300, 100);
      await sleep(2000);
      bob.client.startReading();
      const accepted = acceptedNumbers(results);
      expect(accepted.length).to.be.greaterThan(500);
      const deadline = Date.now() + 5000;
      while (!bob.client.closed && Date.now() < deadline) await sleep(20);
      expect(bob.client.closed).to.equal(true);
      const line = fixture.logLines.find((l) => l.includes('disconnecting'));
      expect(line, 'a log line naming the client').to.match(/bob@app-slow.*client did not acknowledge within 1200 ms/);

      // Whatever arrived before the close, then the rest from a resume: once each, in order.
      const got = numbers(bob.client.events());
      const again = await StallingClient.connect(fixture.address.tcpPort);
      stalling.push(again);
      again.hello();
      again.send({ type: FrameType.Resume, sessionId: bob.sessionId, lastSeq: bob.client.lastSeq });
      await again.waitFor(FrameType.ResumeOk);
      const end = Date.now() + 5000;
      while (got.length + again.events().length < accepted.length && Date.now() < end) await sleep(20);
      expect([...got, ...numbers(again.events())]).to.deep.equal(accepted);
    } finally {
      clearInterval(ping);
    }
  });

  it('removes a channel member that cannot take a channel message from the channel (CHANNEL_LEFT 600, a log line); its session and the messages promised to it stay', async () => {
    await fixture.start({
      maxKeptFrames: 1000,
      maxKeptBytes: 1024 * 1024,
      maxFrameBytes: 16 * 1024,
      userChannelMessagesPerSecond: 1000000,
      channelMessagesPerSecond: 1000000,
    });
    const carol = await loginStalling(fixture.address.tcpPort, 'carol');
    stalling.push(carol.client);
    carol.client.send({ type: FrameType.Request, reqId: 1, op: Op.ChannelJoin, args: [utf8Encode('room')] });
    await carol.client.waitFor(FrameType.Result);
    carol.client.frames.length = 0;
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    alice.client.request(Op.ChannelJoin, ['room']);
    while ((await alice.client.next()).type !== FrameType.Result);

    carol.client.stopReading();
    // A peer-to-peer message promised to carol before the flood.
    alice.client.request(Op.MsgInstant, ['carol', '0', 'promised', '']);
    const results = await pipelineMessages(alice.client, Op.MsgChannel, 'room', 3000, 300, 50);
    expect(results.every((r) => r.code === 0)).to.equal(true);
    await sleep(100);
    expect(fixture.logLines.some((l) => /carol@app-slow.*removed from channel "room": a channel message of \d+ bytes did not fit/.test(l))).to.equal(true);
    carol.client.startReading();
    const deadline = Date.now() + 5000;
    while (!carol.client.frames.some((f) => f.type === FrameType.Event && f.kind === EventKind.ChannelLeft) && Date.now() < deadline) await sleep(10);
    // Everything it got: the promised message, the channel messages in order without a gap, then
    // CHANNEL_LEFT(room, 600) to say that the rest did not reach it.
    expect(carol.client.events(EventKind.InstantMsg)).to.deep.equal(['promised']);
    const got = numbers(carol.client.events(EventKind.ChannelMsg, 3));
    expect(got.length).to.be.greaterThan(0).and.lessThan(3000);
    expect(got).to.deep.equal(got.map((_, i) => i));
    const events = carol.client.frames.filter((f): f is FrameOf<FrameType.Event> => f.type === FrameType.Event);
    const last = events[events.length - 1];
    expect(last.kind).to.equal(EventKind.ChannelLeft);
    expect(utf8Decode(last.fields[0])).to.equal('room');
    expect(utf8Decode(last.fields[1])).to.equal('600');
    // Its session goes on: it is not in the channel any more and can talk.
    expect(carol.client.closed).to.equal(false);
    expect(fixture.server.sessionCount).to.equal(2);
    carol.client.send({ type: FrameType.Request, reqId: 2, op: Op.ChannelQueryIsIn, args: [utf8Encode('room'), utf8Encode('carol')] });
    const deadline2 = Date.now() + 5000;
    let answer: FrameOf<FrameType.Result> | undefined;
    while (answer === undefined && Date.now() < deadline2) {
      answer = carol.client.frames.find((f): f is FrameOf<FrameType.Result> => f.type === FrameType.Result && f.reqId === 2);
      await sleep(10);
    }
    expect(answer?.code).to.equal(0);
    expect(utf8Decode((answer as FrameOf<FrameType.Result>).values[2])).to.equal('0');
  });
});
