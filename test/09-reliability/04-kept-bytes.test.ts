/**
 * Issue 11, case 4: a client that never ACKs. Its kept frames were views into the 64 KiB slabs the
 * server cuts frame bodies from, so each pinned its slab: about 40 times the documented 8 MiB per
 * session. Now frames still kept at a watchdog sweep get buffers of their own, and the memory
 * budget's `keptFrames` counts their real bytes.
 */
import { expect } from 'chai';
import * as net from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { decodeFrame, encodeFrame, encodeFrameWithLength, FrameType, LengthPrefixedReader, Op, PROTOCOL_VERSION, utf8Encode } from '../../lib/protocol';
import { ServerFixture } from '../02-server/server-fixture';
import type { RawClient } from '../02-server/raw-client';

const APP = 'app-kept';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Bytes of ArrayBuffers alive in this process (server and clients) after a full collection. */
async function liveArrayBufferBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
  return process.memoryUsage().arrayBuffers;
}

/** A logged-in TCP client that ACKs every 64 frames and keeps nothing it receives; it counts EVENTs. */
class Sink {
  events = 0;
  private constructor(private readonly socket: net.Socket) {}

  static async login(port: number, account: string): Promise<Sink> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const sink = new Sink(socket);
    const reader = new LengthPrefixedReader();
    let acked = 0;
    let loggedIn!: () => void;
    const ready = new Promise<void>((r) => (loggedIn = r));
    socket.on('data', (chunk) => {
      for (const body of reader.push(chunk)) {
        const frame = decodeFrame(body);
        if (frame.type === FrameType.LoginOk) loggedIn();
        if (frame.type === FrameType.Event) sink.events++;
        if ((frame.type === FrameType.Event || frame.type === FrameType.Result) && frame.seq - acked >= 64) {
          acked = frame.seq;
          socket.write(encodeFrameWithLength({ type: FrameType.Ack, seq: acked }));
        }
      }
    });
    socket.on('error', () => undefined);
    socket.write(encodeFrameWithLength({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('sink/1') }));
    socket.write(
      encodeFrameWithLength({ type: FrameType.Login, appId: utf8Encode(APP), account: utf8Encode(account), token: utf8Encode('_no_need_token'), uid: 0, deviceId: utf8Encode('t') }),
    );
    await ready;
    return sink;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Takes `count` RESULTs (all code 0) without keeping them. */
async function results(client: RawClient, count: number): Promise<void> {
  for (let n = 0; n < count; ) {
    const frame = await client.next(10000);
    if (frame.type !== FrameType.Result) continue;
    expect(frame.code).to.equal(0);
    n++;
  }
}

describe('09-reliability: kept frames of a client that never acknowledges', function () {
  this.timeout(30000);
  const fixture = new ServerFixture();
  let sinks: Sink[] = [];
  afterEach(async () => {
    for (const s of sinks) s.destroy();
    sinks = [];
    await fixture.stop();
  });

  it('charges the memory budget the real bytes of the kept frames, and gives them back on ACK', async () => {
    await fixture.start();
    const hog = await fixture.loggedIn(APP, 'hog');
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    const budget = fixture.server.memoryBudget;
    expect(budget.snapshot().byCategory.keptFrames).to.equal(0);

    let keptBytes = 0;
    for (let i = 0; i < 200; i++) alice.client.request(Op.MsgInstant, ['hog', '0', `message ${i} ${'y'.repeat(i)}`, '']);
    await results(alice.client, 200);
    for (let i = 0; i < 200; i++) keptBytes += encodeFrame(await hog.client.next()).length;
    await sleep(100); // alice's last ACKs arrive: only the hog's frames stay kept
    expect(budget.snapshot().byCategory.keptFrames).to.equal(keptBytes);

    hog.client.ack();
    await sleep(100);
    expect(budget.snapshot().byCategory.keptFrames).to.equal(0);
  });

  it('charges the budget the requests that wait behind the window, and gives them back as they are processed', async () => {
    // Window: 5 unacknowledged frames.
    await fixture.start({ maxKeptFrames: 10 });
    const { client } = await fixture.loggedIn(APP, 'queued');
    let queuedBytes = 0;
    for (let i = 0; i < 20; i++) {
      const args = ['queued'];
      client.request(Op.QueryUserStatus, args);
      if (i >= 5) queuedBytes += encodeFrame({ type: FrameType.Request, reqId: i + 1, op: Op.QueryUserStatus, args: args.map(utf8Encode) }).length;
    }
    await sleep(200);
    expect(fixture.server.memoryBudget.snapshot().byCategory.queuedRequests).to.equal(queuedBytes);
    client.autoAck = true;
    client.ack();
    await sleep(200);
    expect(fixture.server.memoryBudget.snapshot().byCategory.queuedRequests).to.equal(0);
  });

  it('does not let the kept frames of three clients that never ACK pin the 64 KiB slabs they were cut from', async () => {
    // A sweep every 100 ms (a quarter of the login timeout); the hogs are logged in, so it does not cut them.
    await fixture.start({ loginTimeoutMs: 400 });
    const hogs = [await fixture.loggedIn(APP, 'hog1'), await fixture.loggedIn(APP, 'hog2'), await fixture.loggedIn(APP, 'hog3')];
    const bob = await Sink.login(fixture.address.tcpPort, 'bob');
    sinks.push(bob);
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    const before = await liveArrayBufferBytes();

    // Each round: a small message to each hog, then 16 messages of 4,000 bytes to bob, so each
    // slab holds one frame of each hog among bob's frames. 600 rounds: 1,800 small frames kept.
    const big = 'b'.repeat(4000);
    const rounds = 600;
    for (let r = 0; r < rounds; r++) {
      for (const hog of ['hog1', 'hog2', 'hog3']) alice.client.request(Op.MsgInstant, [hog, '0', `r${r}`, '']);
      for (let i = 0; i < 16; i++) alice.client.request(Op.MsgInstant, ['bob', '0', big, '']);
      // In steps of 100 rounds (7.6 MB), within the request queue's byte bound.
      if (r % 100 === 99) await results(alice.client, 100 * 19);
    }
    while (bob.events < rounds * 16) await sleep(20);
    await sleep(300);

    const grown = (await liveArrayBufferBytes()) - before;
    const keptBytes = fixture.server.memoryBudget.snapshot().byCategory.keptFrames;
    // Pinning one slab per kept frame would hold 1,800 x 64 KiB = 118 MB; their real bytes are about 60 KB.
    expect(keptBytes).to.be.lessThan(100 * 1024);
    expect(grown, `ArrayBuffer bytes grew by ${grown}`).to.be.lessThan(12 * 1024 * 1024);
    for (const hog of hogs) expect(hog.client.closed).to.equal(false);
  });
});
