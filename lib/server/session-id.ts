/**
 * Session ids: 128 random bits as 32 hex digits. Drawn from a pool filled 256 ids at a time,
 * because one call to the system's random source per login costs more than the rest of the id.
 */
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
const POOL_IDS = 256;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/** `prefix` (a node id in a cluster) replaces as many leading digits: the length stays 32. */
export function newSessionId(prefix = ''): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * ID_BYTES;
  const id = pool.toString('hex', start, start + ID_BYTES);
  return prefix === '' ? id : prefix + id.slice(prefix.length);
}
