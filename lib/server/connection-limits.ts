/**
 * How many client sockets the server holds, against three bounds (docs/server.md, "Connection
 * limits"): a total (`maxConnections`, by default the process's open-files limit minus a margin,
 * so that the file descriptor limit is never what refuses), one per source address, and a reserve:
 * sockets without a session yet (handshaking, or idle) may fill only the total minus the reserve.
 * A socket moves out of that pool when its connection logs in or resumes.
 *
 * When that pool is full, a new socket is not refused: the oldest socket of the pool is closed to
 * make room. It has had the longest to log in, and a client that means to log in does so within
 * milliseconds, so a flood of idle sockets (which fills the pool first) cannot lock logins out: it
 * only pushes its own oldest sockets out. Only a full total with the pool empty, or a source
 * address over its own limit, refuses the new socket.
 *
 * It counts sockets, not protocol connections: a WebSocket's socket is counted from its HTTP
 * request on, before the upgrade, and the sweep closes those that are still not upgraded when the
 * handshake deadline (`loginTimeoutMs` from accept) passes; after the upgrade the connection's own
 * watchdog applies the same deadline.
 */
import * as fs from 'node:fs';
import type * as net from 'node:net';
import type { RefusalLog } from './refusal-log';

/** Used when the open-files limit cannot be read (not Linux) or is unlimited. */
const FALLBACK_MAX_CONNECTIONS = 65536;

/** The soft "Max open files" of this process (/proc/self/limits), or null. */
export function openFilesLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'latin1'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * The open-files limit minus a margin for what else the process opens (listeners, log and config
 * files, a store's connections): 64, or 5 % of the limit when that is more.
 */
export function defaultMaxConnections(limit: number | null = openFilesLimit()): number {
  if (limit === null || !Number.isFinite(limit) || limit > 100000000) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(1, limit - Math.max(64, Math.floor(limit / 20)));
}

export interface ConnectionLimitSettings {
  maxConnections: number;
  /** 0 = no bound. */
  maxConnectionsPerAddress: number;
  /** Sockets only sessions may use: those without one are refused beyond maxConnections minus this. */
  reservedConnections: number;
}

interface Slot {
  /** "tcp", "tls", "ws" or "wss": what the handshake deadline closes it for. */
  readonly kind: string;
  readonly address: string;
  readonly acceptedMs: number;
  /** No session yet: counted in the pool that may not use the reserve. */
  sessionless: boolean;
  /** A protocol connection took the socket over (its watchdog applies the handshake deadline). */
  connected: boolean;
}

export class ConnectionLimits {
  private readonly slots = new Map<net.Socket, Slot>();
  private readonly perAddress = new Map<string, number>();
  /** The sockets without a session, oldest first (a Map keeps insertion order). */
  private readonly waiting = new Map<net.Socket, Slot>();
  /** TLS sockets, by the raw socket each wraps. */
  private readonly aliases = new WeakMap<net.Socket, net.Socket>();

  constructor(private readonly settings: ConnectionLimitSettings, private readonly refusals: RefusalLog) {}

  /** Sockets held now. */
  get count(): number {
    return this.slots.size;
  }

  /** Sockets held now that have no session. */
  get sessionlessCount(): number {
    return this.waiting.size;
  }

  /**
   * Counts a new socket, or answers why it is refused (then it is not counted; the caller closes
   * it and the refusal is logged in the summary). `kind` ("tcp", "ws") names it in the log.
   */
  admit(socket: net.Socket, kind: string): string | null {
    const { maxConnections, maxConnectionsPerAddress, reservedConnections } = this.settings;
    // The peer's address is a system call: asked only when a bound needs it (a login storm).
    const address = maxConnectionsPerAddress > 0 ? socket.remoteAddress ?? '' : '';
    const fromAddress = this.perAddress.get(address) ?? 0;
    let refusal: string | null = null;
    if (maxConnectionsPerAddress > 0 && fromAddress >= maxConnectionsPerAddress) {
      refusal = `over the per-address limit (${maxConnectionsPerAddress})`;
    } else if (this.waiting.size >= maxConnections - reservedConnections || this.slots.size >= maxConnections) {
      if (this.waiting.size > 0) this.evictOldestWaiting(maxConnections, reservedConnections);
      else refusal = `over the connection limit (${maxConnections})`;
    }
    if (refusal !== null) {
      this.refusals.note(refusal, `${kind} ${socket.remoteAddress}:${socket.remotePort}`);
      return refusal;
    }
    const slot: Slot = { kind, address, acceptedMs: Date.now(), sessionless: true, connected: false };
    this.slots.set(socket, slot);
    this.waiting.set(socket, slot);
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => this.release(socket));
    return null;
  }

  /** Makes room for a new socket: the one that has waited longest for a session goes. */
  private evictOldestWaiting(maxConnections: number, reservedConnections: number): void {
    const oldest = this.waiting.keys().next().value as net.Socket;
    this.refusals.note(
      `closed the oldest connection without a session to make room (${maxConnections} - ${reservedConnections} reserved)`,
      `${oldest.remoteAddress}:${oldest.remotePort}`,
    );
    this.release(oldest);
    oldest.destroy();
  }

  /**
   * A TLS socket stands for the raw socket under it, the one counted at accept: what the
   * connection later says of the TLS socket (connected, logged in) applies to that slot.
   */
  alias(wrapper: net.Socket, raw: net.Socket): void {
    this.aliases.set(wrapper, raw);
  }

  /** When the socket was accepted (Date.now() for one not counted here). */
  acceptedMs(socket: net.Socket): number {
    return this.slotOf(socket)?.acceptedMs ?? Date.now();
  }

  /** A protocol connection owns the socket now. */
  connected(socket: net.Socket): void {
    const slot = this.slotOf(socket);
    if (slot !== undefined) slot.connected = true;
  }

  /** The socket's connection logged in or resumed: it leaves the sessionless pool. */
  sessionStarted(socket: net.Socket): void {
    const raw = this.aliases.get(socket) ?? socket;
    const slot = this.slots.get(raw);
    if (slot === undefined || !slot.sessionless) return;
    slot.sessionless = false;
    this.waiting.delete(raw);
  }

  private slotOf(socket: net.Socket): Slot | undefined {
    return this.slots.get(this.aliases.get(socket) ?? socket);
  }

  /**
   * Closes sockets that no connection took over within `deadlineMs`: an HTTP request not upgraded,
   * a TLS handshake not finished.
   */
  sweep(nowMs: number, deadlineMs: number): void {
    for (const [socket, slot] of this.slots) {
      if (slot.connected || nowMs - slot.acceptedMs < deadlineMs) continue;
      const what = slot.kind === 'ws' ? 'a WebSocket upgrade' : slot.kind === 'wss' ? 'a TLS handshake and WebSocket upgrade' : 'a TLS handshake';
      this.refusals.note(`closed without ${what} within ${deadlineMs} ms`, `${slot.kind} ${socket.remoteAddress}:${socket.remotePort}`);
      slot.connected = true; // once
      socket.destroy();
    }
  }

  private release(socket: net.Socket): void {
    const slot = this.slots.get(socket);
    if (slot === undefined) return;
    this.slots.delete(socket);
    this.waiting.delete(socket);
    const left = (this.perAddress.get(slot.address) ?? 1) - 1;
    if (left === 0) this.perAddress.delete(slot.address);
    else this.perAddress.set(slot.address, left);
  }
}
