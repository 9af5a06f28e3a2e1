/**
 * Delivers events to sessions anywhere in the cluster: to a session of this node directly (as the
 * in-memory router does), to one of another node through the node bus, resolving with that node's
 * Delivery once its session has sequenced the event (a p2p send is acknowledged only then).
 */
import { MemoryMessageRouter } from '../state/memory-message-router';
import type { MessageRouter, Recipient } from '../state/message-router';
import type { Delivery } from '../state/session-endpoint';
import type { BusHandler } from './node-bus';
import { NodeBus } from './node-bus';
import { nodeOfSession } from './node-id';
import type { RedisSessionDirectory } from './redis-session-directory';
import type { BusRecipient } from './bus-codec';

export class RedisMessageRouter implements MessageRouter, BusHandler {
  private readonly localRouter: MemoryMessageRouter;
  private bus: NodeBus | null = null;

  constructor(private readonly directory: RedisSessionDirectory) {
    this.localRouter = new MemoryMessageRouter(directory.local);
  }

  setBus(bus: NodeBus): void {
    this.bus = bus;
  }

  deliver(appId: string, account: string, kind: number, fields: Uint8Array[], sessionId?: string): Delivery | Promise<Delivery> {
    const here = this.directory.local.find(appId, account);
    if (here !== undefined && (sessionId === undefined || here.sessionId === sessionId)) return here.deliverEvent(kind, fields);
    if (sessionId !== undefined && nodeOfSession(sessionId) === null) return false;
    // A session moved away from this node (resumed elsewhere) is reached through the bus, which
    // forwards in order; any other is looked up, since a session id names the node it started on,
    // not the one it may have moved to.
    if (sessionId !== undefined && this.bus?.inTransit(sessionId)) return this.remote(this.directory.nodeId, appId, account, sessionId, kind, fields);
    const found = this.directory.lookup(appId, account);
    if (!(found instanceof Promise)) return false;
    return found.then((ref) => {
      if (ref === null || (sessionId !== undefined && ref.sessionId !== sessionId)) return false;
      if (ref.node === this.directory.nodeId && !this.bus?.inTransit(ref.sessionId)) return false;
      return this.remote(ref.node, appId, account, ref.sessionId, kind, fields);
    });
  }

  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): number | Promise<number> {
    const local: Recipient[] = [];
    const byNode = new Map<string, BusRecipient[]>();
    for (const r of recipients) {
      const node = r.endpoint !== undefined ? this.directory.nodeId : nodeOfSession(r.sessionId);
      if (node === null) continue;
      if (node === this.directory.nodeId) {
        local.push(r);
        continue;
      }
      let list = byNode.get(node);
      if (list === undefined) byNode.set(node, (list = []));
      list.push({ account: r.account, sessionId: r.sessionId });
    }
    const here = local.length > 0 ? this.localRouter.deliverToMany(appId, local, kind, fields) : 0;
    if (byNode.size === 0 || this.bus === null) return here;
    const bus = this.bus;
    return Promise.all([...byNode].map(([node, list]) => bus.deliverMany(node, appId, list, kind, fields).catch(() => 0))).then((counts) => counts.reduce((a, b) => a + b, here));
  }

  // --- BusHandler: what other nodes ask of this node's sessions -------------------------------

  deliverLocal(appId: string, account: string, sessionId: string, kind: number, fields: Uint8Array[]): Delivery {
    const session = this.directory.local.findSession(sessionId);
    if (session === undefined || session.appId !== appId || session.account !== account) return false;
    return session.deliverEvent(kind, fields);
  }

  deliverManyLocal(appId: string, recipients: readonly BusRecipient[], kind: number, fields: Uint8Array[]): number {
    return this.localRouter.deliverToMany(appId, recipients, kind, fields);
  }

  hasLocalSession(sessionId: string): boolean {
    return this.directory.local.findSession(sessionId) !== undefined;
  }

  kickLocal(sessionId: string): void {
    this.directory.kickLocal(sessionId);
  }

  private remote(node: string, appId: string, account: string, sessionId: string, kind: number, fields: Uint8Array[]): Promise<Delivery> {
    if (this.bus === null) return Promise.resolve(false);
    return this.bus.deliver(node, appId, account, sessionId, kind, fields);
  }
}
