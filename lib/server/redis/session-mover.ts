/**
 * Resume on another node: a client whose connection was cut may reconnect through the load
 * balancer to any node and RESUME there. That node asks the node holding the session to hand it
 * over on the node bus; the holder waits for a request being processed, points the account's
 * directory entry at the new node (compare-and-set, so a newer login wins), and publishes the
 * session's snapshot (sequences, unacknowledged frames, queued requests, channel). Nothing is lost
 * or sent twice in between:
 *  - until the entry moves, deliveries go to the old node, into the session, so into the snapshot;
 *  - deliveries that reach the old node after the hand-over are forwarded to the new node on the
 *    same connection that published the snapshot, so they arrive after it;
 *  - deliveries that reach the new node before the snapshot (senders that looked the entry up
 *    after it moved) wait there and are delivered once the session is restored.
 * A p2p sender is answered by the node that sequenced the message, so its ack still means taken.
 */
import type { Logger } from '../logger';
import type { SessionSnapshot } from '../session-snapshot';
import { decodeSessionSnapshot, encodeSessionSnapshot } from '../session-snapshot';
import { BusMessage, BusType, MigratedKind, MigratePhase, encodeBusMessage } from './bus-codec';
import type { BusOutbox } from './bus-outbox';
import { hex } from './keys';
import { MovedSessions } from './moved-sessions';
import { nodeOfSession } from './node-id';
import type { SessionEndpoint } from '../state/session-endpoint';

/** What the mover needs of a session of this node. */
export interface MovableSession extends SessionEndpoint {
  readonly ended: boolean;
  /** latin1 channel name, or null. */
  readonly joinedChannel: string | null;
  resumeProblem(lastSeq: number): string | null;
  whenIdle(): Promise<void>;
  handOver(lastSeq: number, channelPosition?: number): SessionSnapshot;
}

/** What the mover needs of this node's server. */
export interface MigrationHost {
  localSession(sessionId: string): MovableSession | undefined;
  /** Forgets a session handed over, without ending it (its channel and entry stay). */
  forgetMovedSession(session: MovableSession): void;
  /** Takes in a session from another node, detached until its client's RESUME binds it (and into its channel from the snapshot's position). */
  adoptSession(snapshot: SessionSnapshot): MovableSession;
  /** The channel's events are about to be this node's to give the session (ChannelBroker.expect). */
  expectChannel(appId: string, channel: string, sessionId: string): Promise<void>;
  /** The session did not come after all (ChannelBroker.remove). */
  cancelChannel(appId: string, channel: string, sessionId: string): void;
  /** Every channel event published so far has been delivered here (ChannelBroker.settle). */
  settleChannels(): Promise<void>;
  /** The session's channel events stop here; answers the last one it was given (ChannelBroker.handOff). */
  handOffChannel(session: MovableSession): number;
}

/** The directory's part in a move. */
export interface MovingDirectory {
  /** Points the session's entry at `toNode`; false when a newer login replaced it. */
  moveTo(session: SessionEndpoint, toNode: string): Promise<boolean>;
  /** This node's sessions, which the router reaches without Redis. */
  readonly local: { register(session: SessionEndpoint): void; unregister(session: SessionEndpoint): void };
}

export type MigrationOutcome = { ok: true } | { ok: false; problem: string };

/** A session moved more often than this while one RESUME looks for it is not chased further. */
const MAX_HOPS = 4;

type Answer = MigrationOutcome | { movedTo: string } | { channel: string };

interface PendingMove {
  resolve(outcome: Answer): void;
  timer: NodeJS.Timeout;
  sessionId: string;
}

export class SessionMover {
  private host: MigrationHost | null = null;
  /** Sessions handed over, and where they went. */
  private readonly moved = new MovedSessions();
  /** Sessions asked for: what reached this node for them before their snapshot. */
  private readonly incoming = new Map<string, Buffer[]>();
  private readonly pending = new Map<number, PendingMove>();
  private nextCorr = 1;

  constructor(
    private readonly nodeId: string,
    private readonly directory: MovingDirectory,
    private readonly outbox: BusOutbox,
    private readonly logger: Logger,
    private readonly answerTimeoutMs: number,
    /** Hands a raw bus message back to the bus as if just received (deliveries that waited). */
    private readonly redeliver: (raw: Buffer) => void,
    /** On a single Redis, PUBLISH counts the receivers: 0 means the node is gone. */
    private readonly publishCountsReceivers: boolean,
  ) {}

  attach(host: MigrationHost): void {
    this.host = host;
  }

