/**
 * The soak's accounting: every message the soak sends, what the server answered, and what each
 * receiving session got, so that the end of a run can say exactly how many messages were lost,
 * duplicated or reordered (docs/reliability.md, "Accounting").
 *
 * A body carries its sender, its receiver, the sender's sequence number and a checksum of the rest,
 * so a receiver checks it on its own. A message is *acknowledged* when its sender got RESULT 0. An
 * acknowledged peer-to-peer message must reach its receiver exactly once, in order per sender, unless
 * the receiving session that took it ended (resume window over, kicked, ...): then it was *dropped
 * with the session*. The ledger decides which session may have taken a message from evidence the
 * clients see, not from server internals:
 *
 * - the server numbers serverMsgIds in the order it processes messages (one counter per process),
 *   and an account has one session at a time, so a session that received serverMsgIds a and b held
 *   the account for every message numbered between them;
 * - a message sent after a session's LOGIN_OK reached its client was processed by that session or
 *   a later one.
 *
 * An acknowledged message not received counts as dropped with the session only when some session
 * that ended may, by those two rules, have been the one that took it; otherwise it is lost. A login
 * that needed more than one connection may have left sessions its client never heard of (LOGIN
 * processed, LOGIN_OK cut off); such a login counts as an ended session just before the new one.
 *
 * Channel messages go to every member; a member must get, exactly once and in order, every
 * acknowledged message of its channel numbered between two it got in the same session (its
 * membership cannot have had a hole there: members leave only when their session ends).
 */

export type MessageKind = 'p2p' | 'channel';

export interface SentMessage {
  readonly kind: MessageKind;
  readonly from: string;
  /** The receiving account, or the channel name. */
  readonly to: string;
  readonly seq: number;
  /** performance.now() when the request was made. */
  readonly sentAt: number;
  state: 'pending' | 'acked' | 'refused' | 'abandoned';
  code?: number;
  serverMsgId?: number;
  /**
   * The sender's session ended while the request was unanswered. Clients no longer re-send such a
   * message (it fails with 401): a second copy of it is a duplicate like any other.
   */
  resentAfterSenderSessionEnd: boolean;
}

interface Reception {
  readonly kind: MessageKind;
  readonly from: string;
  readonly seq: number;
  readonly serverMsgId: number;
  readonly epoch: number;
  readonly channel: string;
}

/** One session of a receiving account, as its client saw it. */
interface Epoch {
  readonly startedAt: number;
  ended: boolean;
  /** Lowest and highest serverMsgId received in this session (any kind). */
  lo: number;
  hi: number;
  /** The same per channel. */
  channelRange: Map<string, { lo: number; hi: number }>;
}

export interface KindFigures {
  sent: number;
  acknowledged: number;
  refused: Record<string, number>;
  /** The sender's session ended with the request unanswered and the client dropped it. */
  abandoned: number;
  /** Still unanswered at the end. */
  pending: number;
  /** Acknowledged messages received (peer-to-peer), or receptions (channel). */
  delivered: number;
  droppedWithSession: number;
  lost: number;
  duplicated: number;
  /** Of `duplicated`: copies of a message whose sender's session ended before its RESULT (a re-send). */
  resentCopies: number;
  /** Received although the sender never got RESULT 0 (its session ended first, or the re-sent copy was refused). */
  deliveredUnacknowledged: number;
  outOfOrder: number;
  corrupted: number;
}

export interface LedgerFigures {
  p2p: KindFigures;
  /** The part of `p2p` addressed to the account given to figures() (the slow reader). */
  p2pTo: { account: string; acknowledged: number; delivered: number; droppedWithSession: number; lost: number };
  channel: KindFigures & { expectedDeliveries: number };
  /** Receiving sessions that ended (including logins that may have left a session behind). */
  sessionsEnded: number;
}

const MAGIC = 'soak1';

