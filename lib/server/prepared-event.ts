/**
 * An EVENT encoded once for many recipients. Sequence numbers differ per session, so the body is
 * encoded with seq 0 (one byte) and each recipient's copy gets its own seq varint in front of the
 * shared tail: a channel message to 10,000 members measures and encodes its fields once.
 */
import { encodeFrame, FrameType } from '../protocol';

export class PreparedEvent {
  /** Everything after the seq field: kind and fields. */
  private readonly tail: Uint8Array;

  constructor(readonly kind: number, readonly fields: Uint8Array[]) {
    const body = encodeFrame({ type: FrameType.Event, seq: 0, kind, fields });
    this.tail = body.subarray(2);
  }

  /** The body of this EVENT with sequence number `seq`. */
  withSeq(seq: number): Uint8Array {
    const tail = this.tail;
    const out = new Uint8Array(1 + varintSize(seq) + tail.length);
    out[0] = FrameType.Event;
    out.set(tail, writeVarint(out, 1, seq));
    return out;
  }
}

function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[pos++] = v;
  return pos;
}
