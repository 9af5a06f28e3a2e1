/**
 * An EVENT encoded once for many recipients. Sequence numbers differ per session, so the body is
 * encoded with seq 0 (one byte) and each recipient's copy is its type byte, its own seq varint and
 * the shared tail. A channel message to 10,000 members measures and encodes its fields once, and
 * the sessions keep (for a resume) and the sockets write this one object, not 10,000 copies: each
 * copy is only ever written straight into a socket's outgoing buffer.
 */
import { encodeFrame } from '../../protocol/codec';
import { FrameType } from '../../protocol/frame-type';

export class PreparedEvent {
  /** Everything after the seq field: kind and fields. */
  private readonly tail: Uint8Array;

  constructor(readonly kind: number, readonly fields: Uint8Array[]) {
    const body = encodeFrame({ type: FrameType.Event, seq: 0, kind, fields });
    this.tail = body.subarray(2);
  }

  /** Length of the body with sequence number `seq`. */
  sizeWithSeq(seq: number): number {
    return 1 + varintSize(seq) + this.tail.length;
  }

  /** Writes the body with sequence number `seq` at `pos`; returns the position after it. */
  writeWithSeq(out: Uint8Array, pos: number, seq: number): number {
    out[pos] = FrameType.Event;
    pos = writeVarint(out, pos + 1, seq);
    out.set(this.tail, pos);
    return pos + this.tail.length;
  }

  /** The body of this EVENT with sequence number `seq`, as a buffer of its own. */
  withSeq(seq: number): Uint8Array {
    const out = new Uint8Array(this.sizeWithSeq(seq));
    this.writeWithSeq(out, 0, seq);
    return out;
  }
}

/** A frame the server sends: an encoded body, or a prepared EVENT with its sequence number. */
export type OutgoingFrame = Uint8Array | PreparedEvent;

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
