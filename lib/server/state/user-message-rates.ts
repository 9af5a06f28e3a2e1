/**
 * How many messages each user sent in the current second, counted on the node that holds the
 * user's session. An account has one session in the whole cluster (a second login ends the
 * first), so this count is the cluster-wide one without a round trip to a shared store; a session
 * that moves to another node (its client resumed there) starts that second's count afresh.
 */
import { userKey } from './user-key';

export class UserMessageRates {
  private second = -1;
  /** Counts of `second` only: one clear at the next second replaces per-user expiry. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one message of the user unless `limit` are counted this second already (false: refused). */
  take(appId: string, account: string, limit: number): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.counts.clear();
      this.second = second;
    }
    const user = userKey(appId, account);
    const sent = this.counts.get(user) ?? 0;
    if (sent >= limit) return false;
    this.counts.set(user, sent + 1);
    return true;
  }

  /** Gives back a message counted this second that was not sent after all (the channel refused it). */
  giveBack(appId: string, account: string): void {
    if (Math.floor(this.now() / 1000) !== this.second) return;
    const user = userKey(appId, account);
    const sent = this.counts.get(user);
    if (sent === undefined) return;
    if (sent <= 1) this.counts.delete(user);
    else this.counts.set(user, sent - 1);
  }
}
