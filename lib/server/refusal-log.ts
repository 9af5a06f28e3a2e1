/**
 * Log lines for connections the server refuses or closes in bulk (over a connection limit, no
 * LOGIN in time): at most one summary line a second, with counts by reason and one example, so a
 * flood of connections cannot fill the disk with a line each.
 */
import type { Logger } from './logger';

const SUMMARY_MS = 1000;

export class RefusalLog {
  private readonly counts = new Map<string, number>();
  /** Every refusal since the server started, by reason (for /metrics; never cleared). */
  readonly totals = new Map<string, number>();
  private example = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly logger: Logger) {}

  /** One refused or closed connection: `reason` groups it, `who` may be the example of the line. */
  note(reason: string, who: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1);
    if (this.example === '') this.example = who;
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), SUMMARY_MS);
      this.timer.unref();
    }
  }

  /** Writes the pending summary now (the timer, or the server closing). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) return;
    let total = 0;
    const parts: string[] = [];
    for (const [reason, count] of this.counts) {
      total += count;
      parts.push(`${count} ${reason}`);
    }
    this.logger.warn(`refused or closed ${total} connection${total === 1 ? '' : 's'}: ${parts.join(', ')} (e.g. ${this.example})`);
    this.counts.clear();
    this.example = '';
  }
}
