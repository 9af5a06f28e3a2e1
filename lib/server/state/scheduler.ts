/**
 * One timer for many deadlines: channel TTLs, `_member_num` updates and offline-message expiry
 * all go through a min-heap and a single Node timer armed for the earliest deadline, so 100,000
 * channels cost 100,000 heap entries rather than 100,000 timers. Cancelled entries stay in the
 * heap, marked dead, until they reach the top (cancelling is O(1)).
 */

export interface ScheduledTask {
  readonly dueMs: number;
  /** False once it ran or was cancelled. */
  readonly pending: boolean;
}

interface Entry extends ScheduledTask {
  dueMs: number;
  pending: boolean;
  order: number;
  run: () => void;
}

/** setTimeout takes at most 2^31-1 ms; a farther deadline re-arms on the way. */
const MAX_TIMER_MS = 0x7fffffff;

export class Scheduler {
  private heap: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private nextOrder = 0;
  private live = 0;
  private stopped = false;

  constructor(private readonly now: () => number = Date.now, private readonly onError: (e: unknown) => void = () => undefined) {}

  /** Tasks scheduled and neither run nor cancelled. */
  get size(): number {
    return this.live;
  }

  /** Runs `run` at `dueMs` (epoch ms) or as soon as possible after; tasks due together run in scheduling order. */
  at(dueMs: number, run: () => void): ScheduledTask {
    const entry: Entry = { dueMs, pending: true, order: this.nextOrder++, run };
    this.push(entry);
    this.live++;
    if (!this.stopped && dueMs < this.armedFor) this.arm();
    return entry;
  }

  after(delayMs: number, run: () => void): ScheduledTask {
    return this.at(this.now() + delayMs, run);
  }

  cancel(task: ScheduledTask | null | undefined): void {
    const entry = task as Entry | null | undefined;
    if (!entry || !entry.pending) return;
    entry.pending = false;
    this.live--;
    // Many dead entries: rebuild so that memory follows the live count.
    if (this.heap.length > 1024 && this.live * 2 < this.heap.length) this.compact();
  }

  /** Forgets every task (server shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const entry of this.heap) entry.pending = false;
    this.heap = [];
    this.live = 0;
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
    while (this.heap.length > 0 && !this.heap[0].pending) this.pop();
    if (this.heap.length === 0) return;
    const due = this.heap[0].dueMs;
    this.armedFor = due;
    this.timer = setTimeout(this.fire, Math.min(MAX_TIMER_MS, Math.max(0, due - this.now())));
    this.timer.unref?.();
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.now();
    while (this.heap.length > 0 && !this.stopped) {
      const top = this.heap[0];
      if (top.pending && top.dueMs > now) break;
      this.pop();
      if (!top.pending) continue;
      top.pending = false;
      this.live--;
      try {
        top.run();
      } catch (e) {
        this.onError(e);
      }
    }
    if (!this.stopped) this.arm();
  };

  private less(a: Entry, b: Entry): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(entry, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(heap[right], heap[left]) ? right : left;
      if (!this.less(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.pending);
    this.heap = [];
    for (const e of live) this.push(e);
  }
}