  /**
   * What the bus does with a message for `sessionId` that is not a session of this node: forwards
   * it (the session moved on), keeps it (the session is on its way here), or leaves it (false).
   */
  intercept(sessionId: string, raw: Buffer): boolean {
    const waiting = this.incoming.get(sessionId);
    if (waiting !== undefined) {
      // A copy: `raw` may be a view into a received batch, which it should not keep alive.
      waiting.push(Buffer.from(raw));
      return true;
    }
    const movedTo = this.moved.nodeOf(sessionId);
    if (movedTo === undefined) return false;
    this.publish(movedTo, raw);
    return true;
  }

  /** Whether this node handed the session over or waits for it: deliveries for it go through the bus. */
  inTransit(sessionId: string): boolean {
    return this.moved.has(sessionId) || this.incoming.has(sessionId);
  }

  /**
   * Brings the session here from the node holding it; resolves once it is a local session. Two
   * steps when it is in a channel: first its channel, so that this node subscribes to it before
   * the session leaves the other node; then the hand-over, with the number of the last channel
   * event the other node gave it, from which this node goes on.
   */
  async bringHere(sessionId: string, lastSeq: number): Promise<MigrationOutcome> {
    // A session id names the node it started on; one that left this node is where it went.
    let node = this.moved.nodeOf(sessionId) ?? nodeOfSession(sessionId);
    if (node === null) return { ok: false, problem: 'unknown session (not a session id of this cluster)' };
    if (this.incoming.has(sessionId)) return { ok: false, problem: 'the session is already being resumed on this server' };
    this.incoming.set(sessionId, []);
    let expected: { appId: string; channel: string } | null = null;
    try {
      for (let hop = 0; hop < MAX_HOPS; hop++) {
        if (node === this.nodeId) node = this.moved.nodeOf(sessionId) ?? null;
        if (node === null) return { ok: false, problem: 'unknown session (the resume window is over or the server restarted)' };
        const prepared = await this.ask(node, sessionId, lastSeq, MigratePhase.Prepare, '');
        if ('movedTo' in prepared) {
          node = prepared.movedTo;
          continue;
        }
        if (!('channel' in prepared)) return prepared;
        const [appHex, channelHex] = prepared.channel.split(' ');
        if (channelHex !== undefined && this.host !== null) {
          expected = { appId: Buffer.from(appHex, 'hex').toString('latin1'), channel: Buffer.from(channelHex, 'hex').toString('latin1') };
          await this.host.expectChannel(expected.appId, expected.channel, sessionId);
        }
        const committed = await this.ask(node, sessionId, lastSeq, MigratePhase.Commit, prepared.channel);
        if ('movedTo' in committed || 'channel' in committed) return { ok: false, problem: 'the session moved while being resumed here; resume again' };
        // Admitted with the session, unless it left its channel meanwhile (then cancelled below).
        if (committed.ok && expected !== null && this.host?.localSession(sessionId)?.joinedChannel === expected.channel) expected = null;
        return committed;
      }
      return { ok: false, problem: `the session moved more than ${MAX_HOPS} times while being looked for` };
    } finally {
      if (expected !== null) this.host?.cancelChannel(expected.appId, expected.channel, sessionId);
      // Whatever waited is delivered now: to the session if it came, else answered as not here.
      const waited = this.incoming.get(sessionId) ?? [];
      this.incoming.delete(sessionId);
      for (const raw of waited) this.redeliver(raw);
    }
  }

  /** The bus received Migrate or Migrated. */
  handle(m: BusMessage): void {
    if (m.type === BusType.Migrate) {
      this.handOver(m.corr, m.from, m.sessionId, m.lastSeq, m.phase, m.channel).catch((e: unknown) => {
        this.logger.error(`handing session ${m.sessionId} over to node ${m.from} failed: ${(e as Error)?.stack ?? String(e)}`);
        this.answer(m.from, m.corr, MigratedKind.Problem, 'the server holding the session failed to hand it over');
      });
    } else if (m.type === BusType.Migrated) {
      this.received(m.corr, m.kind, m.text, m.snapshot);
    }
  }

