/**
 * Memory for the RESULT and EVENT bodies a session sends: carved one after another out of 64 KiB
 * slabs instead of one ArrayBuffer each. A body of its own costs an allocation and a finalizer for
 * the garbage collector; at a hundred thousand messages a second that was the largest cost of the
 * server's message path. Slabs are never reused, only dropped once nothing refers to them, so a
 * body handed to a socket can never change under it.
 *
 * The price: a kept body pins its whole slab. Bodies of connected sessions are short-lived (the
 * client acknowledges within a heartbeat); what stays kept longer, or while the session has no
 * connection, is copied into buffers of its own (ownedCopy; kept-frames.ts) so it cannot pin slabs.
 */
import type { ByteAllocator } from '../protocol/codec';

const SLAB_BYTES = 64 * 1024;
// Larger bodies are rare; they get a buffer of their own rather than waste a slab's tail.
const LARGEST_SLAB_BODY = 4 * 1024;

// Views are made from the ArrayBuffer: a constructor call costs half of `subarray`.
let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

export const allocateFromSlab: ByteAllocator = (size) => {
  if (size > LARGEST_SLAB_BODY) return new Uint8Array(size);
  if (used + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const body = new Uint8Array(slab, used, size);
  used += size;
  return body;
};

/** The body itself when it fills its own buffer; else (a view into a slab) a copy that does. */
export function ownedCopy(body: Uint8Array): Uint8Array {
  return body.byteLength === body.buffer.byteLength ? body : body.slice();
}
