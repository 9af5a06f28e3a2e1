/**
 * The sequenced frames a session keeps until its client acknowledges them: encoded bodies, or
 * prepared EVENTs shared with the other recipients of a fan-out (their seq is their position).
 * Sequence numbers are contiguous, so only the first one is stored.
 *
 * Bodies are usually views into 64 KiB slabs (frame-slab.ts), and a view keeps its whole slab
 * alive. A client that acknowledges as it should (every 64 frames, every heartbeat) holds its
 * views for a moment; one that does not would pin a slab per frame. So sweep(), at every watchdog
 * sweep, gives a buffer of its own to every frame that was already kept at the previous sweep
 * (one a client in good health has acknowledged by then), and frames pushed while more
 * than `ownAfter` (the request window: a client that far behind is not acknowledging) are kept
 * get one at once. A copy is an allocation (about 300 ns), which is what the slabs save the
 * message path, so nothing is copied while the client keeps up. The bytes are charged to the
 * server's memory budget as `keptFrames`.
 */
import { ownedCopy } from './frame-slab';
import { MemoryBudget } from './state/memory-budget';
import { OutgoingFrame, PreparedEvent } from './state/prepared-event';

export class KeptFrames {
  private frames: OutgoingFrame[] = [];
  private head = 0;
  /** Sequence number of frames[head]. */
  private firstSeq = 1;
  private keptBytes = 0;
  /** Frames up to this sequence number have buffers of their own. */
  private ownedThroughSeq = 0;
  /** The last sequence number at the previous sweep. */
  private sweptSeq = 0;

  /** Without a budget (tests), an unbounded account of its own. */
  constructor(private readonly budget: MemoryBudget = new MemoryBudget(0), private readonly ownAfter = Infinity) {}

  get count(): number {
    return this.frames.length - this.head;
  }

  /** Body bytes of the kept frames, as they go on the wire. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Appends the frame with sequence number `lastSeq + 1`, whose body is `size` bytes. */
  push(frame: OutgoingFrame, size: number): void {
    this.frames.push(this.frames.length - this.head >= this.ownAfter && frame instanceof Uint8Array ? ownedCopy(frame) : frame);
    this.keptBytes += size;
    this.budget.charge('keptFrames', size);
  }

  /** Forgets every frame with a sequence number up to `seq`. */
  trimThrough(seq: number): void {
    const before = this.keptBytes;
    while (this.head < this.frames.length && this.firstSeq <= seq) {
      // Sizes are not stored: a prepared EVENT's size follows from its seq.
      const frame = this.frames[this.head];
      this.keptBytes -= frame instanceof PreparedEvent ? frame.sizeWithSeq(this.firstSeq) : frame.length;
      this.frames[this.head] = EMPTY;
      this.head++;
      this.firstSeq++;
    }
    if (before !== this.keptBytes) this.budget.release('keptFrames', before - this.keptBytes);
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

  /** The bodies of the kept frames, each encoded with its own sequence number (a session moving away). */
  bodies(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.forEach((frame, seq) => out.push(frame instanceof PreparedEvent ? frame.withSeq(seq) : ownedCopy(frame)));
    return out;
  }

  /** Makes an empty store's next frame have sequence number `seq` (a session moved in). */
  startAt(seq: number): void {
    if (this.count !== 0) throw new Error('startAt on kept frames that are not empty');
    this.firstSeq = seq;
    this.ownedThroughSeq = this.sweptSeq = seq - 1;
  }

  /** Gives every kept body a buffer of its own (they may be views into shared slabs). */
  ownCopies(): void {
    this.ownThrough(this.firstSeq + this.count - 1);
  }

  /** The watchdog's sweep: frames kept since the previous sweep or longer get buffers of their own. */
  sweep(): void {
    this.ownThrough(this.sweptSeq);
    this.sweptSeq = this.firstSeq + this.count - 1;
  }

  clear(): void {
    this.firstSeq += this.count;
    this.clearArrays();
    this.budget.release('keptFrames', this.keptBytes);
    this.keptBytes = 0;
  }

  private ownThrough(seq: number): void {
    if (seq <= this.ownedThroughSeq) return;
    const end = Math.min(this.frames.length, this.head + seq + 1 - this.firstSeq);
    for (let i = this.head + Math.max(0, this.ownedThroughSeq + 1 - this.firstSeq); i < end; i++) {
      const frame = this.frames[i];
      if (frame instanceof Uint8Array) this.frames[i] = ownedCopy(frame);
    }
    this.ownedThroughSeq = seq;
  }

  private clearArrays(): void {
    this.frames = [];
    this.head = 0;
  }
}

const EMPTY = new Uint8Array(0);
