/**
 * Everything a session is, for moving it to another node of a cluster when its client resumes
 * there (docs/cluster.md, "Resume on another node"): who it is, where its sequences stand, the
 * frames its client has not acknowledged (each encoded with its own sequence number), the
 * requests received but not processed yet, and its channel. Binary, since frames are bytes.
 */
export interface SessionSnapshot {
  readonly sessionId: string;
  readonly uid: number;
  readonly appIdBytes: Uint8Array;
  readonly accountBytes: Uint8Array;
  /** Unix seconds when the login token expires; 0 = never. */
  readonly tokenExpiredTs: number;
  readonly lastSeq: number;
  readonly lastReqId: number;
  /** Sequence number of kept[0] (lastSeq + 1 when nothing is kept). */
  readonly firstKeptSeq: number;
  /** Encoded bodies of the unacknowledged frames, firstKeptSeq onwards. */
  readonly kept: readonly Uint8Array[];
  /** Encoded bodies of the REQUEST frames waiting for processing, oldest first. */
  readonly queued: readonly Uint8Array[];
  /** latin1 channel name, or null. */
  readonly joinedChannel: string | null;
  /** The number of the last event of that channel the session was given (the broker's numbering), 0 = none. */
  readonly channelPosition: number;
}

const VERSION = 1;

export function encodeSessionSnapshot(s: SessionSnapshot): Buffer {
  const parts: Buffer[] = [];
  const u32 = (v: number): void => {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(v >>> 0);
    parts.push(b);
  };
  const u53 = (v: number): void => {
    u32(Math.floor(v / 0x100000000));
    u32(v % 0x100000000);
  };
  const bytes = (v: Uint8Array): void => {
    u32(v.length);
    parts.push(Buffer.from(v.buffer, v.byteOffset, v.length));
  };
  const list = (v: readonly Uint8Array[]): void => {
    u32(v.length);
    for (const b of v) bytes(b);
  };
  parts.push(Buffer.from([VERSION]));
  bytes(Buffer.from(s.sessionId, 'latin1'));
  u32(s.uid);
  bytes(s.appIdBytes);
  bytes(s.accountBytes);
  u53(s.tokenExpiredTs);
  u53(s.lastSeq);
  u53(s.lastReqId);
  u53(s.firstKeptSeq);
  list(s.kept);
  list(s.queued);
  parts.push(Buffer.from([s.joinedChannel === null ? 0 : 1]));
  if (s.joinedChannel !== null) bytes(Buffer.from(s.joinedChannel, 'latin1'));
  u53(s.channelPosition);
  return Buffer.concat(parts);
}

/** Throws on a malformed snapshot. */
export function decodeSessionSnapshot(buf: Buffer): SessionSnapshot {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw new Error(`session snapshot truncated at byte ${at}`);
  };
  const u8 = (): number => {
    need(1);
    return buf[at++];
  };
  const u32 = (): number => {
    need(4);
    const v = buf.readUInt32BE(at);
    at += 4;
    return v;
  };
  const u53 = (): number => u32() * 0x100000000 + u32();
  const bytes = (): Uint8Array => {
    const n = u32();
    need(n);
    const v = Uint8Array.prototype.slice.call(buf, at, at + n);
    at += n;
    return v;
  };
  const list = (): Uint8Array[] => {
    const n = u32();
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(bytes());
    return out;
  };
  const version = u8();
  if (version !== VERSION) throw new Error(`session snapshot version ${version}, this node reads ${VERSION}`);
  const sessionId = Buffer.from(bytes()).toString('latin1');
  const uid = u32();
  const appIdBytes = bytes();
  const accountBytes = bytes();
  const tokenExpiredTs = u53();
  const lastSeq = u53();
  const lastReqId = u53();
  const firstKeptSeq = u53();
  const kept = list();
  const queued = list();
  const joinedChannel = u8() === 1 ? Buffer.from(bytes()).toString('latin1') : null;
  const channelPosition = u53();
  if (firstKeptSeq + kept.length !== lastSeq + 1) throw new Error('session snapshot: kept frames do not end at lastSeq');
  return { sessionId, uid, appIdBytes, accountBytes, tokenExpiredTs, lastSeq, lastReqId, firstKeptSeq, kept, queued, joinedChannel, channelPosition };
}
