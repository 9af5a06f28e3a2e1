import { MAX_FRAME_BYTES } from './constants';
import { ProtocolError } from './protocol-error';

const HEADER_BYTES = 4;

/**
 * Splits a TCP byte stream into frame bodies (each preceded by a 4-byte big-endian length).
 *
 * A body that arrives whole inside one chunk is returned as a view into that chunk (no copy), so a
 * chunk must not be modified after it is pushed. A body split across chunks is gathered into one
 * buffer of its final size, so every byte is copied at most once however finely the stream is cut.
 * After a ProtocolError the stream is unusable and every later push throws the same error.
 */
export class LengthPrefixedReader {
  private readonly header = new Uint8Array(HEADER_BYTES);
  private headerFilled = 0;
  private body: Uint8Array | null = null;
  private bodyFilled = 0;
  private failure: ProtocolError | null = null;

  constructor(private maxFrameBytes: number = MAX_FRAME_BYTES) {
    checkMaxFrameBytes(maxFrameBytes);
  }

  /** Changes the largest frame accepted from now on (a server accepts less before login). */
  setMaxFrameBytes(maxFrameBytes: number): void {
    checkMaxFrameBytes(maxFrameBytes);
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Consumes a chunk; returns the bodies it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure !== null) throw this.failure;
    const bodies: Uint8Array[] = [];
    const end = chunk.length;
    // Bodies are plain views made from the chunk's buffer, read once: `subarray` on a Node Buffer
    // runs Buffer's constructor for every frame, and `.buffer` is a call into the runtime.
    const buffer = chunk.buffer;
    const base = chunk.byteOffset;
    let pos = 0;
    while (pos < end) {
      if (this.body !== null) {
        const take = Math.min(this.body.length - this.bodyFilled, end - pos);
        this.body.set(chunk.subarray(pos, pos + take), this.bodyFilled);
        this.bodyFilled += take;
        pos += take;
        if (this.bodyFilled === this.body.length) {
          bodies.push(this.body);
          this.body = null;
        }
        continue;
      }

      let length: number;
      if (this.headerFilled === 0 && end - pos >= HEADER_BYTES) {
        length = readUint32BE(chunk, pos);
        pos += HEADER_BYTES;
      } else {
        while (this.headerFilled < HEADER_BYTES && pos < end) this.header[this.headerFilled++] = chunk[pos++];
        if (this.headerFilled < HEADER_BYTES) break;
        this.headerFilled = 0;
        length = readUint32BE(this.header, 0);
      }
      this.checkLength(length);

      if (end - pos >= length) {
        bodies.push(new Uint8Array(buffer, base + pos, length));
        pos += length;
      } else {
        this.body = new Uint8Array(length);
        this.body.set(chunk.subarray(pos), 0);
        this.bodyFilled = end - pos;
        pos = end;
      }
    }
    return bodies;
  }

  /** Bytes received that do not yet form a complete frame. */
  get pendingBytes(): number {
    return this.headerFilled + (this.body === null ? 0 : HEADER_BYTES + this.bodyFilled);
  }

  private checkLength(length: number): void {
    if (length === 0) this.failure = new ProtocolError('empty frame');
    else if (length > this.maxFrameBytes) this.failure = new ProtocolError(`frame too large: ${length} bytes`);
    if (this.failure !== null) throw this.failure;
  }
}

function checkMaxFrameBytes(maxFrameBytes: number): void {
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
    throw new RangeError(`maxFrameBytes must be a positive integer, got ${String(maxFrameBytes)}`);
  }
}

function readUint32BE(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]) >>> 0;
}