/** FNV-1a, 32 bits: enough to see a changed or cut body. */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function messageBody(kind: MessageKind, from: string, to: string, seq: number, padBytes: number): string {
  const head = `${MAGIC}|${kind}|${from}|${to}|${seq}|${'x'.repeat(padBytes)}`;
  return `${head}|${checksum(head)}`;
}

interface ParsedBody {
  kind: MessageKind;
  from: string;
  to: string;
  seq: number;
}

export function parseBody(body: string): ParsedBody | null {
  const cut = body.lastIndexOf('|');
  if (cut < 0 || checksum(body.slice(0, cut)) !== body.slice(cut + 1)) return null;
  const [magic, kind, from, to, seq] = body.slice(0, cut).split('|');
  if (magic !== MAGIC || (kind !== 'p2p' && kind !== 'channel')) return null;
  return { kind, from, to, seq: Number(seq) };
}

function emptyFigures(): KindFigures {
  return {
    sent: 0,
    acknowledged: 0,
    refused: {},
    abandoned: 0,
    pending: 0,
    delivered: 0,
    droppedWithSession: 0,
    lost: 0,
    duplicated: 0,
    resentCopies: 0,
    deliveredUnacknowledged: 0,
    outOfOrder: 0,
    corrupted: 0,
  };
}

export class SoakLedger {
  private readonly sent: SentMessage[] = [];
  private readonly outstanding = new Map<string, Set<SentMessage>>();
  private readonly nextSeq = new Map<string, number>();
  private readonly receptions = new Map<string, Reception[]>();
  private readonly epochs = new Map<string, Epoch[]>();
  private readonly corrupted = { p2p: 0, channel: 0 };
  private readonly strings = new Map<string, string>();
  /** Receptions that do not name this receiver (p2p) or its channel. */
  misdelivered = 0;
  /** Running totals for progress lines (figures() is the exact account). */
  readonly totals = { sent: 0, acknowledged: 0, received: 0 };

  /** Records a new message and returns its body. */
  send(kind: MessageKind, from: string, to: string, padBytes: number, now: number): { message: SentMessage; body: string } {
    const seq = (this.nextSeq.get(from) ?? 0) + 1;
    this.nextSeq.set(from, seq);
    const message: SentMessage = { kind, from, to, seq, sentAt: now, state: 'pending', resentAfterSenderSessionEnd: false };
    this.sent.push(message);
    this.totals.sent++;
    let set = this.outstanding.get(from);
    if (set === undefined) this.outstanding.set(from, (set = new Set()));
    set.add(message);
    return { message, body: messageBody(kind, from, to, seq, padBytes) };
  }

  answered(message: SentMessage, code: number, serverMsgId: number | undefined): void {
    if (message.state !== 'pending') return;
    this.outstanding.get(message.from)?.delete(message);
    message.code = code;
    if (code === 0) {
      message.state = 'acked';
      this.totals.acknowledged++;
      message.serverMsgId = serverMsgId;
    } else {
      message.state = 'refused';
    }
  }

  /** Unanswered requests of `from`: how many the client still holds. */
  pendingOf(from: string): number {
    return this.outstanding.get(from)?.size ?? 0;
  }

  /** The sender's session ended (RESUME_FAIL): its unanswered requests may be re-sent (not messages it wrote). */
  senderSessionEnded(from: string): void {
    for (const m of this.outstanding.get(from) ?? []) m.resentAfterSenderSessionEnd = true;
  }

  /** The sender's client is logged out: it dropped its unanswered requests without a RESULT. */
  senderLoggedOut(from: string): void {
    const set = this.outstanding.get(from);
    if (set === undefined) return;
    for (const m of set) m.state = 'abandoned';
    set.clear();
  }

  /** A receiving session started (LOGIN_OK); `phantomBefore`: the login may have left a session behind. */
  sessionStarted(account: string, now: number, phantomBefore: boolean): void {
    let list = this.epochs.get(account);
    if (list === undefined) this.epochs.set(account, (list = []));
    if (phantomBefore) list.push(newEpoch(now, true));
    list.push(newEpoch(now, false));
  }

