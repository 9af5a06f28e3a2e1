/**
 * Keeps the order of the deliveries to one account (MessageRouter.deliver) while they overlap: a
 * sender's p2p sends start without waiting for the answers to the ones before. A delivery goes at
 * once when it takes the way the deliveries still under way to that account took (the same node:
 * that node takes the bus's messages in order). One that would take another way (this node's own
 * session, another node, or a lookup first) waits until every earlier one is answered, since its
 * way might be the faster: a session that just moved here from the node the earlier ones went to
 * gets those forwarded after, and a delivery to it here would overtake them.
 */
import type { Delivery } from '../state/session-endpoint';

/** How a delivery would go now: to this node's session, to a node, or not known without a lookup. */
export type Way = { readonly node: string } | null;

/** What the router gives for one delivery. */
export interface DeliveryStart {
  /** The way it would take if started now. */
  way(): Way;
  /** Starts it; a promise while another node answers. */
  start(): Delivery | Promise<Delivery>;
}

interface Queued {
  readonly delivery: DeliveryStart;
  resolve(d: Delivery): void;
  reject(e: unknown): void;
}

class AccountDeliveries {
  /** Where the deliveries under way went (null: different ways, or not known). */
  node: string | null = null;
  underWay = 0;
  readonly queue: Queued[] = [];
}

export class OrderedDeliveries {
  private readonly accounts = new Map<string, AccountDeliveries>();

  /** Deliveries waiting or under way, for all accounts (tests, metrics). */
  get accountCount(): number {
    return this.accounts.size;
  }

  deliver(key: string, delivery: DeliveryStart): Delivery | Promise<Delivery> {
    const account = this.accounts.get(key);
    if (account !== undefined && (account.queue.length > 0 || !this.sameWay(account, delivery))) {
      return new Promise<Delivery>((resolve, reject) => account.queue.push({ delivery, resolve, reject }));
    }
    return this.start(key, account, delivery);
  }

  private sameWay(account: AccountDeliveries, delivery: DeliveryStart): boolean {
    if (account.node === null) return false;
    const way = delivery.way();
    return way !== null && way.node === account.node;
  }

  /** Starts `delivery`; one answered later is counted under way for its account. */
  private start(key: string, account: AccountDeliveries | undefined, delivery: DeliveryStart): Delivery | Promise<Delivery> {
    const started = delivery.start();
    if (!(started instanceof Promise)) return started;
    let under = account;
    if (under === undefined) this.accounts.set(key, (under = new AccountDeliveries()));
    return this.underWay(key, under, delivery, started);
  }

  /** `delivery` went (`started`); its way is known now if it went by a known node. */
  private underWay(key: string, account: AccountDeliveries, delivery: DeliveryStart, started: Promise<Delivery>): Promise<Delivery> {
    const way = delivery.way();
    if (account.underWay === 0) account.node = way?.node ?? null;
    else if (account.node !== (way?.node ?? null)) account.node = null;
    account.underWay++;
    const done = (): void => {
      account.underWay--;
      this.next(key, account);
    };
    started.then(done, done);
    return started;
  }

  /** Starts what waited and may go now. */
  private next(key: string, account: AccountDeliveries): void {
    while (account.queue.length > 0) {
      const head = account.queue[0];
      if (account.underWay > 0 && !this.sameWay(account, head.delivery)) return;
      account.queue.shift();
      let started: Delivery | Promise<Delivery>;
      try {
        started = this.start(key, account, head.delivery);
      } catch (e) {
        head.reject(e);
        continue;
      }
      if (started instanceof Promise) started.then(head.resolve, head.reject);
      else head.resolve(started);
    }
    if (account.underWay === 0) this.accounts.delete(key);
  }
}
