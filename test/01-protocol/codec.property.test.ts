/**
 * Properties of the TypeScript codec (fast-check): encode/decode round trips for every frame type,
 * the canonical wire form, decoding arbitrary bytes, and the length-prefixed reader cut at
 * arbitrary chunk boundaries. Replay a failure as test/property-options.ts says.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  FRAME_SCHEMAS,
  Frame,
  FrameType,
  LengthPrefixedReader,
  MAX_VARINT_VALUE,
  ProtocolError,
  decodeFrame,
  encodeEvent,
  encodeFrame,
  encodeFrameWithLength,
  encodeResult,
} from '../../lib/protocol';
import { propertyOptions } from '../property-options';

const ERROR_WORDS = ['truncated', 'trailing bytes', 'unknown frame type', 'bad varint', 'bad length', 'empty frame', 'frame too large'];

const FRAME_TYPES = Object.keys(FRAME_SCHEMAS).map((k) => Number(k) as FrameType);

// Numbers around the varint size steps (7 bits a byte) and the 2^53-1 limit, besides any value.
const varintEdges = Array.from({ length: 8 }, (_, i) => 2 ** (7 * (i + 1))).flatMap((p) => [p - 1, p]).filter((v) => v <= MAX_VARINT_VALUE);
const u = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat(), fc.constantFrom(...varintEdges, MAX_VARINT_VALUE));
// Mostly short strings, sometimes one whose length takes a 2-byte varint.
const s = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 128, maxLength: 300 }) });
const l = fc.array(s, { maxLength: 6 });

function frameOf(type: FrameType): fc.Arbitrary<Frame> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, kind] of FRAME_SCHEMAS[type]) fields[name] = kind === 'u' ? u : kind === 's' ? s : l;
  return fc.record(fields).map((bag) => ({ type, ...bag }) as unknown as Frame);
}

const anyFrame: fc.Arbitrary<Frame> = fc.constantFrom(...FRAME_TYPES).chain(frameOf);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Bodies compared as plain arrays, so a view and a copy of the same bytes are equal. */
function plain(bodies: Uint8Array[]): number[][] {
  return bodies.map((b) => Array.from(b));
}

/** decodeFrame's result or its ProtocolError; anything else thrown fails the property. */
function tryDecode(bytes: Uint8Array): Frame | ProtocolError {
  try {
    return decodeFrame(bytes);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    expect(ERROR_WORDS.some((w) => e.reason.startsWith(w)), e.reason).to.equal(true);
    return e;
  }
}

/** Pushes chunks into a reader until it throws; returns the bodies and the error (if any). */
function readChunks(chunks: Uint8Array[], maxFrameBytes?: number): { bodies: number[][]; error: string | null; pending: number } {
  const reader = new LengthPrefixedReader(maxFrameBytes);
  const bodies: Uint8Array[] = [];
  for (const chunk of chunks) {
    try {
      // Copied as they come: a later push may not touch them, and they must not depend on it.
      bodies.push(...reader.push(chunk).map((b) => b.slice()));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return { bodies: plain(bodies), error: e.reason, pending: reader.pendingBytes };
    }
  }
  return { bodies: plain(bodies), error: null, pending: reader.pendingBytes };
}

/** `bytes` cut at the given offsets (any order, duplicates and ends allowed). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, p));
    start = p;
  }
  return chunks;
}

/** The framing of docs/protocol.md read the plain way: the model the reader must agree with. */
function parseModel(stream: Uint8Array, max: number): { bodies: number[][]; error: string | null; pending: number } {
  const bodies: number[][] = [];
  let pos = 0;
  while (stream.length - pos >= 4) {
    const length = new DataView(stream.buffer, stream.byteOffset + pos).getUint32(0);
    if (length === 0) return { bodies, error: 'empty frame', pending: 0 };
    if (length > max) return { bodies, error: `frame too large: ${length} bytes`, pending: 0 };
    if (stream.length - pos - 4 < length) break;
    bodies.push(Array.from(stream.subarray(pos + 4, pos + 4 + length)));
    pos += 4 + length;
  }
  return { bodies, error: null, pending: stream.length - pos };
}

