import { expect } from 'chai';
import { decodeFrame, EventFrame, FrameType, LengthPrefixedReader } from '../../lib/protocol';
import { allocateFromSlab } from '../../lib/server/frame-slab';
import { KeptFrames } from '../../lib/server/kept-frames';
import { latin1 } from '../../lib/server/state/latin1';
import { OutgoingFrame, PreparedEvent } from '../../lib/server/state/prepared-event';
import { newSessionId } from '../../lib/server/session-id';
import { WriteBatch } from '../../lib/server/write-batch';

/** A socket stand-in that records each write. */
class RecordingSink {
  readonly writes: Buffer[] = [];
  writeBatch(bytes: Buffer): void {
    this.writes.push(bytes);
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function framesOf(write: Buffer): ReturnType<typeof decodeFrame>[] {
  return new LengthPrefixedReader().push(write).map((body) => decodeFrame(body));
}

describe('02-server: outgoing frames (write batches, prepared events, kept frames)', () => {
  it('writes the frames one turn gave a socket as one buffer, in order, on the next tick', async () => {
    const sink = new RecordingSink();
    const batch = new WriteBatch(sink);
    const event = new PreparedEvent(7, [bytes('chan'), bytes('hello')]);
    batch.add(new Uint8Array([FrameType.Pong, 5]));
    batch.addEvent(event, 300, event.sizeWithSeq(300));
    batch.add(new Uint8Array([FrameType.Pong, 6]));
    expect(sink.writes, 'nothing leaves before the turn ends').to.have.length(0);
    await nextTurn();
    expect(sink.writes).to.have.length(1);
    const frames = framesOf(sink.writes[0]);
    expect(frames.map((f) => f.type)).to.deep.equal([FrameType.Pong, FrameType.Event, FrameType.Pong]);
    const e = frames[1] as EventFrame;
    expect(e.seq).to.equal(300);
    expect(e.kind).to.equal(7);
    expect(e.fields.map((f) => Buffer.from(f).toString())).to.deep.equal(['chan', 'hello']);
  });

  it('gives each socket its own write per turn, and a later turn a write of its own', async () => {
    const a = new RecordingSink();
    const b = new RecordingSink();
    const batchA = new WriteBatch(a);
    const batchB = new WriteBatch(b);
    const event = new PreparedEvent(1, [bytes('x')]);
    batchA.addEvent(event, 1, event.sizeWithSeq(1));
    batchB.addEvent(event, 9, event.sizeWithSeq(9));
    await nextTurn();
    batchA.addEvent(event, 2, event.sizeWithSeq(2));
    await nextTurn();
    expect(a.writes).to.have.length(2);
    expect(b.writes).to.have.length(1);
    expect(framesOf(a.writes[0]).map((f) => (f as EventFrame).seq)).to.deep.equal([1]);
    expect(framesOf(a.writes[1]).map((f) => (f as EventFrame).seq)).to.deep.equal([2]);
    expect(framesOf(b.writes[0]).map((f) => (f as EventFrame).seq)).to.deep.equal([9]);
  });

  it('drops what a socket had queued when it is discarded (the socket is gone)', async () => {
    const sink = new RecordingSink();
    const batch = new WriteBatch(sink);
    batch.add(new Uint8Array([FrameType.Pong, 1]));
    expect(batch.pendingBytes).to.equal(4 + 2);
    batch.discard();
    await nextTurn();
    expect(sink.writes).to.have.length(0);
    expect(batch.pendingBytes).to.equal(0);
  });

  it('a prepared event encodes like encodeFrame for every seq length', () => {
    const event = new PreparedEvent(12, [bytes('a'), new Uint8Array(200)]);
    for (const seq of [1, 127, 128, 16383, 16384, 2 ** 32, 2 ** 53 - 1]) {
      const body = event.withSeq(seq);
      expect(body.length).to.equal(event.sizeWithSeq(seq));
      expect(decodeFrame(body)).to.deep.include({ type: FrameType.Event, seq, kind: 12 });
    }
  });

  it('kept frames replay bodies and shared events with their own seqs, and count their bytes', () => {
    const kept = new KeptFrames();
    const event = new PreparedEvent(3, [bytes('shared')]);
    const body = new Uint8Array([FrameType.Pong, 1]);
    kept.push(body, body.length);
    kept.push(event, event.sizeWithSeq(2));
    kept.push(event, event.sizeWithSeq(3));
    expect(kept.count).to.equal(3);
    expect(kept.bytes).to.equal(body.length + event.sizeWithSeq(2) + event.sizeWithSeq(3));
    kept.trimThrough(1);
    const replayed: [OutgoingFrame, number][] = [];
    kept.forEach((frame, seq) => replayed.push([frame, seq]));
    expect(replayed).to.deep.equal([
      [event, 2],
      [event, 3],
    ]);
    expect(kept.bytes).to.equal(event.sizeWithSeq(2) + event.sizeWithSeq(3));
    kept.trimThrough(3);
    expect(kept.count).to.equal(0);
    expect(kept.bytes).to.equal(0);
    expect(kept.oldestSeq).to.equal(4);
  });

  it('a disconnected session’s kept bodies stop sharing the slab they were carved from', () => {
    const kept = new KeptFrames();
    const a = allocateFromSlab(10);
    const b = allocateFromSlab(10);
    a.fill(1);
    b.fill(2);
    expect(a.buffer, 'carved from one slab').to.equal(b.buffer);
    kept.push(a, a.length);
    kept.push(b, b.length);
    kept.ownCopies();
    const copies: Uint8Array[] = [];
    kept.forEach((frame) => copies.push(frame as Uint8Array));
    for (const copy of copies) expect(copy.buffer.byteLength).to.equal(copy.length);
    expect(copies.map((c) => [...c])).to.deep.equal([Array(10).fill(1), Array(10).fill(2)]);
  });

  it('session ids are 32 hex digits and do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(newSessionId());
    expect(seen.size).to.equal(2000);
    for (const id of seen) expect(id).to.match(/^[0-9a-f]{32}$/);
  });

  it('latin1 keys are one character per byte, short and long alike', () => {
    for (const length of [0, 1, 64, 65, 300]) {
      const raw = Uint8Array.from({ length }, (_, i) => (i * 37 + 200) & 0xff);
      expect(latin1(raw)).to.equal(Buffer.from(raw).toString('latin1'));
    }
  });
});
