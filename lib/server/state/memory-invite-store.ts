import type { ScheduledTask, Scheduler } from './scheduler';
import type { Invitation, InviteExpiry, InviteHolder, InviteStore, InviteStoreListener } from './invite-store';
import { userKey } from './user-key';

interface Entry {
  invitation: Invitation;
  key: string;
  /** Making order, for answers that list the oldest first. */
  order: number;
  answerTask: ScheduledTask | null;
  offlineTask: ScheduledTask | null;
}

function inviteKey(appId: string, channel: string, caller: string, callee: string): string {
  return `${userKey(appId, channel)}${caller.length}:${caller}${callee}`;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

/** Invitations in this process's memory; both deadlines of each are entries of the shared Scheduler. */
export class MemoryInviteStore implements InviteStore {
  /** By id, in the order they were made (Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, string>();
  private readonly bySession = new Map<string, Set<string>>();
  private readonly waiting = new Map<string, Set<string>>();
  private listener: InviteStoreListener | null = null;
  private nextOrder = 0;

  constructor(private readonly scheduler: Scheduler) {}

  get count(): number {
    return this.entries.size;
  }

  countOf(appId: string): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.invitation.appId === appId) n++;
    return n;
  }

  setListener(listener: InviteStoreListener): void {
    this.listener = listener;
  }

  add(invitation: Invitation): Invitation | null {
    const key = inviteKey(invitation.appId, invitation.channel, invitation.caller.account, invitation.callee);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return this.entries.get(existing)!.invitation;
    const kept: Invitation = { ...invitation, state: 'waiting', holder: null };
    const id = kept.id;
    const entry: Entry = {
      invitation: kept,
      key,
      order: this.nextOrder++,
      answerTask: this.scheduler.at(kept.answerDeadlineMs, () => this.expire(id, 'timeout')),
      offlineTask: this.scheduler.at(kept.offlineDeadlineMs, () => this.expire(id, 'offline')),
    };
    this.entries.set(id, entry);
    this.byKey.set(key, id);
    addTo(this.bySession, kept.caller.sessionId, id);
    addTo(this.waiting, userKey(kept.appId, kept.target), id);
    return null;
  }

  find(appId: string, channel: string, caller: string, callee: string): Invitation | null {
    const id = this.byKey.get(inviteKey(appId, channel, caller, callee));
    return id === undefined ? null : this.entries.get(id)!.invitation;
  }

  ofSession(sessionId: string): readonly Invitation[] {
    return this.list(this.bySession.get(sessionId));
  }

  waitingFor(appId: string, account: string): readonly Invitation[] {
    return this.list(this.waiting.get(userKey(appId, account)));
  }

  ring(id: string, holder: InviteHolder): Invitation | null {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.invitation.state !== 'waiting') return null;
    this.scheduler.cancel(entry.offlineTask);
    entry.offlineTask = null;
    removeFrom(this.waiting, userKey(entry.invitation.appId, entry.invitation.target), id);
    entry.invitation = { ...entry.invitation, state: 'ringing', holder: { sessionId: holder.sessionId, uid: holder.uid } };
    addTo(this.bySession, holder.sessionId, id);
    return entry.invitation;
  }

  accept(id: string): Invitation | null {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.invitation.state !== 'ringing') return null;
    this.scheduler.cancel(entry.answerTask);
    entry.answerTask = null;
    entry.invitation = { ...entry.invitation, state: 'accepted' };
    return entry.invitation;
  }

  remove(id: string): Invitation | null {
    const entry = this.entries.get(id);
    if (entry === undefined) return null;
    const { invitation } = entry;
    this.scheduler.cancel(entry.answerTask);
    this.scheduler.cancel(entry.offlineTask);
    this.entries.delete(id);
    this.byKey.delete(entry.key);
    removeFrom(this.bySession, invitation.caller.sessionId, id);
    if (invitation.holder !== null) removeFrom(this.bySession, invitation.holder.sessionId, id);
    removeFrom(this.waiting, userKey(invitation.appId, invitation.target), id);
    return invitation;
  }

  close(): void {
    for (const entry of this.entries.values()) {
      this.scheduler.cancel(entry.answerTask);
      this.scheduler.cancel(entry.offlineTask);
    }
    this.entries.clear();
    this.byKey.clear();
    this.bySession.clear();
    this.waiting.clear();
  }

  private list(ids: Set<string> | undefined): Invitation[] {
    if (ids === undefined) return [];
    const found: Entry[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry !== undefined) found.push(entry);
    }
    // A session's set gets an invitation when it is made or when it rings: sort back to making order.
    return found.sort((a, b) => a.order - b.order).map((e) => e.invitation);
  }

  private expire(id: string, why: InviteExpiry): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    if (why === 'offline' && entry.invitation.state !== 'waiting') return;
    const gone = this.remove(id);
    if (gone !== null) this.listener?.expired(gone, why);
  }
}
