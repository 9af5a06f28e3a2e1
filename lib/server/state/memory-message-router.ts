import type { MemorySessionDirectory } from './memory-session-directory';
import type { MessageRouter } from './message-router';

/** Delivers straight to the local session found in the in-memory directory. */
export class MemoryMessageRouter implements MessageRouter {
  constructor(private readonly directory: MemorySessionDirectory) {}

  deliver(appId: string, account: string, kind: number, fields: Uint8Array[]): boolean {
    const session = this.directory.find(appId, account);
    return session !== undefined && session.deliverEvent(kind, fields);
  }
}
