/**
 * The node bus: one sharded Redis pub/sub channel per node (`sig:{n<node>}:bus`; SPUBLISH and
 * SSUBSCRIBE, so that on a Redis Cluster a message crosses only the master of that node's slot),
 * read by that node's one subscriber connection. Other nodes publish to it to kick a session of
 * that node or to deliver an event to one (or many) of its sessions; a delivery carries a
 * correlation id and the sender's node, and the owning node publishes the Delivery back once its
 * session has sequenced the event. A node consumes its channel in order, so the events one sender
 * publishes reach a session in the order sent.
 */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Logger } from '../logger';
import { Delivery, LOGGED_IN_ELSEWHERE, NotReading } from '../state/session-endpoint';
import { AnswerKind, BusMessage, BusRecipient, BusType, decodeBusMessage, encodeBusMessage, splitBusBatch } from './bus-codec';
import type { BusOutbox } from './bus-outbox';
import { isLate, MAX_WAIT_TIMEOUTS } from './command-deadlines';
import { nodeChannel } from './keys';
import { ClusterUnavailable, redisCall, RedisClient } from './redis-connection';
import type { SessionMover } from './session-mover';

/** What a node does with what other nodes send it: its own sessions only. */
export interface BusHandler {
  /** Delivers to the local session `sessionId` of (appId, account); false when it is not here. */
  deliverLocal(appId: string, account: string, sessionId: string, kind: number, fields: Uint8Array[]): Delivery;
  /** Delivers one event to the local sessions listed; answers how many took it. */
  deliverManyLocal(appId: string, recipients: readonly BusRecipient[], kind: number, fields: Uint8Array[]): number;
  /** Whether the session is one of this node's. */
  hasLocalSession(sessionId: string): boolean;
  /** Ends the local session `sessionId` with LOGGED_OUT(code, reason), if it is here. */
  kickLocal(sessionId: string, code: number, reason: string): void;
}

/** A delivery waiting for the owning node's answer. */
interface Pending {
  /** Takes the Delivery (deliver) or the count (deliverMany) the answer means. */
  resolve(value: Delivery | number): void;
  reject(e: Error): void;
  /** Whether it is a deliverMany, answered with a count. */
  many: boolean;
  node: string;
  sentMs: number;
}

type BusAnswer = { answer: AnswerKind; count: number; clause: string };

/** What an answer means to the one waiting (null: nobody listens on that node's channel). */
function meaning(p: Pending, a: BusAnswer | null): Delivery | number {
  if (p.many) return a === null ? 0 : a.count;
  return a === null ? false : a.answer === AnswerKind.Yes ? true : a.answer === AnswerKind.NotReading ? new NotReading(a.clause) : false;
}

export class NodeBus {
  /** In the order sent, which is the order of their deadlines (every delivery waits as long). */
  private readonly pending = new Map<number, Pending>();
  /** When each node last answered a delivery (the sweep's judge of a node that is slow, not gone). */
  private readonly lastAnswerMs = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private nextCorr = 1;
  private closed = false;
  /** Sessions moving between nodes (resume on another node): made after the bus. */
  private mover: SessionMover | null = null;

  /**
   * `subscriber` is this bus's own connection (a subscribed connection runs nothing else);
   * `outbox` publishes for every part of the node, on a connection shared with its other
   * commands. An answer later than `answerTimeoutMs` fails the delivery with ClusterUnavailable.
   */
  constructor(
    readonly nodeId: string,
    private readonly subscriber: RedisClient,
    private readonly outbox: BusOutbox,
    private readonly handler: BusHandler,
    private readonly logger: Logger,
    private readonly answerTimeoutMs: number,
    /** SPUBLISH counts the receivers: 0 means the node is gone. */
    private readonly publishCountsReceivers = true,
  ) {
    this.subscriber.on('smessageBuffer', (channel: Buffer, message: Buffer) => this.received(message));
  }

  setMover(mover: SessionMover): void {
    this.mover = mover;
  }

  /** The session moved away from this node or is moving here: deliveries for it go through the bus, which forwards or keeps them. */
  inTransit(sessionId: string): boolean {
    return this.mover?.inTransit(sessionId) ?? false;
  }

  /** A message handed back (it waited for a session moving here): handled as if just received. */
  redeliver(raw: Buffer): void {
    this.received(raw);
  }

