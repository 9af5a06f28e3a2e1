/**
 * Cluster-unique ids without a Redis command per id: a node reserves a block of `blockSize`
 * consecutive numbers with one INCRBY on a shared counter and hands them out one by one, reserving
 * the next block while half of the current one is left. Ids of different nodes never collide;
 * their order across nodes means nothing (as for any id handed out by several machines).
 */
import { counterKey } from './keys';
import { ClusterUnavailable, RedisClient } from './redis-connection';

export class IdBlocks {
  private next = 0;
  private end = 0;
  /** The block reserved ahead, or null. */
  private spare: { start: number; end: number } | null = null;
  private refilling = false;

  /**
   * `wrap`: ids run 1..wrap, then again from 1 (uids are 32-bit and never 0); the counter itself
   * keeps growing, so ids repeat only after `wrap` of them were handed out cluster-wide.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly what: string,
    private readonly blockSize: number,
    private readonly wrap = Number.MAX_SAFE_INTEGER,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Reserves the first block; the node does not serve before it has one. */
  async start(): Promise<void> {
    const block = await this.reserve();
    this.next = block.start;
    this.end = block.end;
  }

  /** The next id; throws ClusterUnavailable when both blocks ran out while Redis could not be reached. */
  take(): number {
    if (this.next >= this.end) {
      if (this.spare === null) {
        this.refill();
        throw new ClusterUnavailable(`no ${this.what} ids left in this node's reserved blocks`);
      }
      this.next = this.spare.start;
      this.end = this.spare.end;
      this.spare = null;
    }
    const n = this.next++;
    if (this.spare === null && this.end - this.next < this.blockSize / 2) this.refill();
    return ((n - 1) % this.wrap) + 1;
  }

  private refill(): void {
    if (this.refilling) return;
    this.refilling = true;
    this.reserve().then(
      (block) => {
        this.refilling = false;
        this.spare = block;
      },
      (e: unknown) => {
        this.refilling = false;
        this.onError(e);
      },
    );
  }

  /** [start, end): INCRBY answers the last number of the block. */
  private async reserve(): Promise<{ start: number; end: number }> {
    const last = await this.redis.incrby(counterKey(this.what), this.blockSize);
    return { start: last - this.blockSize + 1, end: last + 1 };
  }
}
