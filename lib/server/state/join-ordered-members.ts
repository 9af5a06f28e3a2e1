import type { ChannelMember } from './channel-store';
import type { SessionEndpoint } from './session-endpoint';

/**
 * A member as one in-memory channel keeps it: the member's fields plus a link to the member who
 * joined just before, so that the most recent members are a walk back from the newest. The links
 * live on the entry itself so that the Map's own values are the members (iterating them for a
 * fan-out needs neither a copy nor a generator).
 */
class LinkedMember implements ChannelMember {
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  readonly uidBytes: Uint8Array;
  readonly sessionId: string;
  readonly endpoint: SessionEndpoint | undefined;
  older: LinkedMember | null = null;
  newer: LinkedMember | null = null;

  constructor(member: ChannelMember) {
    this.account = member.account;
    this.accountBytes = member.accountBytes;
    this.uid = member.uid;
    this.uidBytes = member.uidBytes;
    this.sessionId = member.sessionId;
    this.endpoint = member.endpoint;
  }
}

/**
 * The members of one channel in join order, one per account: add, remove and look up in O(1),
 * the `k` most recent in O(k), every member without a copy. A Map iterates in insertion order and
 * a rejoin is a delete and a set, so the Map's order is the join order.
 */
export class JoinOrderedMembers {
  private readonly byAccount = new Map<string, LinkedMember>();
  private newest: LinkedMember | null = null;

  get size(): number {
    return this.byAccount.size;
  }

  get(account: string): ChannelMember | undefined {
    return this.byAccount.get(account);
  }

  has(account: string): boolean {
    return this.byAccount.has(account);
  }

  /** Adds the member as the newest; an earlier entry of the same account gives way. */
  add(member: ChannelMember): void {
    this.remove(member.account);
    const entry = new LinkedMember(member);
    entry.older = this.newest;
    if (this.newest !== null) this.newest.newer = entry;
    this.newest = entry;
    this.byAccount.set(member.account, entry);
  }

  /** Removes the account's entry; answers it, or undefined when there was none. */
  remove(account: string): ChannelMember | undefined {
    const entry = this.byAccount.get(account);
    if (entry === undefined) return undefined;
    this.byAccount.delete(account);
    if (entry.older !== null) entry.older.newer = entry.newer;
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = null;
    return entry;
  }

  /**
   * Every member in join order, as a live view: a member who leaves during the iteration is
   * skipped (Map iteration allows deletes). Consume it at once, before any await.
   */
  values(): IterableIterator<ChannelMember> {
    return this.byAccount.values();
  }

  /** The `limit` most recent members, oldest first. */
  recent(limit: number): ChannelMember[] {
    const list: ChannelMember[] = [];
    for (let entry = this.newest; entry !== null && list.length < limit; entry = entry.older) list.push(entry);
    return list.reverse();
  }
}