describe('protocol codec properties', () => {
  it('decode(encode(frame)) is the frame, for every frame type', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const body = encodeFrame(frame);
        expect(decodeFrame(body)).to.deep.equal(frame);
        const framed = encodeFrameWithLength(frame);
        expect(Array.from(framed.subarray(4))).to.deep.equal(Array.from(body));
        expect(new DataView(framed.buffer).getUint32(0)).to.equal(body.length);
      }),
      propertyOptions(3000),
    );
  });

  it('the fast EVENT and RESULT encoders write what encodeFrame writes', () => {
    fc.assert(
      fc.property(fc.constantFrom(FrameType.Event, FrameType.Result).chain(frameOf), (frame) => {
        const fast =
          frame.type === FrameType.Event
            ? encodeEvent(frame.seq, frame.kind, frame.fields)
            : frame.type === FrameType.Result
              ? encodeResult(frame.seq, frame.reqId, frame.code, frame.text, frame.values)
              : null;
        expect(Array.from(fast!)).to.deep.equal(Array.from(encodeFrame(frame)));
      }),
      propertyOptions(1000),
    );
  });

  it('a mutated body either fails with a ProtocolError or re-encodes to exactly its bytes', () => {
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'insert', 'delete', 'truncate'),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(anyFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, mutations) => {
        const bytes = Array.from(encodeFrame(frame));
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'set' && at < bytes.length) bytes[at] = m.byte;
          else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
          else if (m.kind === 'delete') bytes.splice(at, 1);
          else if (m.kind === 'truncate') bytes.length = at;
        }
        const body = Uint8Array.from(bytes);
        const decoded = tryDecode(body);
        if (decoded instanceof ProtocolError) return;
        expect(Array.from(encodeFrame(decoded))).to.deep.equal(bytes);
      }),
      propertyOptions(3000),
    );
  });

  it('decoding arbitrary bytes returns a frame or throws a ProtocolError, nothing else', () => {
    const typed = fc.tuple(fc.constantFrom(...FRAME_TYPES), fc.uint8Array({ maxLength: 48 })).map(([t, rest]) => concat([Uint8Array.of(t), rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), typed), (bytes) => {
        const decoded = tryDecode(bytes);
        if (!(decoded instanceof ProtocolError)) expect(Array.from(encodeFrame(decoded))).to.deep.equal(Array.from(bytes));
      }),
      propertyOptions(5000),
    );
  });

  it('the length-prefixed reader returns the same bodies however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, offsets) => {
        const bodies = frames.map((f) => encodeFrame(f));
        const stream = concat(frames.map((f) => encodeFrameWithLength(f)));
        const read = readChunks(cut(stream, offsets));
        expect(read.error).to.equal(null);
        expect(read.bodies).to.deep.equal(plain(bodies));
        expect(read.pending).to.equal(0);
      }),
      propertyOptions(1500),
    );
  });

  it('the length-prefixed reader reads any bytes cut anywhere as a plain model parser does', () => {
    // Small length prefixes, so that frames complete inside short random streams.
    const header = fc.integer({ min: 0, max: 40 }).map((n) => Uint8Array.of(0, 0, 0, n));
    const piece = fc.oneof(header, fc.uint8Array({ maxLength: 24 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 48 }), (pieces, offsets, max) => {
        const stream = concat(pieces);
        const model = parseModel(stream, max);
        const read = readChunks(cut(stream, offsets), max);
        expect(read.error).to.equal(model.error);
        if (model.error === null) {
          expect(read.bodies).to.deep.equal(model.bodies);
          expect(read.pending).to.equal(model.pending);
        } else {
          // Bodies completed by the chunk that carried the bad prefix are not returned: push throws.
          expect(read.bodies).to.deep.equal(model.bodies.slice(0, read.bodies.length));
        }
      }),
      propertyOptions(3000),
    );
  });
});
