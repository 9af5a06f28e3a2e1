import { MAX_VARINT_BYTES, MAX_VARINT_VALUE } from './constants';
import { FRAME_SCHEMAS, FRAME_TYPE_NAMES, FrameType } from './frame-type';
import { Frame } from './frame';
import { ProtocolError } from './protocol-error';

const KIND_U = 0;
const KIND_S = 1;
const KIND_L = 2;

/** A schema flattened for the hot path: parallel arrays instead of tuples of strings. */
interface CompiledSchema {
  readonly typeName: string;
  readonly names: readonly string[];
  readonly kinds: readonly number[];
}

// Indexed by the type byte, so looking up a schema is one array read.
const SCHEMA_BY_TYPE: (CompiledSchema | undefined)[] = new Array(256).fill(undefined);
for (const key of Object.keys(FRAME_SCHEMAS)) {
  const type = Number(key) as FrameType;
  const specs = FRAME_SCHEMAS[type];
  SCHEMA_BY_TYPE[type] = {
    typeName: FRAME_TYPE_NAMES[type],
    names: specs.map(([name]) => name),
    kinds: specs.map(([, kind]) => (kind === 'u' ? KIND_U : kind === 's' ? KIND_S : KIND_L)),
  };
}

// Dynamic field access by schema name; frame.ts checks at compile time that the names match.
type FieldBag = Record<string, unknown>;

function hexByte(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}

/** Reads fields from a body; positions and the current field name feed the error texts. */
class BodyReader {
  pos = 1;
  field = '';
  // Fields are views made from these: reading `.buffer` calls into the runtime each time, and
  // `subarray` goes through the species constructor (Buffer's is a JavaScript class).
  private readonly buffer: ArrayBufferLike;
  private readonly base: number;

  constructor(private readonly bytes: Uint8Array, private readonly typeName: string) {
    this.buffer = bytes.buffer;
    this.base = bytes.byteOffset;
  }

  private where(at: number): string {
    return `${this.typeName}.${this.field} at offset ${at}`;
  }

  readVarint(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start >= bytes.length) throw new ProtocolError(`truncated: body ends before ${this.where(start)}`);
    let b = bytes[start];
    if (b < 0x80) {
      this.pos = start + 1;
      return b;
    }
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      const p = start + i;
      if (p >= bytes.length) throw new ProtocolError(`truncated: body ends inside the varint of ${this.where(start)}`);
      b = bytes[p];
      if (i === MAX_VARINT_BYTES - 1) {
        if (b >= 0x80) throw new ProtocolError(`bad varint: longer than 8 bytes in ${this.where(start)}`);
        // The 8th byte carries bits 49..55; only bits 49..52 fit under 2^53.
        if (b > 0x0f) throw new ProtocolError(`bad varint: value above 2^53-1 in ${this.where(start)}`);
      }
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0) throw new ProtocolError(`bad varint: over-long encoding in ${this.where(start)}`);
        this.pos = p + 1;
        return value;
      }
      scale *= 0x80;
    }
  }

  readString(): Uint8Array {
    const at = this.pos;
    const length = this.readVarint();
    const remaining = this.bytes.length - this.pos;
    if (length > remaining) {
      throw new ProtocolError(`bad length: ${this.where(at)} declares ${length} bytes, ${remaining} remain`);
    }
    const start = this.pos;
    this.pos = start + length;
    // A plain view, even into a Node Buffer.
    return new Uint8Array(this.buffer, this.base + start, length);
  }

  readList(): Uint8Array[] {
    const at = this.pos;
    const count = this.readVarint();
    const remaining = this.bytes.length - this.pos;
    // Every element takes at least one byte (its length), so this bounds the allocation too.
    if (count > remaining) {
      throw new ProtocolError(`bad length: ${this.where(at)} declares ${count} elements, ${remaining} bytes remain`);
    }
    const list: Uint8Array[] = new Array(count);
    for (let i = 0; i < count; i++) list[i] = this.readString();
    return list;
  }
}

