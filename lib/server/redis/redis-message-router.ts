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
import { userKey } from '../state/user-key';
import { nodeOfSession } from './node-id';
import { DeliveryStart, OrderedDeliveries, Way } from './ordered-deliveries';
import type { RedisSessionDirectory } from './redis-session-directory';
import type { BusRecipient } from './bus-codec';

/**
 * Where remote accounts were last found, so that a message to a known peer costs no lookup: an
 * entry that has gone stale is harmless, since the node it names answers false for a session it
 * does not hold (or not for that account), and the router then looks the account up afresh.
 */
class Locations {
  private readonly map = new Map<string, { node: string; sessionId: string }>();
  constructor(private readonly max: number) {}
  /** `key`: userKey(appId, account). */
  get(key: string): { node: string; sessionId: string } | undefined {
    return this.map.get(key);
  }
  set(key: string, where: { node: string; sessionId: string }): void {
    this.map.delete(key);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, where);
  }
  forget(key: string): void {
    this.map.delete(key);
  }
}

/** One delivery as OrderedDeliveries takes it: no closures per message. */
class RouterDelivery implements DeliveryStart {
  constructor(
    private readonly router: RedisMessageRouter,
    readonly key: string,
    readonly appId: string,
    readonly account: string,
    readonly kind: number,
    readonly fields: Uint8Array[],
    readonly sessionId: string | undefined,
  ) {}
  way(): Way {
    return this.router.wayOf(this);
  }
  start(): Delivery | Promise<Delivery> {
    return this.router.deliverNow(this);
  }
}

export class RedisMessageRouter implements MessageRouter, BusHandler {
  private readonly localRouter: MemoryMessageRouter;
  private readonly locations: Locations;
  private bus: NodeBus | null = null;
  private readonly ordered = new OrderedDeliveries();

  constructor(
    private readonly directory: RedisSessionDirectory,
    cachedLocations = 100_000,
  ) {
    this.localRouter = new MemoryMessageRouter(directory.local);
    this.locations = new Locations(cachedLocations);
  }

  setBus(bus: NodeBus): void {
    this.bus = bus;
  }

  /** In the order called, per account, though they overlap (ordered-deliveries.ts). */
  deliver(appId: string, account: string, kind: number, fields: Uint8Array[], sessionId?: string): Delivery | Promise<Delivery> {
    const key = userKey(appId, account);
    return this.ordered.deliver(key, new RouterDelivery(this, key, appId, account, kind, fields, sessionId));
  }

  /** How `d` would go now (OrderedDeliveries): by the cached place of a remote account, else not known. */
  wayOf(d: RouterDelivery): Way {
    if (d.sessionId !== undefined || this.directory.local.find(d.appId, d.account) !== undefined) return null;
    return this.locations.get(d.key) ?? null;
  }

  deliverNow(d: RouterDelivery): Delivery | Promise<Delivery> {
    const { appId, account, kind, fields, sessionId } = d;
    const here = this.directory.local.find(appId, account);
    if (here !== undefined && (sessionId === undefined || here.sessionId === sessionId)) return here.deliverEvent(kind, fields);
    if (sessionId !== undefined) {
      if (nodeOfSession(sessionId) === null) return false;
      // A session moved away from this node (resumed elsewhere), or moving here, is reached through
      // the bus, which forwards or keeps in order; any other is looked up, since a session id names
      // the node it started on, not the one it may have moved to.
      if (this.bus?.inTransit(sessionId)) return this.remote(this.directory.nodeId, appId, account, sessionId, kind, fields);
      return this.lookUpAndDeliver(appId, account, kind, fields, sessionId);
    }
    const known = this.locations.get(d.key);
    if (known === undefined) return this.lookUpAndDeliver(appId, account, kind, fields);
    return this.remote(known.node, appId, account, known.sessionId, kind, fields).then((delivered) => {
      if (delivered !== false) return delivered;
      this.locations.forget(d.key);
      return this.lookUpAndDeliver(appId, account, kind, fields);
    });
  }

  private lookUpAndDeliver(appId: string, account: string, kind: number, fields: Uint8Array[], sessionId?: string): Delivery | Promise<Delivery> {
    const found = this.directory.lookup(appId, account);
    if (!(found instanceof Promise)) {
      // Registered here meanwhile.
      const here = this.directory.local.find(appId, account);
      return here === undefined || (sessionId !== undefined && here.sessionId !== sessionId) ? false : here.deliverEvent(kind, fields);
    }
    return found.then((ref) => {
      if (ref === null || (sessionId !== undefined && ref.sessionId !== sessionId)) return false;
      if (ref.node === this.directory.nodeId) {
        if (this.bus?.inTransit(ref.sessionId)) return this.remote(this.directory.nodeId, appId, account, ref.sessionId, kind, fields);
        return this.directory.local.findSession(ref.sessionId)?.deliverEvent(kind, fields) ?? false;
      }
      if (sessionId === undefined) this.locations.set(userKey(appId, account), { node: ref.node, sessionId: ref.sessionId });
      return this.remote(ref.node, appId, account, ref.sessionId, kind, fields);
    });
  }

  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): number | Promise<number> {
    const local: Recipient[] = [];
    const byNode = new Map<string, BusRecipient[]>();
    for (const r of recipients) {
      // By the session id, not by the endpoint: a store shared by nodes may hand out another node's.
      const node = nodeOfSession(r.sessionId) ?? (r.endpoint !== undefined ? this.directory.nodeId : null);
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

  kickLocal(sessionId: string, code: number, reason: string): void {
    this.directory.kickLocal(sessionId, code, reason);
  }

  private remote(node: string, appId: string, account: string, sessionId: string, kind: number, fields: Uint8Array[]): Promise<Delivery> {
    if (this.bus === null) return Promise.resolve(false);
    return this.bus.deliver(node, appId, account, sessionId, kind, fields);
  }
}