  close(): void {
    for (const [corr, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, problem: 'this server is shutting down' });
      this.pending.delete(corr);
    }
  }

  private ask(node: string, sessionId: string, lastSeq: number, phase: MigratePhase, channel: string): Promise<Answer> {
    const corr = this.nextCorr;
    this.nextCorr = this.nextCorr >= 0xffffffff ? 1 : this.nextCorr + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(corr);
        resolve({ ok: false, problem: `the server holding the session (node ${node}) did not answer within ${this.answerTimeoutMs} ms` });
      }, this.answerTimeoutMs);
      this.pending.set(corr, { resolve, timer, sessionId });
      const gone = (): void => {
        if (!this.pending.delete(corr)) return;
        clearTimeout(timer);
        resolve({ ok: false, problem: 'unknown session (the server that held it is gone; log in again)' });
      };
      this.outbox.send(node, encodeBusMessage({ type: BusType.Migrate, corr, from: this.nodeId, sessionId, lastSeq, phase, channel }), (outcome) => {
        if (outcome instanceof Error) {
          this.logger.warn(`node bus: asking node ${node} for a session failed: ${outcome.message}`);
          gone();
        } else if (outcome === 0 && this.publishCountsReceivers) {
          gone();
        }
      });
    });
  }

  /** Runs on the node holding the session. */
  private async handOver(corr: number, toNode: string, sessionId: string, lastSeq: number, phase: MigratePhase, channel: string): Promise<void> {
    const host = this.host;
    const session = host?.localSession(sessionId);
    if (host === null || session === undefined) {
      const movedTo = this.moved.nodeOf(sessionId);
      if (movedTo !== undefined) this.answer(toNode, corr, MigratedKind.MovedTo, movedTo);
      else this.answer(toNode, corr, MigratedKind.Problem, 'unknown session (the resume window is over or the server restarted)');
      return;
    }
    const early = session.resumeProblem(lastSeq);
    if (early !== null) {
      this.answer(toNode, corr, MigratedKind.Problem, early);
      return;
    }
    const channelNow = session.joinedChannel === null ? '' : `${hex(session.appId)} ${hex(session.joinedChannel)}`;
    if (phase === MigratePhase.Prepare) {
      this.answer(toNode, corr, MigratedKind.Prepared, channelNow);
      return;
    }
    await session.whenIdle();
    if (session.ended) {
      this.answer(toNode, corr, MigratedKind.Problem, 'the session ended');
      return;
    }
    // Deliveries meanwhile still reach the session here: they are in the snapshot.
    if (!(await this.directory.moveTo(session, toNode)) || session.ended) {
      this.answer(toNode, corr, MigratedKind.Problem, 'the session ended or its account logged in again');
      return;
    }
    // The other node subscribed to the channel before asking: once every event published until
    // now is delivered here, the rest is that node's.
    if (session.joinedChannel !== null) await host.settleChannels();
    await session.whenIdle();
    if (session.ended) {
      this.answer(toNode, corr, MigratedKind.Problem, 'the session ended');
      return;
    }
    // Its channel may only have ended meanwhile (a leave the server made); then nothing carries on.
    const channelThen = session.joinedChannel === null ? '' : `${hex(session.appId)} ${hex(session.joinedChannel)}`;
    // From here to the publish nothing yields: whatever reaches this node for the session later
    // is forwarded after the snapshot, on the same connection.
    const position = channelThen !== '' && channelThen === channel ? host.handOffChannel(session) : 0;
    const snapshot = session.handOver(lastSeq, position);
    host.forgetMovedSession(session);
    this.directory.local.unregister(session);
    this.moved.set(sessionId, toNode);
    this.answer(toNode, corr, MigratedKind.Snapshot, '', encodeSessionSnapshot(snapshot));
    this.logger.info(`session ${sessionId.slice(0, 8)}: handed over to node ${toNode} (resumed there after seq ${lastSeq})`);
  }

  /** Runs on the node the client resumed on. */
  private received(corr: number, kind: MigratedKind, text: string, raw: Uint8Array): void {
    const pending = this.pending.get(corr);
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      this.pending.delete(corr);
    }
    if (kind === MigratedKind.Snapshot) {
      let snapshot: SessionSnapshot;
      try {
        snapshot = decodeSessionSnapshot(Buffer.from(raw.buffer, raw.byteOffset, raw.length));
      } catch (e) {
        this.logger.error(`a session snapshot could not be read: ${(e as Error).message}`);
        pending?.resolve({ ok: false, problem: 'the session could not be moved to this server' });
        return;
      }
      // Taken in even when the RESUME gave up waiting: the entry points here now, and the client
      // may resume again within the window.
      const host = this.host;
      this.moved.delete(snapshot.sessionId);
      if (host !== null) this.directory.local.register(host.adoptSession(snapshot));
      // What waited for it is delivered now, before anything the bus reads after this.
      const waited = this.incoming.get(snapshot.sessionId);
      if (waited !== undefined) {
        this.incoming.delete(snapshot.sessionId);
        for (const w of waited) this.redeliver(w);
      }
      pending?.resolve({ ok: true });
      return;
    }
    if (kind === MigratedKind.MovedTo) pending?.resolve({ movedTo: text });
    else if (kind === MigratedKind.Prepared) pending?.resolve({ channel: text });
    else pending?.resolve({ ok: false, problem: text });
  }

  private answer(node: string, corr: number, kind: MigratedKind, text: string, snapshot: Uint8Array = new Uint8Array(0)): void {
    this.publish(node, encodeBusMessage({ type: BusType.Migrated, corr, kind, text, snapshot }));
  }

  private publish(node: string, raw: Buffer): void {
    this.outbox.send(node, raw, (outcome) => {
      if (outcome instanceof Error) this.logger.warn(`node bus: publishing to node ${node} failed: ${outcome.message}`);
    });
  }
}
