import type { ChannelBroker } from './channel-broker';
import type { ChannelMember, ChannelStore } from './channel-store';
import { then, MaybePromise } from './maybe-promise';
import type { MessageRouter } from './message-router';

/** The members except one session (the joiner, who is told by its own sequence). */
function* except(members: Iterable<ChannelMember>, sessionId: string): Generator<ChannelMember> {
  for (const m of members) if (m.sessionId !== sessionId) yield m;
}

/**
 * The broker of a single process: the store's members are this process's sessions, so
 * publishing is one fan-out over the store's member view (a live view in the in-memory store: no
 * copy) through the router, which encodes the event once and hands each member session the same
 * PreparedEvent. No index of its own is needed, so expect, admit and remove have nothing to do.
 */
export class MemoryChannelBroker implements ChannelBroker {
  constructor(private readonly store: ChannelStore, private readonly router: MessageRouter) {}

  expect(): void {}

  admit(): void {}

  remove(): void {}

  publish(appId: string, channel: string, kind: number, fields: Uint8Array[], exceptSessionId?: string): MaybePromise<void> {
    return then(this.store.members(appId, channel), (members) =>
      then(this.router.deliverToMany(appId, exceptSessionId === undefined ? members : except(members, exceptSessionId), kind, fields), () => undefined),
    );
  }

  close(): void {}
}
