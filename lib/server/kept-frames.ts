/**
 * The sequenced frames (encoded bodies) a session keeps until its client acknowledges them.
 * Sequence numbers are contiguous, so only the first one is stored.
 */
export class KeptFrames {
  private bodies: Uint8Array[] = [];
  private head = 0;
  /** Sequence number of bodies[head]. */
  private firstSeq = 1;
  private keptBytes = 0;

  get count(): number {
    return this.bodies.length - this.head;
  }

  get bytes(): number {
    return this.keptBytes;
  }

  /** Appends the frame with sequence number `lastSeq + 1`. */
  push(body: Uint8Array): void {
    this.bodies.push(body);
    this.keptBytes += body.length;
  }

  /** Forgets every frame with a sequence number up to `seq`. */
  trimThrough(seq: number): void {
    while (this.head < this.bodies.length && this.firstSeq <= seq) {
      this.keptBytes -= this.bodies[this.head].length;
      this.bodies[this.head] = EMPTY;
      this.head++;
      this.firstSeq++;
    }
    // Compact once the dead prefix dominates, so trimming stays O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.bodies.length) {
      this.bodies = this.bodies.slice(this.head);
      this.head = 0;
    }
  }

  /** Sequence number of the oldest kept frame (or of the next one, when none is kept). */
  get oldestSeq(): number {
    return this.firstSeq;
  }

  forEach(visit: (body: Uint8Array) => void): void {
    for (let i = this.head; i < this.bodies.length; i++) visit(this.bodies[i]);
  }

  clear(): void {
    this.bodies = [];
    this.head = 0;
    this.keptBytes = 0;
  }
}

const EMPTY = new Uint8Array(0);