  async start(): Promise<void> {
    await redisCall('subscribing to the node bus', () => this.subscriber.ssubscribe(nodeChannel(this.nodeId)));
  }

  /** Resolves with what the session `sessionId` on `node` made of the event. */
  deliver(node: string, appId: string, account: string, sessionId: string, kind: number, fields: Uint8Array[]): Promise<Delivery> {
    return this.request(node, false, { type: BusType.Deliver, corr: 0, from: this.nodeId, appId, account, sessionId, kind, fields }) as Promise<Delivery>;
  }

  /** Resolves with how many of the sessions on `node` took the event. */
  deliverMany(node: string, appId: string, recipients: BusRecipient[], kind: number, fields: Uint8Array[]): Promise<number> {
    return this.request(node, true, { type: BusType.DeliverMany, corr: 0, from: this.nodeId, appId, kind, fields, recipients }) as Promise<number>;
  }

  /** Ends the session `sessionId` on `node`: by default as for a login of its account elsewhere (103). */
  kick(node: string, sessionId: string, code: number = AGORA_E_CODE.LOGOUT_E_KICKED, reason = LOGGED_IN_ELSEWHERE): Promise<void> {
    return new Promise((resolve, reject) =>
      this.outbox.send(node, encodeBusMessage({ type: BusType.Kick, sessionId, code, reason }), (outcome) => (outcome instanceof Error ? reject(outcome) : resolve())),
    );
  }