  /** The receiving session of `account` is over (its client saw RESUME_FAIL or LOGGED_OUT). */
  sessionEnded(account: string): void {
    const list = this.epochs.get(account);
    if (list !== undefined && list.length > 0) list[list.length - 1].ended = true;
  }

  /** A message arrived at `account`'s current session. */
  received(account: string, kind: MessageKind, channel: string, senderAccount: string, body: string, serverMsgId: number): void {
    const parsed = parseBody(body);
    if (parsed === null || parsed.kind !== kind || parsed.from !== senderAccount) {
      this.corrupted[kind]++;
      return;
    }
    if (kind === 'p2p' ? parsed.to !== account : parsed.to !== channel) {
      this.misdelivered++;
      return;
    }
    const list = this.epochs.get(account);
    if (list === undefined || list.length === 0) throw new Error(`${account} received before any session started`);
    const epochIndex = list.length - 1;
    const epoch = list[epochIndex];
    epoch.lo = Math.min(epoch.lo, serverMsgId);
    epoch.hi = Math.max(epoch.hi, serverMsgId);
    if (kind === 'channel') {
      const range = epoch.channelRange.get(channel);
      if (range === undefined) epoch.channelRange.set(channel, { lo: serverMsgId, hi: serverMsgId });
      else {
        range.lo = Math.min(range.lo, serverMsgId);
        range.hi = Math.max(range.hi, serverMsgId);
      }
    }
    let receptions = this.receptions.get(account);
    if (receptions === undefined) this.receptions.set(account, (receptions = []));
    this.totals.received++;
    receptions.push({ kind, from: this.intern(parsed.from), seq: parsed.seq, serverMsgId, epoch: epochIndex, channel: this.intern(channel) });
  }

  get sessionsEnded(): number {
    let n = 0;
    for (const list of this.epochs.values()) for (const e of list) if (e.ended) n++;
    return n;
  }

