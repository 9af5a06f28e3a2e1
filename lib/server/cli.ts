#!/usr/bin/env node
/** `npm start`: runs the signaling server with its in-memory state until SIGINT or SIGTERM. */
import { ConfigError, loadConfig, parseCommandLine, USAGE } from './config';
import { createLogger } from './logger';
import { AdminServer } from './ops/admin-server';
import { shutDownGracefully } from './ops/graceful-shutdown';
import { SignalServer } from './signal-server';

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
  let server;
  let admin: AdminServer | null = null;
  try {
    // Reads the TLS certificate and key: a bad file is a configuration error like a bad value.
    server = new SignalServer(config, { logger });
    if (config.adminPort !== undefined) admin = new AdminServer(server);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`agora-sig-server: ${e.message}\n`);
      process.exitCode = 2;
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
  const locked = !config.apps.acceptAnyAppId;
  const certified = config.apps.apps.filter((a) => a.certificate !== undefined).length;
  process.stdout.write(
    `Signaling server listening on\n` +
      `  TCP        ${address.tls ? 'tls://' : ''}${address.host}:${address.tcpPort}\n` +
      `  WebSocket  ${address.tls ? 'wss' : 'ws'}://${address.host}:${address.wsPort}/\n` +
      (adminAddress === null ? '' : `  Admin      ${adminAddress.tls ? 'https' : 'http'}://${adminAddress.host}:${adminAddress.port}/ (metrics, health, admin API)\n`) +
      `App IDs: ${locked ? 'only the configured ones' : 'any (no certificate needed)'}; ` +
      `${config.apps.apps.length} configured, ${certified} with a certificate.\n` +
      `Press Ctrl+C to stop.\n`,
  );

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
