/**
 * Stores that answer every call a few milliseconds later, with a promise, as a networked store
 * does: the contract suites run against them to show callers do not rely on synchronous answers.
 */
import type { MaybePromise } from '../../lib/server/state/maybe-promise';
import type { Invitation, InviteHolder, InviteStore, InviteStoreListener } from '../../lib/server/state/invite-store';
import type { HeldMessage, OfflineMessageListener, OfflineMessageStore } from '../../lib/server/state/offline-message-store';
import type { Refusal } from '../../lib/server/state/channel-store';
import type { UserAttr, UserAttrStore } from '../../lib/server/state/user-attr-store';

function later<T>(call: () => MaybePromise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 2 + Math.floor(Math.random() * 4))).then(call);
}

export class SlowUserAttrStore implements UserAttrStore {
  constructor(private readonly inner: UserAttrStore) {}
  set(appId: string, account: string, name: string, value: Uint8Array): Promise<Refusal | null> {
    const copy = value.slice();
    return later(() => this.inner.set(appId, account, name, copy));
  }
  get(appId: string, account: string, name: string): Promise<Uint8Array | undefined> {
    return later(() => this.inner.get(appId, account, name));
  }
  getAll(appId: string, account: string): Promise<readonly UserAttr[]> {
    return later(() => this.inner.getAll(appId, account));
  }
}

export class SlowOfflineMessageStore implements OfflineMessageStore {
  constructor(private readonly inner: OfflineMessageStore) {}
  setListener(listener: OfflineMessageListener): void {
    this.inner.setListener(listener);
  }
  hold(appId: string, account: string, message: HeldMessage): Promise<Refusal | null | 'online'> {
    return later(() => this.inner.hold(appId, account, message));
  }
  takeAll(appId: string, account: string): Promise<readonly HeldMessage[]> {
    return later(() => this.inner.takeAll(appId, account));
  }
  close(): void {
    this.inner.close();
  }
}

export class SlowInviteStore implements InviteStore {
  constructor(private readonly inner: InviteStore) {}
  get count(): number {
    return this.inner.count;
  }
  countOf(appId: string): number {
    return this.inner.countOf(appId);
  }
  setListener(listener: InviteStoreListener): void {
    this.inner.setListener(listener);
  }
  add(invitation: Invitation): Promise<Invitation | null> {
    return later(() => this.inner.add(invitation));
  }
  find(appId: string, channel: string, caller: string, callee: string): Promise<Invitation | null> {
    return later(() => this.inner.find(appId, channel, caller, callee));
  }
  ofSession(sessionId: string): Promise<readonly Invitation[]> {
    return later(() => this.inner.ofSession(sessionId));
  }
  waitingFor(appId: string, account: string): Promise<readonly Invitation[]> {
    return later(() => this.inner.waitingFor(appId, account));
  }
  ring(id: string, holder: InviteHolder): Promise<Invitation | null> {
    return later(() => this.inner.ring(id, holder));
  }
  accept(id: string): Promise<Invitation | null> {
    return later(() => this.inner.accept(id));
  }
  remove(id: string): Promise<Invitation | null> {
    return later(() => this.inner.remove(id));
  }
  close(): void {
    this.inner.close();
  }
}