/**
 * Decodes one frame body (without length prefix). Throws ProtocolError on any malformed body.
 * Byte-string fields are views into `body` (no copy): do not modify `body` afterwards, and slice()
 * a field that is kept for long so that it does not pin the whole received chunk.
 */
export function decodeFrame(body: Uint8Array): Frame {
  if (body.length === 0) throw new ProtocolError('empty frame');
  const type = body[0];
  const schema = SCHEMA_BY_TYPE[type];
  if (schema === undefined) throw new ProtocolError(`unknown frame type ${hexByte(type)}`);
  const reader = new BodyReader(body, schema.typeName);
  const frame: FieldBag = { type };
  const { names, kinds } = schema;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    reader.field = name;
    const kind = kinds[i];
    frame[name] = kind === KIND_U ? reader.readVarint() : kind === KIND_S ? reader.readString() : reader.readList();
  }
  if (reader.pos !== body.length) {
    throw new ProtocolError(`trailing bytes: ${body.length - reader.pos} after the last field of ${schema.typeName}`);
  }
  return frame as unknown as Frame;
}

function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 0x800000000) return 5;
  if (v < 0x40000000000) return 6;
  if (v < 0x2000000000000) return 7;
  return 8;
}

function writeVarint(out: Uint8Array, pos: number, v: number): number {
  // Above 32 bits bitwise operators would truncate, so peel off 7 bits arithmetically.
  while (v > 0xffffffff) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  while (v > 0x7f) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  return pos;
}

function schemaForEncoding(frame: Frame): CompiledSchema {
  const type = (frame as { type: unknown }).type;
  const schema = typeof type === 'number' ? SCHEMA_BY_TYPE[type] : undefined;
  if (schema === undefined) throw new ProtocolError(`unknown frame type ${String(type)}: cannot encode`);
  return schema;
}

function cannotEncode(schema: CompiledSchema, name: string, expected: string): ProtocolError {
  return new ProtocolError(`cannot encode ${schema.typeName}.${name}: expected ${expected}`);
}

function sizeOfBytes(schema: CompiledSchema, name: string, value: unknown): number {
  if (!(value instanceof Uint8Array)) throw cannotEncode(schema, name, 'a Uint8Array');
  return varintSize(value.length) + value.length;
}

/** Validates every field against the schema and returns the body size. */
function measureBody(frame: FieldBag, schema: CompiledSchema): number {
  let size = 1;
  const { names, kinds } = schema;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = frame[name];
    const kind = kinds[i];
    if (kind === KIND_U) {
      if (!Number.isSafeInteger(value) || (value as number) < 0) {
        throw cannotEncode(schema, name, `an integer in 0..2^53-1, got ${String(value)}`);
      }
      size += varintSize(value as number);
    } else if (kind === KIND_S) {
      size += sizeOfBytes(schema, name, value);
    } else {
      if (!Array.isArray(value)) throw cannotEncode(schema, name, 'an array of Uint8Array');
      size += varintSize(value.length);
      for (let j = 0; j < value.length; j++) size += sizeOfBytes(schema, name, value[j]);
    }
  }
  if (size > MAX_VARINT_VALUE) throw new ProtocolError(`cannot encode ${schema.typeName}: body too large`);
  return size;
}

// Below this size a plain loop beats the fixed cost of TypedArray.prototype.set.
const SMALL_COPY_BYTES = 32;

function writeBytes(out: Uint8Array, pos: number, value: Uint8Array): number {
  const length = value.length;
  pos = writeVarint(out, pos, length);
  if (length < SMALL_COPY_BYTES) {
    for (let i = 0; i < length; i++) out[pos + i] = value[i];
  } else {
    out.set(value, pos);
  }
  return pos + length;
}

