/**
 * The binary form of the messages nodes publish to each other on the node bus (node-bus.ts):
 * fields are byte strings, so they travel as length-prefixed bytes rather than as JSON text.
 */
export const enum BusType {
  Deliver = 1,
  DeliverMany = 2,
  Answer = 3,
  Kick = 4,
  /** Hand a session over to the asking node (its client resumed there). */
  Migrate = 5,
  /** The answer to Migrate: the session's snapshot, why not, or the node it moved to. */
  Migrated = 6,
  /** Several of the above for one node, in order (bus-outbox.ts): u32 count, then each as bytes. */
  Batch = 7,
}

/** What a Migrated answer is. */
export const enum MigratedKind {
  Snapshot = 0,
  Problem = 1,
  MovedTo = 2,
  /** Phase one answered: text is `<appId hex> <channel hex>` of the session's channel, or empty. */
  Prepared = 3,
}

/** Phase one: tell me the session's channel; phase two: hand it over. */
export const enum MigratePhase {
  Prepare = 0,
  Commit = 1,
}

/** Answer values: what a Delivery was. */
export const enum AnswerKind {
  No = 0,
  Yes = 1,
  NotReading = 2,
}

export interface BusRecipient {
  readonly account: string;
  readonly sessionId: string;
}

export type BusMessage =
  | { type: BusType.Deliver; corr: number; from: string; appId: string; account: string; sessionId: string; kind: number; fields: Uint8Array[] }
  | { type: BusType.DeliverMany; corr: number; from: string; appId: string; kind: number; fields: Uint8Array[]; recipients: BusRecipient[] }
  | { type: BusType.Answer; corr: number; answer: AnswerKind; count: number; clause: string }
  /** code and reason: the LOGGED_OUT the session's client hears (103 for a login elsewhere). */
  | { type: BusType.Kick; sessionId: string; code: number; reason: string }
  | { type: BusType.Migrate; corr: number; from: string; sessionId: string; lastSeq: number; phase: MigratePhase; channel: string }
  /** text: the problem, or the node moved to; snapshot: encoded (session-snapshot.ts), or empty. */
  | { type: BusType.Migrated; corr: number; kind: MigratedKind; text: string; snapshot: Uint8Array };

/** Writes into one buffer that grows by doubling: one allocation for most messages. */
class Writer {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;
  u8(v: number): this {
    this.room(1);
    this.buf[this.at++] = v;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.at);
    this.at += 4;
    return this;
  }
  bytes(v: Uint8Array): this {
    this.u32(v.length);
    this.room(v.length);
    this.buf.set(v, this.at);
    this.at += v.length;
    return this;
  }
  /** latin1 keys (App IDs, accounts) and ASCII ids: one byte per character. */
  text(v: string, encoding: BufferEncoding = 'latin1'): this {
    const n = encoding === 'latin1' ? v.length : Buffer.byteLength(v, encoding);
    this.u32(n);
    this.room(n);
    this.at += this.buf.write(v, this.at, n, encoding);
    return this;
  }
  fields(v: Uint8Array[]): this {
    this.u32(v.length);
    for (const f of v) this.bytes(f);
    return this;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** Reads a message held in a buffer of its own: its fields are views into it. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const view = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.at, n);
    this.at += n;
    return view;
  }
  text(encoding: BufferEncoding = 'latin1'): string {
    const n = this.u32();
    this.need(n);
    const v = this.buf.toString(encoding, this.at, this.at + n);
    this.at += n;
    return v;
  }
  fields(): Uint8Array[] {
    const n = this.u32();
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(this.bytes());
    return out;
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error(`bus message truncated at byte ${this.at}`);
  }
}

