import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  FRAME_SCHEMAS,
  Frame,
  FrameType,
  LengthPrefixedReader,
  MAX_FRAME_BYTES,
  Op,
  OP_NAMES,
  ProtocolError,
  decodeFrame,
  encodeEvent,
  encodeFrame,
  encodeFrameWithLength,
  encodeResult,
  utf8Decode,
  utf8Encode,
} from '../../lib/protocol';

type VectorField = { u: number } | { s: string } | { l: string[] };
interface ValidVector { name: string; hex: string; type: number; fields: VectorField[] }
interface InvalidVector { name: string; hex: string; error: string }
interface Vectors { valid: ValidVector[]; invalid: InvalidVector[] }

const vectors: Vectors = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../docs/protocol-vectors.json'), 'utf8'),
);

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function schemaOf(type: number): readonly (readonly [string, string])[] {
  return FRAME_SCHEMAS[type as FrameType];
}

function frameFromVector(v: ValidVector): Frame {
  const frame: Record<string, unknown> = { type: v.type };
  schemaOf(v.type).forEach(([name, kind], i) => {
    const field = v.fields[i] as Record<string, unknown>;
    if (kind === 'u') frame[name] = field.u;
    else if (kind === 's') frame[name] = fromHex(field.s as string);
    else frame[name] = (field.l as string[]).map(fromHex);
  });
  return frame as unknown as Frame;
}

function fieldsOf(frame: Frame): VectorField[] {
  const bag = frame as unknown as Record<string, unknown>;
  return schemaOf(frame.type).map(([name, kind]) => {
    const value = bag[name];
    if (kind === 'u') return { u: value as number };
    if (kind === 's') return { s: toHex(value as Uint8Array) };
    return { l: (value as Uint8Array[]).map(toHex) };
  });
}

/** Deterministic PRNG (mulberry32) so a failing robustness case can be replayed. */
function makeRandom(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

function expectProtocolError(fn: () => unknown, text: string): ProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ProtocolError').to.be.instanceOf(ProtocolError);
  const err = caught as ProtocolError;
  expect(err.message).to.contain(text);
  expect(err.reason).to.equal(err.message);
  return err;
}

