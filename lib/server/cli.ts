#!/usr/bin/env node
/**
 * `npm start`: runs the signaling server until SIGINT or SIGTERM, with its state in its memory, or
 * as a node of a cluster over Redis (--redis, --redis-cluster), or as the primary of --workers nodes.
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfig, parseCommandLine, USAGE } from './config';
import { createLogger } from './logger';
import { ClusterState, createClusterState } from './redis/cluster-state';
import { ClusterUnavailable, describeTarget, openRedis, redisTargetOf, waitForRedis } from './redis/redis-connection';
import { AdminServer } from './ops/admin-server';
import { shutDownGracefully } from './ops/graceful-shutdown';
import { SignalServer } from './signal-server';
import { CONFIG_EXIT_CODE, runPrimary, workerSlot } from './workers';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let config;
  try {
    if (parseCommandLine(argv).help) {
      process.stdout.write(USAGE);
      return;
    }
    config = loadConfig(argv, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`agora-sig-server: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const target = redisTargetOf(config);
  if (config.workers > 1 && cluster.isPrimary && target !== null) {
    // The primary serves nothing itself; it checks Redis once so that a wrong address is one clear
    // error rather than workers failing in turn.
    const probe = openRedis(target, 'sig-primary', config.redisCommandTimeoutMs);
    probe.on('error', () => undefined);
    try {
      await waitForRedis(probe, target, Math.max(5000, config.redisCommandTimeoutMs));
    } catch (e) {
      process.stderr.write(`agora-sig-server: cannot start: ${(e as Error).message}\n`);
      process.exit(1);
    } finally {
      probe.disconnect();
    }
    process.exitCode = await runPrimary(config.workers, logger);
    return;
  }
  // Each worker has an admin listener of its own, on the next port after the previous worker's, so
  // that a scrape sees one node's figures.
  const slot = workerSlot();
  if (slot !== null && config.adminPort !== undefined && config.adminPort !== 0) config = { ...config, adminPort: config.adminPort + slot };
  let state: ClusterState | null = null;
  if (target !== null) {
    try {
      state = await createClusterState(config, { logger });
    } catch (e) {
      const text = e instanceof ClusterUnavailable ? e.message : `cannot start a node on ${describeTarget(target)}: ${(e as Error).message}`;
      process.stderr.write(`agora-sig-server: cannot start: ${text}\n`);
      // Now rather than once the timers of the abandoned connection attempts have run out.
      process.exit(1);
    }
  }
  let server: SignalServer;
  let admin: AdminServer | null = null;
  try {
    // Reads the TLS certificate and key: a bad file is a configuration error like a bad value.
    server = new SignalServer(config, { logger, ...state?.options });
    if (config.adminPort !== undefined) {
      admin = new AdminServer(server, state === null ? {} : { metrics: { node: state.nodeId }, endRemoteSession: state.endRemoteSession, sessionsPerApp: state.sessionsPerApp });
      if (state !== null) {
        const redis = state.redis;
        const roundTrip = admin.metrics.redisRoundTripSeconds();
        // Each readiness probe and a PING every 5 s measure the round trip the nodes' traffic waits on.
        const ping = (): Promise<true | string> => {
          const started = process.hrtime.bigint();
          return redis.ping().then(
            () => {
              roundTrip.set(Number(process.hrtime.bigint() - started) / 1e9);
              return true;
            },
            (e: unknown) => `Redis unreachable: ${(e as Error).message}`,
          );
        };
        admin.readiness.register('redis', ping);
        setInterval(() => void ping(), 5000).unref();
      }
    }
  } catch (e) {
    await state?.node.close();
    if (e instanceof ConfigError) {
      process.stderr.write(`agora-sig-server: ${e.message}\n`);
      process.exitCode = CONFIG_EXIT_CODE;
      return;
    }
    throw e;
  }
  let address;
  let adminAddress = null;
  try {
    address = await server.listen();
    if (admin !== null) adminAddress = await admin.listen();
  } catch (e) {
    process.stderr.write(`agora-sig-server: cannot listen: ${(e as Error).message}\n`);
    await server.close();
    process.exitCode = 1;
    return;
  }
  if (cluster.isWorker) {
    process.stdout.write(`Worker ${process.pid} (node ${state?.nodeId}) listening on ${address.host}:${address.tcpPort} and ${address.wsPort}\n`);
  } else {
    const locked = !config.apps.acceptAnyAppId;
    const certified = config.apps.apps.filter((a) => a.certificate !== undefined).length;
    process.stdout.write(
      `Signaling server listening on\n` +
        `  TCP        ${address.tls ? 'tls://' : ''}${address.host}:${address.tcpPort}\n` +
        `  WebSocket  ${address.tls ? 'wss' : 'ws'}://${address.host}:${address.wsPort}/\n` +
        (adminAddress === null ? '' : `  Admin      ${adminAddress.tls ? 'https' : 'http'}://${adminAddress.host}:${adminAddress.port}/ (metrics, health, admin API)\n`) +
        `App IDs: ${locked ? 'only the configured ones' : 'any (no certificate needed)'}; ` +
        `${config.apps.apps.length} configured, ${certified} with a certificate.\n` +
        (state !== null ? `Cluster node ${state.nodeId} over Redis ${describeTarget(redisTargetOf(config)!)}.\n` : '') +
        `Press Ctrl+C to stop.\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`agora-sig-server: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    // SIGTERM (an orchestrator, systemd) drains; SIGINT (Ctrl+C at a terminal) does not wait.
    shutDownGracefully(server, admin, signal === 'SIGTERM' ? config.shutdownDrainMs : 0, logger).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`agora-sig-server: shutdown failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`agora-sig-server: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
