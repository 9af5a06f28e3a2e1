// The invitations of one session, found again by what the core's invitation callbacks name: the
// channel and the other party.

interface Entry<T> {
  channel: string;
  peer: string;
  outgoing: boolean;
  call: T;
}

export class CallRegistry<T> {
  private entries: Entry<T>[] = [];

  add(channel: string, peer: string, outgoing: boolean, call: T): void {
    this.entries.push({ channel, peer, outgoing, call });
  }

  /**
   * The oldest live invitation with that channel and other party: one this user made when
   * `outgoing` is true, received when false, either (made first) when undefined.
   */
  find(channel: string, peer: string, outgoing?: boolean): T | undefined {
    const match = (e: Entry<T>, out: boolean): boolean => e.channel === channel && e.peer === peer && e.outgoing === out;
    if (outgoing !== undefined) return this.entries.find((e) => match(e, outgoing))?.call;
    return (this.entries.find((e) => match(e, true)) ?? this.entries.find((e) => match(e, false)))?.call;
  }

  /** The newest invitation this user made with that channel and callee (the one a 701 refers to). */
  findNewestOutgoing(channel: string, peer: string): T | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.outgoing && e.channel === channel && e.peer === peer) return e.call;
    }
    return undefined;
  }

  remove(call: T): void {
    this.entries = this.entries.filter((e) => e.call !== call);
  }

  clear(): void {
    this.entries = [];
  }
}