describe('protocol codec', () => {
  describe('test vectors', () => {
    it('cover every frame type', () => {
      const covered = new Set(vectors.valid.map((v) => v.type));
      const all = Object.values(FrameType).filter((v): v is number => typeof v === 'number');
      expect(all).to.have.length(17);
      for (const type of all) expect(covered.has(type), `type 0x${type.toString(16)}`).to.equal(true);
    });

    for (const v of vectors.valid) {
      it(`decodes valid vector: ${v.name}`, () => {
        const frame = decodeFrame(fromHex(v.hex));
        expect(frame.type).to.equal(v.type);
        expect(Object.keys(frame).sort()).to.deep.equal(['type', ...schemaOf(v.type).map(([n]) => n)].sort());
        expect(fieldsOf(frame)).to.deep.equal(v.fields);
      });

      it(`encodes valid vector: ${v.name}`, () => {
        const frame = frameFromVector(v);
        expect(toHex(encodeFrame(frame))).to.equal(v.hex);
        const length = (v.hex.length / 2).toString(16).padStart(8, '0');
        expect(toHex(encodeFrameWithLength(frame))).to.equal(length + v.hex);
      });
    }

    for (const v of vectors.valid.filter((x) => x.type === FrameType.Event || x.type === FrameType.Result)) {
      it(`encodes valid vector with the server's fast encoder: ${v.name}`, () => {
        const frame = frameFromVector(v);
        const bytes =
          frame.type === FrameType.Event
            ? encodeEvent(frame.seq, frame.kind, frame.fields)
            : encodeResult((frame as { seq: number }).seq, (frame as { reqId: number }).reqId, (frame as { code: number }).code, (frame as { text: Uint8Array }).text, (frame as { values: Uint8Array[] }).values);
        expect(toHex(bytes)).to.equal(v.hex);
      });
    }

    for (const v of vectors.invalid) {
      it(`rejects invalid vector: ${v.name} (${v.error})`, () => {
        expectProtocolError(() => decodeFrame(fromHex(v.hex)), v.error);
      });
    }
  });

  describe('decoding', () => {
    it('keeps UTF-8 and NUL bytes of a MSG_INSTANT message intact', () => {
      const v = vectors.valid.find((x) => x.name.startsWith('REQUEST MSG_INSTANT'))!;
      const frame = decodeFrame(fromHex(v.hex));
      if (frame.type !== FrameType.Request) throw new Error('not a REQUEST');
      expect(frame.op).to.equal(Op.MsgInstant);
      expect(frame.args.map(utf8Decode)).to.deep.equal(['bob', '0', '你好\u0000world', '']);
    });

    it('names the frame type and field in error texts', () => {
      const err = expectProtocolError(() => decodeFrame(fromHex('010105616263')), 'bad length');
      expect(err.reason).to.contain('HELLO.client');
      expectProtocolError(() => decodeFrame(fromHex('99')), 'unknown frame type 0x99');
    });

    it('decodes a body that is a view into a larger buffer', () => {
      const framed = encodeFrameWithLength({ type: FrameType.Ping, nonce: 300 });
      const frame = decodeFrame(framed.subarray(4));
      expect(frame).to.deep.equal({ type: FrameType.Ping, nonce: 300 });
    });
  });

  describe('encoding', () => {
    it('builds the MSG_INSTANT request of the vectors from text', () => {
      const bytes = encodeFrame({
        type: FrameType.Request,
        reqId: 1,
        op: Op.MsgInstant,
        args: ['bob', '0', '你好\u0000world', ''].map(utf8Encode),
      });
      const v = vectors.valid.find((x) => x.name.startsWith('REQUEST MSG_INSTANT'))!;
      expect(toHex(bytes)).to.equal(v.hex);
    });

    const badNumbers: unknown[] = [-1, 1.5, 2 ** 53, Number.NaN, Infinity, '1', null, undefined, 10n];
    for (const bad of badNumbers) {
      it(`rejects ${typeof bad} ${String(bad)} as a u value`, () => {
        const frame = { type: FrameType.Ping, nonce: bad } as unknown as Frame;
        expectProtocolError(() => encodeFrame(frame), 'PING.nonce');
        expectProtocolError(() => encodeFrameWithLength(frame), 'PING.nonce');
      });
    }

    it('rejects a string where bytes are expected, and a non-list', () => {
      expectProtocolError(
        () => encodeFrame({ type: FrameType.Bye, code: 1, text: 'x' } as unknown as Frame),
        'BYE.text',
      );
      expectProtocolError(
        () => encodeFrame({ type: FrameType.Event, seq: 1, kind: 1, fields: ['x'] } as unknown as Frame),
        'EVENT.fields',
      );
      expectProtocolError(
        () => encodeFrame({ type: FrameType.Event, seq: 1, kind: 1 } as unknown as Frame),
        'EVENT.fields',
      );
    });

    it('rejects an unknown frame type', () => {
      expectProtocolError(() => encodeFrame({ type: 0x30 } as unknown as Frame), 'unknown frame type');
    });

    it('returns arrays that own exactly their bytes, so keeping one pins nothing else', () => {
      for (const size of [0, 60, 61, 200, 5000]) {
        const frame: Frame = { type: FrameType.Bye, code: 1, text: new Uint8Array(size) };
        for (const bytes of [encodeFrame(frame), encodeFrameWithLength(frame)]) {
          expect(bytes.byteOffset).to.equal(0);
          expect(bytes.buffer.byteLength).to.equal(bytes.length);
        }
      }
    });

    it('accepts a Node Buffer as a byte string', () => {
      const frame: Frame = { type: FrameType.Bye, code: 104, text: Buffer.from('bad') };
      expect(toHex(encodeFrame(frame))).to.equal('056803626164');
    });
  });

  describe('names and text', () => {
    it('maps ops to the names of the protocol document', () => {
      expect(OP_NAMES[Op.MsgInstant]).to.equal('MSG_INSTANT');
      expect(OP_NAMES[Op.ChannelQueryIsIn]).to.equal('CHANNEL_QUERY_ISIN');
      expect(OP_NAMES[Op.Dbg]).to.equal('DBG');
      expect(Object.keys(OP_NAMES)).to.have.length(26);
    });

    it('round-trips UTF-8 text', () => {
      expect(toHex(utf8Encode('你好'))).to.equal('e4bda0e5a5bd');
      expect(utf8Decode(fromHex('e4bda0e5a5bd00'))).to.equal('你好\u0000');
    });
  });

  describe('LengthPrefixedReader', () => {
    const bodies = vectors.valid.map((v) => fromHex(v.hex));
    const stream = concat(bodies.map((b) => encodeFrameWithLength(decodeFrame(b))));

    it('reassembles every frame fed byte by byte', () => {
      const reader = new LengthPrefixedReader();
      const out: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i++) out.push(...reader.push(stream.subarray(i, i + 1)));
      expect(out.map(toHex)).to.deep.equal(bodies.map(toHex));
      expect(reader.pendingBytes).to.equal(0);
    });

    it('returns several frames from one chunk', () => {
      const reader = new LengthPrefixedReader();
      expect(reader.push(stream).map(toHex)).to.deep.equal(bodies.map(toHex));
    });

    it('reassembles frames cut at random places', () => {
      const random = makeRandom(7);
      for (let round = 0; round < 50; round++) {
        const reader = new LengthPrefixedReader();
        const out: Uint8Array[] = [];
        for (let pos = 0; pos < stream.length; ) {
          const next = Math.min(stream.length, pos + 1 + random(40));
          out.push(...reader.push(stream.subarray(pos, next)));
          pos = next;
        }
        expect(out.map(toHex)).to.deep.equal(bodies.map(toHex));
      }
    });

    it('keeps a partial frame across pushes and reports pending bytes', () => {
      const reader = new LengthPrefixedReader();
      const framed = encodeFrameWithLength({ type: FrameType.Ack, seq: 300 });
      expect(reader.push(framed.subarray(0, 2))).to.deep.equal([]);
      expect(reader.pendingBytes).to.equal(2);
      expect(reader.push(framed.subarray(2, 5))).to.deep.equal([]);
      expect(reader.pendingBytes).to.equal(5);
      expect(reader.push(framed.subarray(5)).map(toHex)).to.deep.equal(['06ac02']);
      expect(reader.pendingBytes).to.equal(0);
    });

    it('gathers a 1 MiB frame sent in 16-byte chunks in linear time', function () {
      this.timeout(5000);
      const text = new Uint8Array(MAX_FRAME_BYTES - 16).fill(0x61);
      const framed = encodeFrameWithLength({ type: FrameType.Bye, code: 1, text });
      const reader = new LengthPrefixedReader();
      const out: Uint8Array[] = [];
      for (let pos = 0; pos < framed.length; pos += 16) out.push(...reader.push(framed.subarray(pos, pos + 16)));
      expect(out).to.have.length(1);
      const frame = decodeFrame(out[0]);
      expect(frame.type).to.equal(FrameType.Bye);
      expect((frame as { text: Uint8Array }).text.length).to.equal(text.length);
    });

    it('handles many small frames in many small chunks', () => {
      const one = encodeFrameWithLength({ type: FrameType.Ping, nonce: 5 });
      const many = concat(new Array(20000).fill(one));
      const reader = new LengthPrefixedReader();
      let count = 0;
      for (let pos = 0; pos < many.length; pos += 5) count += reader.push(many.subarray(pos, pos + 5)).length;
      expect(count).to.equal(20000);
    });

    it('rejects a zero length, and stays failed', () => {
      const reader = new LengthPrefixedReader();
      expect(reader.push(fromHex('0000000103')).map(toHex)).to.deep.equal(['03']);
      expectProtocolError(() => reader.push(fromHex('00000000')), 'empty frame');
      expectProtocolError(() => reader.push(fromHex('0000000103')), 'empty frame');
    });

    it('rejects a zero length split across chunks', () => {
      const reader = new LengthPrefixedReader();
      expect(reader.push(fromHex('0000'))).to.deep.equal([]);
      expect(reader.push(fromHex('00'))).to.deep.equal([]);
      expectProtocolError(() => reader.push(fromHex('00')), 'empty frame');
    });

    it('rejects a length over the maximum before the body arrives', () => {
      const reader = new LengthPrefixedReader();
      expectProtocolError(() => reader.push(fromHex('00100001')), 'frame too large: 1048577 bytes');
      const max = new LengthPrefixedReader();
      expect(max.push(fromHex('00100000'))).to.deep.equal([]);
      expectProtocolError(() => new LengthPrefixedReader().push(fromHex('ffffffff')), 'frame too large: 4294967295 bytes');
    });

    it('honours a smaller maximum', () => {
      const reader = new LengthPrefixedReader(3);
      expect(reader.push(fromHex('00000003200000')).map(toHex)).to.deep.equal(['200000']);
      expectProtocolError(() => reader.push(fromHex('00000004')), 'frame too large: 4 bytes');
    });

    it('rejects a nonsensical maximum', () => {
      expect(() => new LengthPrefixedReader(0)).to.throw(RangeError);
    });
  });

  describe('robustness', () => {
    function check(body: Uint8Array): void {
      let frame: Frame;
      try {
        frame = decodeFrame(body);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`decoding ${toHex(body)} threw ${String(e)}`);
        return;
      }
      // Encodings are canonical (no over-long varints), so a decoded body re-encodes exactly.
      expect(toHex(encodeFrame(frame)), toHex(body)).to.equal(toHex(body));
    }

    it('decodes thousands of random bodies to a frame or a ProtocolError', () => {
      const random = makeRandom(1);
      const types = Object.keys(FRAME_SCHEMAS).map(Number);
      for (let i = 0; i < 5000; i++) {
        const body = new Uint8Array(random(24));
        for (let j = 0; j < body.length; j++) body[j] = random(4) === 0 ? random(256) : random(8);
        if (body.length > 0 && random(2) === 0) body[0] = types[random(types.length)];
        check(body);
      }
    });

    it('decodes thousands of mutated vectors to a frame or a ProtocolError', () => {
      const random = makeRandom(2);
      const seeds = vectors.valid.map((v) => fromHex(v.hex));
      for (let i = 0; i < 20000; i++) {
        let body: Uint8Array = Uint8Array.from(seeds[random(seeds.length)]);
        const mutations = 1 + random(3);
        for (let m = 0; m < mutations; m++) {
          const op = random(5);
          const at = random(body.length + 1);
          if (op === 0 && body.length > 0) body[Math.min(at, body.length - 1)] = random(256);
          else if (op === 1 && body.length > 0) body[Math.min(at, body.length - 1)] ^= 1 << random(8);
          else if (op === 2) body = body.subarray(0, at);
          else if (op === 3) body = concat([body.subarray(0, at), Uint8Array.of(random(256)), body.subarray(at)]);
          else body = concat([body.subarray(0, at), body.subarray(Math.min(body.length, at + 1))]);
        }
        check(body);
      }
    });
  });
});

