/**
 * Deadlines shared by every node: a sorted set (score: due time, epoch ms) polled by one timer per
 * node. A node claims what is due by pushing its score a lease into the future in one script, so
 * at any moment one node works on a deadline; the member is removed once its handler is done. A
 * node that dies holding a claim delays the deadline by the lease, and another node takes it then.
 * Handlers must stay correct when two nodes run them for one member (a claim outlived by a slow
 * handler): the stores make the removal they act on one atomic script, so only one of them acts.
 *
 * Members start with `<dueMs>:`, so a handler's 'retry' (the thing it expires is not there yet,
 * or is being removed by someone else) gives up once the deadline is `staleAfterMs` old.
 */
import type { RedisClient } from './redis-connection';
import { RedisScript, text } from './redis-script';

/** done: remove the member; retry: leave it for a later claim. */
export type DeadlineOutcome = 'done' | 'retry';

export interface DeadlinePollerOptions {
  /** Between two polls when nothing was due (default 100 ms). */
  intervalMs?: number;
  /** How long a claim keeps other nodes off a deadline (default 10 s). */
  leaseMs?: number;
  /** Deadlines claimed by one poll (default 200); a full batch polls again at once. */
  batch?: number;
  /** A deadline this old whose handler still answers 'retry' is dropped (default 60 s). */
  staleAfterMs?: number;
  /** Told of Redis errors (the poller keeps polling). */
  onError?: (e: unknown) => void;
  now?: () => number;
}

const CLAIM = new RedisScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
`);

export function deadlineMember(dueMs: number, rest: string): string {
  return `${dueMs}:${rest}`;
}

export class DeadlinePoller {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    /** `rest` is the member without its `<dueMs>:` prefix. */
    private readonly handle: (rest: string, dueMs: number, member: string) => Promise<DeadlineOutcome>,
    private readonly options: DeadlinePollerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.batch = options.batch ?? 200;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Claims and handles what is due now; answers how many were claimed. */
  async pollOnce(): Promise<number> {
    const now = this.now();
    const claimed = ((await CLAIM.run(this.client, [this.key], [now, now + this.leaseMs, this.batch])) as unknown[]).map(text);
    const finished: string[] = [];
    // One after another, in deadline order: what expires in order is reported in order.
    for (const member of claimed) {
      const colon = member.indexOf(':');
      const dueMs = Number(member.slice(0, colon));
      let outcome: DeadlineOutcome = 'retry';
      try {
        outcome = await this.handle(member.slice(colon + 1), dueMs, member);
      } catch (e) {
        this.options.onError?.(e);
      }
      if (outcome === 'done' || now - dueMs > this.staleAfterMs) finished.push(member);
    }
    if (finished.length > 0) await this.client.zrem(this.key, ...finished);
    return claimed.length;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pollOnce().then(
        (n) => this.schedule(n >= this.batch ? 0 : this.intervalMs),
        (e) => {
          this.options.onError?.(e);
          this.schedule(this.intervalMs);
        },
      );
    }, delayMs);
    this.timer.unref?.();
  }
}
