/**
 * The server's memory budget: one account of the bytes that clients can make the server keep,
 * by category, against one server-wide total (`memoryBudgetBytes`). Each store still has bounds
 * of its own (per channel, per account, per App ID); the budget is what stops many of them,
 * each within its own bounds, from adding up past what the machine has.
 *
 * Charges are estimates of what is held (payload bytes plus a fixed overhead per entry), made by
 * the code that holds it: cheap enough for the message path, and counted in real bytes, not in
 * whatever larger buffer a view happens to pin.
 */

/** What the bytes are held for. */
export type BudgetCategory =
  /** Channel attributes (names and values). */
  | 'channelAttrs'
  /** User attributes (names and values), of online and offline accounts. */
  | 'userAttrs'
  /** Messages held for offline peers. */
  | 'heldMessages'
  /** RESULT and EVENT frames kept until their client acknowledges them. */
  | 'keptFrames'
  /** Requests received and not processed yet. */
  | 'queuedRequests'
  /** Bytes read from sockets that do not form a whole frame yet. */
  | 'inputBuffers';

export const BUDGET_CATEGORIES: readonly BudgetCategory[] = ['channelAttrs', 'userAttrs', 'heldMessages', 'keptFrames', 'queuedRequests', 'inputBuffers'];

export interface BudgetSnapshot {
  /** The server-wide bound (0 = no bound). */
  limitBytes: number;
  usedBytes: number;
  /** The highest `usedBytes` since the server started. */
  peakBytes: number;
  byCategory: Record<BudgetCategory, number>;
  /** Charges refused because they would have passed the bound, by category. */
  refusals: Record<BudgetCategory, number>;
}

function zeroes(): Record<BudgetCategory, number> {
  return { channelAttrs: 0, userAttrs: 0, heldMessages: 0, keptFrames: 0, queuedRequests: 0, inputBuffers: 0 };
}

export class MemoryBudget {
  private used = 0;
  private peak = 0;
  private readonly byCategory = zeroes();
  private readonly refused = zeroes();

  /** `limitBytes` 0 means no bound (the account is still kept). */
  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get peakBytes(): number {
    return this.peak;
  }

  /** Bytes left before the bound (Infinity without one). */
  get freeBytes(): number {
    return this.limitBytes === 0 ? Infinity : Math.max(0, this.limitBytes - this.used);
  }

  /** Whether `bytes` more would still be within the bound. */
  fits(bytes: number): boolean {
    return this.limitBytes === 0 || this.used + bytes <= this.limitBytes;
  }

  /**
   * Charges `bytes` to `category` if the total stays within the bound; else charges nothing,
   * counts the refusal and answers false.
   */
  tryCharge(category: BudgetCategory, bytes: number): boolean {
    if (!this.fits(bytes)) {
      this.refused[category]++;
      return false;
    }
    this.charge(category, bytes);
    return true;
  }

  /**
   * Charges without asking: for bytes the server must take whatever the total (frames it already
   * promised to keep). Callers that can refuse use tryCharge.
   */
  charge(category: BudgetCategory, bytes: number): void {
    this.used += bytes;
    this.byCategory[category] += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }

  /** Gives back what an earlier charge took. */
  release(category: BudgetCategory, bytes: number): void {
    this.used -= bytes;
    this.byCategory[category] -= bytes;
  }

  /** Counts a refusal that a store decided on its own bound (for the figures). */
  countRefusal(category: BudgetCategory): void {
    this.refused[category]++;
  }

  snapshot(): BudgetSnapshot {
    return {
      limitBytes: this.limitBytes,
      usedBytes: this.used,
      peakBytes: this.peak,
      byCategory: { ...this.byCategory },
      refusals: { ...this.refused },
    };
  }
}