describe('protocol codec: the fast EVENT and RESULT encoders', () => {
  // Values around every varint length boundary, and byte strings around the copy-loop threshold.
  const numbers = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff, 0x100000000, 2 ** 53 - 1];
  const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
  const lists = [[], [bytes(0, 1)], [bytes(5, 2), bytes(31, 3), bytes(32, 4), bytes(200, 5)], Array.from({ length: 130 }, (_, i) => bytes(i % 7, i))];

  it('make the bytes encodeFrame makes, for every varint length and list shape', () => {
    for (const a of numbers) {
      for (const b of numbers) {
        for (const list of lists) {
          expect(toHex(encodeEvent(a, b, list))).to.equal(toHex(encodeFrame({ type: FrameType.Event, seq: a, kind: b, fields: list })));
          const text = bytes(b % 300, a % 251);
          expect(toHex(encodeResult(a, b, a % 1005, text, list))).to.equal(
            toHex(encodeFrame({ type: FrameType.Result, seq: a, reqId: b, code: a % 1005, text, values: list })),
          );
        }
      }
    }
  });

  it('write into the buffer the allocator gives', () => {
    const slab = new Uint8Array(64);
    const body = encodeEvent(3, 4, [bytes(3, 9)], (size) => slab.subarray(10, 10 + size));
    expect(body.buffer).to.equal(slab.buffer);
    expect(decodeFrame(body)).to.deep.include({ type: FrameType.Event, seq: 3, kind: 4 });
  });
});