  close(): void {
    this.closed = true;
    if (this.sweepTimer !== null) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new ClusterUnavailable('the node is shutting down'));
  }

  /**
   * Publishes `message` (through the outbox) and waits for its answer. One timer
   * for all of them rather than one each: a message crossing nodes should not cost a timer. An
   * answer later than answerTimeoutMs fails the delivery when that node has gone quiet (sweep).
   */
  private request(node: string, many: boolean, message: BusMessage & { corr: number }): Promise<Delivery | number> {
    if (this.closed) return Promise.reject(new ClusterUnavailable('the node is shutting down'));
    const corr = this.nextCorr;
    this.nextCorr = this.nextCorr >= 0xffffffff ? 1 : this.nextCorr + 1;
    message.corr = corr;
    return new Promise((resolve, reject) => {
      this.pending.set(corr, { resolve, reject, many, node, sentMs: Date.now() });
      if (this.sweepTimer === null) this.sweepTimer = setTimeout(this.sweepDue, this.sweepEveryMs);
      this.outbox.send(node, encodeBusMessage(message), this.requestPublished, corr);
    });
  }

  /** A request's publish went out (`corr`): it failed, or nobody listens on that node's channel. */
  private readonly requestPublished = (outcome: number | Error, corr: number): void => {
    if (outcome instanceof Error) {
      const p = this.pending.get(corr);
      if (p === undefined) return;
      this.pending.delete(corr);
      p.reject(outcome);
    } else if (outcome === 0 && this.publishCountsReceivers) {
      this.settle(corr, null);
    }
  };

  private get sweepEveryMs(): number {
    return Math.max(5, Math.ceil(this.answerTimeoutMs / 4));
  }

  /**
   * The sweep timer fired: the deliveries are checked after the sockets have been polled once more
   * (setImmediate), since Node runs expired timers before it reads what arrived meanwhile, and a
   * node busy for a while would otherwise fail deliveries whose answers are already here
   * (command-deadlines.ts says the same of Redis commands).
   */
  private readonly sweepDue = (): void => {
    setImmediate(this.sweep);
  };

  /**
   * Fails the deliveries whose answer is late; runs while any wait. Late means as for Redis
   * commands (command-deadlines.ts): past the answer timeout with nothing answered by that node
   * for as long, or past MAX_WAIT_TIMEOUTS timeouts whatever. A node busy with a storm answers
   * late but answers; failing its deliveries would tell their senders 1002 for messages their
   * peers got.
   */
  private readonly sweep = (): void => {
    this.sweepTimer = null;
    if (this.closed) return;
    const now = Date.now();
    for (const [corr, p] of this.pending) {
      const waitedMs = now - p.sentMs;
      if (waitedMs < this.answerTimeoutMs) break;
      const quietMs = now - (this.lastAnswerMs.get(p.node) ?? 0);
      if (!isLate(waitedMs, quietMs, this.answerTimeoutMs)) continue;
      const silent = quietMs >= this.answerTimeoutMs;
      this.pending.delete(corr);
      p.reject(
        new ClusterUnavailable(
          silent
            ? `node ${p.node} did not answer a delivery within ${this.answerTimeoutMs} ms`
            : `node ${p.node} did not answer a delivery within ${MAX_WAIT_TIMEOUTS * this.answerTimeoutMs} ms (it answered others)`,
        ),
      );
    }
    // Nodes not heard of for the longest wait no longer matter (node ids are new at every start).
    for (const [node, ms] of this.lastAnswerMs) if (now - ms > MAX_WAIT_TIMEOUTS * this.answerTimeoutMs) this.lastAnswerMs.delete(node);
    if (this.pending.size > 0) this.sweepTimer = setTimeout(this.sweepDue, this.sweepEveryMs);
  };

  private settle(corr: number, answer: BusAnswer | null): void {
    const p = this.pending.get(corr);
    if (p === undefined) return;
    this.pending.delete(corr);
    if (answer !== null) this.lastAnswerMs.set(p.node, Date.now());
    p.resolve(meaning(p, answer));
  }

  private received(received: Buffer): void {
    // One copy per publish, of which the messages and their fields are views: what a message
    // carries may outlive this call (an event a session keeps for a resume).
    const raw = Buffer.from(received);
    let parts: Buffer[] | null;
    try {
      parts = splitBusBatch(raw);
    } catch (e) {
      this.logger.error(`node bus: dropped a malformed batch: ${(e as Error).message}`);
      return;
    }
    if (parts === null) this.receivedOne(raw);
    else for (const part of parts) this.receivedOne(part);
  }

  private receivedOne(raw: Buffer): void {
    let m: BusMessage;
    try {
      m = decodeBusMessage(raw);
    } catch (e) {
      this.logger.error(`node bus: dropped a malformed message: ${(e as Error).message}`);
      return;
    }
    try {
      switch (m.type) {
        case BusType.Answer:
          this.settle(m.corr, m);
          return;
        case BusType.Kick:
          this.handler.kickLocal(m.sessionId, m.code, m.reason);
          return;
        case BusType.Migrate:
        case BusType.Migrated:
          this.mover?.handle(m);
          return;
        case BusType.Deliver: {
          if (this.mover !== null && this.directoryLacks(m.sessionId) && this.mover.intercept(m.sessionId, raw)) return;
          const d = this.handler.deliverLocal(m.appId, m.account, m.sessionId, m.kind, m.fields);
          const answer = d === true ? AnswerKind.Yes : d === false ? AnswerKind.No : AnswerKind.NotReading;
          this.answer(m.from, { type: BusType.Answer, corr: m.corr, answer, count: d === true ? 1 : 0, clause: d instanceof NotReading ? d.clause : '' });
          return;
        }
        case BusType.DeliverMany: {
          let recipients = m.recipients;
          const mover = this.mover;
          if (mover !== null) {
            // Members whose sessions moved (or are moving here) get their copy after the move.
            recipients = recipients.filter((r) => {
              if (!this.directoryLacks(r.sessionId)) return true;
              const single = encodeBusMessage({ type: BusType.DeliverMany, corr: 0, from: m.from, appId: m.appId, kind: m.kind, fields: m.fields, recipients: [r] });
              return !mover.intercept(r.sessionId, single);
            });
          }
          const count = this.handler.deliverManyLocal(m.appId, recipients, m.kind, m.fields);
          this.answer(m.from, { type: BusType.Answer, corr: m.corr, answer: count > 0 ? AnswerKind.Yes : AnswerKind.No, count, clause: '' });
          return;
        }
      }
    } catch (e) {
      this.logger.error(`node bus: handling a message failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  private directoryLacks(sessionId: string): boolean {
    return !this.handler.hasLocalSession(sessionId);
  }

  private answer(node: string, m: BusMessage): void {
    // corr 0: a copy forwarded for a moved session; its sender was answered for the original.
    if (m.type === BusType.Answer && m.corr === 0) return;
    // The sender times out on its own when this is lost; nothing here waits for it.
    this.outbox.send(node, encodeBusMessage(m), this.answerPublished);
  }

  private readonly answerPublished = (outcome: number | Error): void => {
    if (outcome instanceof Error) this.logger.warn(`node bus: answering another node failed: ${outcome.message}`);
  };
}