function writeBody(frame: FieldBag, schema: CompiledSchema, type: number, out: Uint8Array, pos: number): void {
  out[pos++] = type;
  const { names, kinds } = schema;
  for (let i = 0; i < names.length; i++) {
    const value = frame[names[i]];
    const kind = kinds[i];
    if (kind === KIND_U) {
      pos = writeVarint(out, pos, value as number);
    } else if (kind === KIND_S) {
      pos = writeBytes(out, pos, value as Uint8Array);
    } else {
      const list = value as Uint8Array[];
      pos = writeVarint(out, pos, list.length);
      for (let j = 0; j < list.length; j++) pos = writeBytes(out, pos, list[j]);
    }
  }
}

/** Where an encoder puts a body of `size` bytes. */
export type ByteAllocator = (size: number) => Uint8Array;

const ownBuffer: ByteAllocator = (size) => new Uint8Array(size);

/**
 * Encodes a frame body (no length prefix). Throws ProtocolError on a value the schema cannot carry.
 * By default the result owns its ArrayBuffer exactly (no shared pool), so callers may keep it for
 * long without pinning unrelated memory; a caller that allocates many short-lived bodies passes
 * its own allocator.
 */
export function encodeFrame(frame: Frame, allocate: ByteAllocator = ownBuffer): Uint8Array {
  const schema = schemaForEncoding(frame);
  const bag = frame as unknown as FieldBag;
  const out = allocate(measureBody(bag, schema));
  writeBody(bag, schema, frame.type, out, 0);
  return out;
}

/** Encodes a frame for TCP: 4-byte big-endian body length, then the body (see encodeFrame). */
export function encodeFrameWithLength(frame: Frame): Uint8Array {
  const schema = schemaForEncoding(frame);
  const bag = frame as unknown as FieldBag;
  const size = measureBody(bag, schema);
  if (size > 0xffffffff) throw new ProtocolError(`frame too large: ${size} bytes`);
  const out = new Uint8Array(4 + size);
  out[0] = size >>> 24;
  out[1] = (size >>> 16) & 0xff;
  out[2] = (size >>> 8) & 0xff;
  out[3] = size & 0xff;
  writeBody(bag, schema, frame.type, out, 4);
  return out;
}

function listSize(list: readonly Uint8Array[]): number {
  let size = varintSize(list.length);
  for (let i = 0; i < list.length; i++) size += varintSize(list[i].length) + list[i].length;
  return size;
}

function writeList(out: Uint8Array, pos: number, list: readonly Uint8Array[]): number {
  pos = writeVarint(out, pos, list.length);
  for (let i = 0; i < list.length; i++) pos = writeBytes(out, pos, list[i]);
  return pos;
}

/**
 * encodeFrame for an EVENT, the frame a server sends most, without the schema walk. The caller
 * vouches for the values (seq and kind safe integers, fields byte strings); the bytes are those
 * encodeFrame makes (the codec tests check both against each other).
 */
export function encodeEvent(seq: number, kind: number, fields: readonly Uint8Array[], allocate: ByteAllocator = ownBuffer): Uint8Array {
  const out = allocate(1 + varintSize(seq) + varintSize(kind) + listSize(fields));
  out[0] = FrameType.Event;
  let pos = writeVarint(out, 1, seq);
  pos = writeVarint(out, pos, kind);
  writeList(out, pos, fields);
  return out;
}

/** encodeFrame for a RESULT, likewise (see encodeEvent). */
export function encodeResult(
  seq: number,
  reqId: number,
  code: number,
  text: Uint8Array,
  values: readonly Uint8Array[],
  allocate: ByteAllocator = ownBuffer,
): Uint8Array {
  const out = allocate(1 + varintSize(seq) + varintSize(reqId) + varintSize(code) + varintSize(text.length) + text.length + listSize(values));
  out[0] = FrameType.Result;
  let pos = writeVarint(out, 1, seq);
  pos = writeVarint(out, pos, reqId);
  pos = writeVarint(out, pos, code);
  pos = writeBytes(out, pos, text);
  writeList(out, pos, values);
  return out;
}