export function encodeBusMessage(m: BusMessage): Buffer {
  const w = new Writer().u8(m.type);
  switch (m.type) {
    case BusType.Deliver:
      return w.u32(m.corr).text(m.from).text(m.appId).text(m.account).text(m.sessionId).u32(m.kind).fields(m.fields).done();
    case BusType.DeliverMany:
      w.u32(m.corr).text(m.from).text(m.appId).u32(m.kind).fields(m.fields).u32(m.recipients.length);
      for (const r of m.recipients) w.text(r.account).text(r.sessionId);
      return w.done();
    case BusType.Answer:
      return w.u32(m.corr).u8(m.answer).u32(m.count).text(m.clause, 'utf8').done();
    case BusType.Kick:
      return w.text(m.sessionId).u32(m.code).text(m.reason, 'utf8').done();
    case BusType.Migrate:
      // lastSeq as text: it may pass 32 bits.
      return w.u32(m.corr).text(m.from).text(m.sessionId).text(String(m.lastSeq)).u8(m.phase).text(m.channel).done();
    case BusType.Migrated:
      return w.u32(m.corr).u8(m.kind).text(m.text, 'utf8').bytes(m.snapshot).done();
  }
}

/** Several encoded messages for one node as one Batch message. */
export function encodeBusBatch(parts: readonly Buffer[]): Buffer {
  let size = 5;
  for (const p of parts) size += 4 + p.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = BusType.Batch;
  out.writeUInt32BE(parts.length, 1);
  let at = 5;
  for (const p of parts) {
    out.writeUInt32BE(p.length, at);
    p.copy(out, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The messages of a Batch (views into it), or null when `buf` is a single message. Throws when malformed. */
export function splitBusBatch(buf: Buffer): Buffer[] | null {
  if (buf.length === 0 || buf[0] !== BusType.Batch) return null;
  if (buf.length < 5) throw new Error('bus batch truncated at byte 1');
  const n = buf.readUInt32BE(1);
  const parts: Buffer[] = [];
  let at = 5;
  for (let i = 0; i < n; i++) {
    if (at + 4 > buf.length) throw new Error(`bus batch truncated at byte ${at}`);
    const len = buf.readUInt32BE(at);
    if (at + 4 + len > buf.length) throw new Error(`bus batch truncated at byte ${at + 4}`);
    parts.push(buf.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== buf.length) throw new Error(`bus batch has ${buf.length - at} bytes after its ${n} messages`);
  return parts;
}

/** Throws on a malformed message (a bug or a foreign publisher; the bus logs and drops it). */
/**
 * The fields of the message are views into `buf`: the caller owns it (node-bus.ts copies each
 * received publish once, for all the messages of its batch).
 */
export function decodeBusMessage(buf: Buffer): BusMessage {
  const r = new Reader(buf);
  const type = r.u8();
  switch (type) {
    case BusType.Deliver:
      return { type, corr: r.u32(), from: r.text(), appId: r.text(), account: r.text(), sessionId: r.text(), kind: r.u32(), fields: r.fields() };
    case BusType.DeliverMany: {
      const corr = r.u32();
      const from = r.text();
      const appId = r.text();
      const kind = r.u32();
      const fields = r.fields();
      const n = r.u32();
      const recipients: BusRecipient[] = [];
      for (let i = 0; i < n; i++) recipients.push({ account: r.text(), sessionId: r.text() });
      return { type, corr, from, appId, kind, fields, recipients };
    }
    case BusType.Answer:
      return { type, corr: r.u32(), answer: r.u8() as AnswerKind, count: r.u32(), clause: r.text('utf8') };
    case BusType.Kick:
      return { type, sessionId: r.text(), code: r.u32(), reason: r.text('utf8') };
    case BusType.Migrate: {
      const corr = r.u32();
      const from = r.text();
      const sessionId = r.text();
      const lastSeq = Number(r.text());
      if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw new Error('bus Migrate with a bad lastSeq');
      const phase = r.u8() as MigratePhase;
      return { type, corr, from, sessionId, lastSeq, phase, channel: r.text() };
    }
    case BusType.Migrated:
      return { type, corr: r.u32(), kind: r.u8() as MigratedKind, text: r.text('utf8'), snapshot: r.bytes() };
    default:
      throw new Error(`unknown bus message type ${type}`);
  }
}
