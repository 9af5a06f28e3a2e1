/**
 * The REQUEST frames of a session that arrived but are not processed yet, in arrival order.
 * Each is stored as a copy of its encoded body (one allocation, and the received chunk it came
 * in is not pinned) and decoded again when its turn comes. Their bytes are charged to the
 * server's memory budget as `queuedRequests`.
 */
import { decodeFrame, RequestFrame } from '../protocol';
import { MemoryBudget } from './state/memory-budget';

export class RequestQueue {
  private bodies: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** The oldest request decoded by peek(), so that shift() does not decode it again. */
  private peeked: RequestFrame | null = null;

  /** Without a budget (tests), an unbounded account of its own. */
  constructor(private readonly budget: MemoryBudget = new MemoryBudget(0)) {}

  get count(): number {
    return this.bodies.length - this.head;
  }

  /** Body bytes of the queued requests. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Queues a REQUEST given as its (already validated) body; the body is copied. */
  push(body: Uint8Array): void {
    this.bodies.push(body.slice());
    this.queuedBytes += body.length;
    this.budget.charge('queuedRequests', body.length);
  }

  /** The oldest queued request, left in the queue; undefined when empty. */
  peek(): RequestFrame | undefined {
    if (this.head >= this.bodies.length) return undefined;
    return (this.peeked ??= decodeFrame(this.bodies[this.head]) as RequestFrame);
  }

  /** The oldest queued request, removed from the queue; undefined when empty. */
  shift(): RequestFrame | undefined {
    if (this.head >= this.bodies.length) return undefined;
    const frame = this.peeked;
    this.peeked = null;
    const body = this.bodies[this.head];
    this.bodies[this.head] = EMPTY;
    this.head++;
    this.queuedBytes -= body.length;
    this.budget.release('queuedRequests', body.length);
    if (this.head === this.bodies.length) {
      this.bodies = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.bodies.length) {
      // Compact once the dead prefix dominates, so shifting stays O(1) amortised.
      this.bodies = this.bodies.slice(this.head);
      this.head = 0;
    }
    return frame ?? (decodeFrame(body) as RequestFrame);
  }

  /** The queued bodies, oldest first, without removing them (a session moving away). */
  waiting(): Uint8Array[] {
    return this.bodies.slice(this.head);
  }

  clear(): void {
    this.peeked = null;
    this.bodies = [];
    this.head = 0;
    this.budget.release('queuedRequests', this.queuedBytes);
    this.queuedBytes = 0;
  }
}

const EMPTY = new Uint8Array(0);
