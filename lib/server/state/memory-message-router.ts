import { PreparedEvent } from './prepared-event';
import type { MemorySessionDirectory } from './memory-session-directory';
import type { MessageRouter, Recipient } from './message-router';
import type { Delivery } from './session-endpoint';

/** Delivers straight to the local session found in the in-memory directory. */
export class MemoryMessageRouter implements MessageRouter {
  constructor(private readonly directory: MemorySessionDirectory) {}

  deliver(appId: string, account: string, kind: number, fields: Uint8Array[], sessionId?: string): Delivery {
    const session = this.directory.find(appId, account);
    if (session === undefined || (sessionId !== undefined && session.sessionId !== sessionId)) return false;
    return session.deliverEvent(kind, fields);
  }

  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): number {
    let event: PreparedEvent | null = null;
    let delivered = 0;
    for (const recipient of recipients) {
      const session = recipient.endpoint ?? this.directory.findSession(recipient.sessionId);
      if (session === undefined || session.sessionId !== recipient.sessionId || session.account !== recipient.account || session.appId !== appId) continue;
      event ??= new PreparedEvent(kind, fields);
      if (session.deliverPrepared(event)) delivered++;
    }
    return delivered;
  }
}
