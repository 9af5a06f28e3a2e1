/**
 * Node ids and the session ids that carry them. A session id starts with the id of the node that
 * holds the session, so a router reaches the node of a known session id without asking Redis, and
 * keeps the 32 hex digits of a single process's session ids (clients and logs see one shape).
 */
import { randomBytes } from 'node:crypto';

/** Hex digits of a node id at the start of each of its session ids. */
export const NODE_ID_LENGTH = 8;

export function newNodeId(): string {
  return randomBytes(NODE_ID_LENGTH / 2).toString('hex');
}

/** The node of a session id made by a clustered node; null for another shape. */
export function nodeOfSession(sessionId: string): string | null {
  return sessionId.length === 32 && /^[0-9a-f]+$/.test(sessionId) ? sessionId.slice(0, NODE_ID_LENGTH) : null;
}