  /** The figures of the run so far (call once traffic has settled). */
  figures(focus = ''): LedgerFigures {
    const p2p = emptyFigures();
    const p2pTo = { account: focus, acknowledged: 0, delivered: 0, droppedWithSession: 0, lost: 0 };
    const channel = { ...emptyFigures(), expectedDeliveries: 0 };
    p2p.corrupted = this.corrupted.p2p;
    channel.corrupted = this.corrupted.channel;
    for (const m of this.sent) {
      const f = m.kind === 'p2p' ? p2p : channel;
      f.sent++;
      if (m.state === 'acked') f.acknowledged++;
      else if (m.state === 'refused') f.refused[String(m.code)] = (f.refused[String(m.code)] ?? 0) + 1;
      else if (m.state === 'abandoned') f.abandoned++;
      else f.pending++;
    }

    const byId = new Map<string, SentMessage>();
    const byChannel = new Map<string, SentMessage[]>();
    for (const m of this.sent) {
      byId.set(`${m.kind} ${m.from} ${m.seq}`, m);
      if (m.kind !== 'channel' || m.state !== 'acked') continue;
      let list = byChannel.get(m.to);
      if (list === undefined) byChannel.set(m.to, (list = []));
      list.push(m);
    }

    // One receiver at a time (a long run keeps millions of channel receptions): copies of each
    // (kind, sender, seq), order per (kind, sender) in arrival order, and the channel messages it
    // had to get. Peer-to-peer copies are kept for the pass over what was sent.
    const p2pCopies = new Map<string, number>();
    for (const [receiver, epochs] of this.epochs) {
      const list = this.receptions.get(receiver) ?? [];
      const copies = new Map<string, number>();
      const highest = new Map<string, number>();
      const gotInEpoch = new Set<string>();
      for (const r of list) {
        const k = `${r.kind} ${r.from} ${r.seq}`;
        const n = (copies.get(k) ?? 0) + 1;
        copies.set(k, n);
        if (r.kind === 'channel') gotInEpoch.add(`${r.epoch} ${r.from} ${r.seq}`);
        if (n > 1) continue;
        const pair = `${r.kind} ${r.from}`;
        if (r.seq < (highest.get(pair) ?? 0)) (r.kind === 'p2p' ? p2p : channel).outOfOrder++;
        else highest.set(pair, r.seq);
      }
      for (const [k, n] of copies) {
        if (k.startsWith('p2p ')) {
          p2pCopies.set(`${receiver} ${k}`, n);
          continue;
        }
        channel.delivered += n;
        const m = byId.get(k);
        if (m === undefined) {
          channel.corrupted++;
          continue;
        }
        if (m.state !== 'acked') channel.deliveredUnacknowledged++;
        if (n > 1) this.countExtraCopies(channel, m, n - 1);
      }
      // Channels: every member gets what was numbered between two messages it got in one session.
      epochs.forEach((epoch, index) => {
        for (const [name, range] of epoch.channelRange) {
          for (const m of byChannel.get(name) ?? []) {
            if (m.serverMsgId === undefined || m.serverMsgId < range.lo || m.serverMsgId > range.hi) continue;
            channel.expectedDeliveries++;
            if (!gotInEpoch.has(`${index} ${m.from} ${m.seq}`)) channel.lost++;
          }
        }
      });
    }

    // Peer to peer: each acknowledged message once at its receiver, or dropped with an ended session.
    for (const m of this.sent) {
      if (m.kind !== 'p2p') continue;
      const n = p2pCopies.get(`${m.to} p2p ${m.from} ${m.seq}`) ?? 0;
      if (m.state !== 'acked') {
        if (n > 0) p2p.deliveredUnacknowledged++;
        if (n > 1) this.countExtraCopies(p2p, m, n - 1);
        continue;
      }
      const focused = m.to === focus;
      if (focused) p2pTo.acknowledged++;
      if (n > 0) {
        p2p.delivered++;
        if (focused) p2pTo.delivered++;
        if (n > 1) this.countExtraCopies(p2p, m, n - 1);
      } else if (this.mayHaveGoneToEndedSession(m)) {
        p2p.droppedWithSession++;
        if (focused) p2pTo.droppedWithSession++;
      } else {
        p2p.lost++;
        if (focused) p2pTo.lost++;
      }
    }
    return { p2p, p2pTo, channel, sessionsEnded: this.sessionsEnded };
  }

  /** One string per account and channel name: a long run keeps millions of receptions. */
  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private countExtraCopies(f: KindFigures, m: SentMessage, extra: number): void {
    // A message is never delivered twice, re-sent or not; re-sent copies are named apart to tell the cause.
    f.duplicated += extra;
    if (m.resentAfterSenderSessionEnd) f.resentCopies += extra;
  }

  /** Whether a session of the receiver that ended may have been the one that took `m`. */
  private mayHaveGoneToEndedSession(m: SentMessage): boolean {
    const list = this.epochs.get(m.to) ?? [];
    const id = m.serverMsgId ?? 0;
    for (let k = 0; k < list.length; k++) {
      if (!list[k].ended) continue;
      if (this.couldHaveTaken(list, k, id, m.sentAt)) return true;
    }
    return false;
  }

  private couldHaveTaken(list: Epoch[], k: number, id: number, sentAt: number): boolean {
    // Sent after the next session's LOGIN_OK: processed by that session or a later one.
    if (k + 1 < list.length && list[k + 1].startedAt < sentAt) return false;
    // A later session got a smaller id: the account had moved past session k when `id` was processed.
    for (let j = k + 1; j < list.length; j++) if (list[j].lo < id) return false;
    // An earlier session got a larger id: the account had not reached session k yet.
    for (let j = 0; j < k; j++) if (list[j].hi > id) return false;
    return true;
  }
}

function newEpoch(startedAt: number, ended: boolean): Epoch {
  return { startedAt, ended, lo: Infinity, hi: -Infinity, channelRange: new Map() };
}
