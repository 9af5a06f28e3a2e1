/**
 * SIGTERM's shutdown: /readyz turns 503 at once, every client gets BYE(100, "server going away")
 * (the SDKs reconnect, to another node behind the same address in a cluster, and resume or log
 * in there), the server waits until the clients have left (in a cluster, until their sessions
 * have moved to the nodes they resumed on) or `drainMs` has passed, then closes (stores,
 * listeners) and the admin listener last.
 */
import { logEvent, Logger } from '../logger';
import type { SignalServer } from '../signal-server';
import type { AdminServer } from './admin-server';

/** How often the drain looks whether every client has left. */
const POLL_MS = 50;

export interface ShutdownOutcome {
  /** Clients still connected when the drain time was over (closed then). */
  leftBehind: number;
  elapsedMs: number;
}

export async function shutDownGracefully(server: SignalServer, admin: AdminServer | null, drainMs: number, logger: Logger): Promise<ShutdownOutcome> {
  const started = Date.now();
  const clients = server.localConnections().size;
  logEvent(logger, 'info', 'shutdown_started', { clients, drainMs }, `shutting down: telling ${clients} client${clients === 1 ? '' : 's'} to go, waiting at most ${drainMs} ms`);
  server.goAway();
  // A node of a cluster also waits for its sessions to move to the nodes their clients resume on.
  const draining = (): boolean => server.localConnections().size > 0 || (server.clustered && server.sessionCount > 0);
  while (draining() && Date.now() - started < drainMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, drainMs - (Date.now() - started)))));
  }
  const leftBehind = server.localConnections().size;
  await server.close();
  if (admin !== null) await admin.close();
  const elapsedMs = Date.now() - started;
  logEvent(logger, 'info', 'shutdown_done', { leftBehind, elapsedMs }, `shut down in ${elapsedMs} ms${leftBehind > 0 ? `, ${leftBehind} client${leftBehind === 1 ? '' : 's'} had not left` : ''}`);
  return { leftBehind, elapsedMs };
}
