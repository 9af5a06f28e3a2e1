/**
 * The sessions a node handed over to other nodes (their clients resumed there), and where each
 * went: what still reaches this node for one of them is forwarded there, and a RESUME that asks
 * this node for it is told where it is. An entry is kept an hour (TOMBSTONE_MS), and at most
 * MAX_MOVED_SESSIONS entries are kept: a client that moves sessions from node to node faster than
 * that only makes the oldest entries go early (what reaches this node for those is then answered
 * "not here", and its sender looks the account up again).
 */
export const TOMBSTONE_MS = 60 * 60 * 1000;
export const MAX_MOVED_SESSIONS = 100_000;

export class MovedSessions {
  /** In the order handed over, so the oldest come first. */
  private readonly entries = new Map<string, { node: string; atMs: number }>();

  constructor(
    private readonly max = MAX_MOVED_SESSIONS,
    private readonly keepMs = TOMBSTONE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Where the session went, while its entry lasts. */
  nodeOf(sessionId: string): string | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    if (this.now() - entry.atMs > this.keepMs) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.node;
  }

  has(sessionId: string): boolean {
    return this.nodeOf(sessionId) !== undefined;
  }

  set(sessionId: string, node: string): void {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { node, atMs: this.now() });
    this.prune();
  }

  /** The session came back here. */
  delete(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  /** Drops the entries past their hour, and the oldest past the count bound. */
  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.max && now - entry.atMs <= this.keepMs) break;
      this.entries.delete(id);
    }
  }
}
