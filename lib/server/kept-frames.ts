/**
 * The sequenced frames a session keeps until its client acknowledges them: encoded bodies, or
 * prepared EVENTs shared with the other recipients of a fan-out (their seq is their position).
 * Sequence numbers are contiguous, so only the first one is stored.
 */
import { ownedCopy } from './frame-slab';
import { OutgoingFrame, PreparedEvent } from './prepared-event';

export class KeptFrames {
  private frames: OutgoingFrame[] = [];
  private head = 0;
  /** Sequence number of frames[head]. */
  private firstSeq = 1;
  private keptBytes = 0;

  get count(): number {
    return this.frames.length - this.head;
  }

  /** Body bytes of the kept frames, as they go on the wire. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Appends the frame with sequence number `lastSeq + 1`, whose body is `size` bytes. */
  push(frame: OutgoingFrame, size: number): void {
    this.frames.push(frame);
    this.keptBytes += size;
  }

  /** Forgets every frame with a sequence number up to `seq`. */
  trimThrough(seq: number): void {
    while (this.head < this.frames.length && this.firstSeq <= seq) {
      // Sizes are not stored: a prepared EVENT's size follows from its seq.
      const frame = this.frames[this.head];
      this.keptBytes -= frame instanceof PreparedEvent ? frame.sizeWithSeq(this.firstSeq) : frame.length;
      this.frames[this.head] = EMPTY;
      this.head++;
      this.firstSeq++;
    }
    if (this.head === this.frames.length) {
      // Everything acknowledged (the usual case): start over rather than grow.
      if (this.head > 0) this.clearArrays();
    } else if (this.head > 1024 && this.head * 2 > this.frames.length) {
      // Compact once the dead prefix dominates, so trimming stays O(1) amortised.
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }

  /** Sequence number of the oldest kept frame (or of the next one, when none is kept). */
  get oldestSeq(): number {
    return this.firstSeq;
  }

  forEach(visit: (frame: OutgoingFrame, seq: number) => void): void {
    for (let i = this.head; i < this.frames.length; i++) visit(this.frames[i], this.firstSeq + i - this.head);
  }

  /** Gives every kept body a buffer of its own (they may be views into shared slabs). */
  ownCopies(): void {
    for (let i = this.head; i < this.frames.length; i++) {
      const frame = this.frames[i];
      if (frame instanceof Uint8Array) this.frames[i] = ownedCopy(frame);
    }
  }

  clear(): void {
    this.firstSeq += this.count;
    this.clearArrays();
    this.keptBytes = 0;
  }

  private clearArrays(): void {
    this.frames = [];
    this.head = 0;
  }
}

const EMPTY = new Uint8Array(0);
