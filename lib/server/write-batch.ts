/**
 * Outgoing frames of one event-loop turn, gathered per socket and written once.
 *
 * A stream write costs far more than copying a few dozen bytes: every `socket.write` allocates a
 * write request, walks the stream machinery and, uncorked, makes a syscall. A fan-out to 10,000
 * members or a burst of pipelined requests produces many small frames per socket in one turn, so
 * each socket copies its frames (length prefix + body) into one buffer and writes it once, on the
 * next tick: after the code that produced them has finished, before any I/O is polled again. No
 * frame waits longer than the turn that produced it.
 */
import { OutgoingFrame, PreparedEvent } from './state/prepared-event';

const HEADER_BYTES = 4;

export interface BatchSink {
  /** Writes the turn's frames (one buffer, length-prefixed frames back to back). */
  writeBatch(bytes: Buffer): void;
}

/** Frames a socket was given this turn. */
export class WriteBatch {
  private frames: OutgoingFrame[] = [];
  /** The sequence number of each prepared EVENT in `frames` (unused for encoded bodies). */
  private seqs: number[] = [];
  private bytes = 0;

  constructor(private readonly sink: BatchSink) {}

  /** Bytes queued this turn (length prefixes included). */
  get pendingBytes(): number {
    return this.bytes;
  }

  add(body: Uint8Array): void {
    this.push(body, 0, body.length);
  }

  /** A prepared EVENT with this socket's sequence number, copied out only when written. */
  addEvent(event: PreparedEvent, seq: number, size: number): void {
    this.push(event, seq, size);
  }

  /** Drops what is queued (the socket is gone). */
  discard(): void {
    this.frames = [];
    this.seqs = [];
    this.bytes = 0;
  }

  flush(): void {
    const frames = this.frames;
    if (frames.length === 0) return;
    const seqs = this.seqs;
    const out = Buffer.allocUnsafe(this.bytes);
    let pos = 0;
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i];
      const start = pos + HEADER_BYTES;
      let end: number;
      if (frame instanceof PreparedEvent) {
        end = frame.writeWithSeq(out, start, seqs[i]);
      } else {
        out.set(frame, start);
        end = start + frame.length;
      }
      const n = end - start;
      out[pos] = n >>> 24;
      out[pos + 1] = (n >>> 16) & 0xff;
      out[pos + 2] = (n >>> 8) & 0xff;
      out[pos + 3] = n & 0xff;
      pos = end;
    }
    this.discard();
    this.sink.writeBatch(out);
  }

  private push(frame: OutgoingFrame, seq: number, size: number): void {
    if (this.frames.length === 0) scheduleFlush(this);
    this.frames.push(frame);
    this.seqs.push(seq);
    this.bytes += HEADER_BYTES + size;
  }
}

// One tick callback flushes every socket written to in the turn, however many there are.
let dirty: WriteBatch[] = [];

function scheduleFlush(batch: WriteBatch): void {
  if (dirty.length === 0) process.nextTick(flushAll);
  dirty.push(batch);
}

function flushAll(): void {
  // Flushing writes to sockets, which may run code that queues frames for the next round.
  while (dirty.length > 0) {
    const batches = dirty;
    dirty = [];
    for (let i = 0; i < batches.length; i++) batches[i].flush();
  }
}
