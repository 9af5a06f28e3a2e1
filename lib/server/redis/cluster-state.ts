/**
 * Builds the state of one node of a cluster over Redis: its identity and liveness, the node bus,
 * the Redis session directory and message router, the cluster-unique ids, and the stores. Used by
 * the command line and by programs that run SignalServer as a node:
 *
 *   const state = await createClusterState(config, { logger });
 *   const server = new SignalServer(config, { logger, ...state.options });
 *
 * server.close() closes the node's Redis connections (state.node.close()).
 */
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';
import type { SignalServerOptions } from '../signal-server';
import { IdBlocks } from './id-blocks';
import { BusOutbox } from './bus-outbox';
import { NodeBus } from './node-bus';
import { newNodeId } from './node-id';
import { ClusterHost, RedisNode, reserveNodeId, sessionsPerApp } from './redis-node';
import { ClusterUnavailable, describeTarget, openRedis, redisTargetOf, RedisClient, RedisTarget, waitForRedis } from './redis-connection';
import { RedisMessageRouter } from './redis-message-router';
import { RedisSessionDirectory } from './redis-session-directory';
import { MigrationHost, MigrationOutcome, SessionMover } from './session-mover';
import { RedisChannelBroker } from './redis-channel-broker';
import { RedisChannelStore } from './redis-channel-store';
import { RedisInviteStore } from './redis-invite-store';
import { RedisOfflineMessageStore } from './redis-offline-message-store';
import { RedisUserAttrStore } from './redis-user-attr-store';

/** What SignalServer needs of the node it runs as (SignalServerOptions.cluster). */
export interface ClusterNode {
  readonly nodeId: string;
  /** The first digits of every session id of this node (the node id). */
  readonly sessionIdPrefix: string;
  /** A uid no other login of the cluster has (32-bit, never 0). */
  nextUid(): number;
  /** A server message id no other message of the cluster has. */
  nextServerMsgId(): number;
  attach(host: ClusterHost & MigrationHost): void;
  /** Brings a session of another node here (its client resumed on this node); docs/cluster.md. */
  bringHere(sessionId: string, lastSeq: number): Promise<MigrationOutcome>;
  /** Stops liveness and closes the Redis connections; the server has unregistered its sessions. */
  close(): Promise<void>;
  /** Stops refreshing liveness and answering the bus, as a killed process would (tests only). */
  simulateDeath(): void;
}

export interface ClusterState {
  readonly nodeId: string;
  readonly node: ClusterNode;
  /** Spread into the SignalServer options. */
  readonly options: SignalServerOptions & { cluster: ClusterNode };
  /** The node's command connection, for stores that share it. */
  readonly redis: RedisClient;
  /**
   * Ends the session of (appId, account) where it lives on another node, with LOGGED_OUT(code,
   * reason) (the admin API's DELETE .../session); false when it is not online on another node.
   */
  endRemoteSession(appId: string, account: string, code: number, reason: string): Promise<boolean>;
  /** Sessions per App ID (latin1 key) on every node (the admin API's GET /v1/apps). */
  sessionsPerApp(): Promise<Map<string, number>>;
}

export interface ClusterStateOptions {
  logger: Logger;
  /** How long a node waits for Redis at start before it gives up (ClusterUnavailable). */
  connectWithinMs?: number;
  /** Fixed node id (tests); a random one by default. */
  nodeId?: string;
}

const UID_BLOCK = 1024;
const MSG_ID_BLOCK = 1 << 16;

/** Throws ClusterUnavailable when Redis cannot be reached within `connectWithinMs`. */
export async function createClusterState(config: ServerConfig, options: ClusterStateOptions): Promise<ClusterState> {
  const target = redisTargetOf(config);
  if (target === null) throw new Error('createClusterState needs redis or redisCluster in the configuration');
  const { logger } = options;
  const timeout = config.redisCommandTimeoutMs;
  const redis = openRedis(target, 'sig-node', timeout);
  const subscriber = openRedis(target, 'sig-bus', timeout, { shardedSubscriber: true });
  // The channel topics: a subscribed connection of their own, beside the node bus's.
  const channelSubscriber = openRedis(target, 'sig-channels', timeout);
  const connections = [redis, subscriber, channelSubscriber];
  // Errors also reach the command that failed; the connection's own events would otherwise be
  // unhandled 'error' events (fatal) or repeat once per reconnect attempt.
  let reported = false;
  const backgroundError = (what: string) => (e: unknown): void => logger.warn(`${what}: ${(e as Error)?.message ?? String(e)}`);
  for (const c of connections) {
    c.on('error', (e: Error) => {
      if (!reported) logger.error(`Redis ${describeTarget(target)}: ${e.message}`);
      reported = true;
    });
    c.on('ready', () => {
      if (reported) logger.info(`Redis ${describeTarget(target)}: connected again`);
      reported = false;
    });
  }
  try {
    await waitForRedis(redis, target, options.connectWithinMs ?? Math.max(5000, timeout));
    let nodeId = options.nodeId ?? newNodeId();
    for (let tries = 1; !(await reserveNodeId(redis, nodeId, config.nodeTimeoutMs)); tries++) {
      if (options.nodeId !== undefined || tries === 5) throw new Error(`node id ${nodeId} is in use by another node`);
      nodeId = newNodeId();
    }
    const directory = new RedisSessionDirectory(redis, nodeId, logger);
    const router = new RedisMessageRouter(directory);
    const outbox = new BusOutbox(redis);
    const bus = new NodeBus(nodeId, subscriber, outbox, router, logger, Math.max(timeout, 500));
    directory.setBus(bus);
    router.setBus(bus);
    const mover = new SessionMover(nodeId, directory, outbox, logger, Math.max(timeout, 500) * 2, (raw) => bus.redeliver(raw), target.kind === 'single');
    bus.setMover(mover);
    await bus.start();
    const uids = new IdBlocks(redis, 'uid', UID_BLOCK, 0xffffffff, (e) => logger.warn(`reserving uids failed: ${String(e)}`));
    const msgIds = new IdBlocks(redis, 'msg', MSG_ID_BLOCK, Number.MAX_SAFE_INTEGER, (e) => logger.warn(`reserving message ids failed: ${String(e)}`));
    await Promise.all([uids.start(), msgIds.start()]);
    const liveness = new RedisNode(redis, nodeId, config.nodeTimeoutMs, logger);
    await liveness.start();
    let dead = false;
    const node: ClusterNode = {
      nodeId,
      sessionIdPrefix: nodeId,
      nextUid: () => uids.take(),
      nextServerMsgId: () => msgIds.take(),
      attach: (host) => {
        liveness.attach(host);
        mover.attach(host);
      },
      bringHere: (sessionId, lastSeq) => mover.bringHere(sessionId, lastSeq),
      close: async () => {
        directory.close();
        await liveness.stop(!dead);
        mover.close();
        bus.close();
        for (const c of connections) c.disconnect();
      },
      simulateDeath: () => {
        dead = true;
        directory.close();
        liveness.simulateDeath();
        bus.close();
        subscriber.disconnect();
        channelSubscriber.disconnect();
      },
    };
    const endRemoteSession = async (appId: string, account: string, code: number, reason: string): Promise<boolean> => {
      const ref = await directory.lookup(appId, account);
      if (ref === null || ref.node === nodeId) return false;
      await bus.kick(ref.node, ref.sessionId, code, reason);
      return true;
    };
    return {
      nodeId,
      node,
      redis,
      endRemoteSession,
      sessionsPerApp: () => sessionsPerApp(redis),
      options: {
        cluster: node,
        directory,
        router,
        channels: new RedisChannelStore(redis, {
          rates: {
            userMessagesPerSecond: config.userChannelMessagesPerSecond,
            channelMessagesPerSecond: config.channelMessagesPerSecond,
            defaultChannelTtlSeconds: config.defaultChannelTtlSeconds,
            userP2pMessagesPerSecond: config.userP2pMessagesPerSecond,
          },
          bounds: {
            maxAttrsPerChannel: config.maxAttrsPerChannel,
            maxAttrBytesPerChannel: config.maxAttrBytesPerChannel,
            maxIdleAttrChannelsPerApp: config.maxIdleAttrChannelsPerApp,
          },
        }),
        broker: new RedisChannelBroker(redis, channelSubscriber, { onError: (what, e) => logger.error(`${what}: ${String(e)}`) }),
        userAttrs: new RedisUserAttrStore(redis, {
          maxAttrsPerAccount: config.maxUserAttrsPerAccount,
          maxBytesPerAccount: config.maxUserAttrBytesPerAccount,
          maxBytesTotal: config.maxUserAttrBytesTotal,
        }),
        offlineMessages: new RedisOfflineMessageStore(
          redis,
          {
            maxMessagesPerApp: config.maxHeldMessagesPerApp,
            maxBytesPerApp: config.maxHeldBytesPerApp,
            maxMessagesPerAccount: config.maxHeldMessagesPerAccount,
            maxMessagesTotal: config.maxHeldMessagesTotal,
            maxBytesTotal: config.maxHeldBytesTotal,
          },
          { onError: backgroundError('expiring held messages') },
        ),
        invites: new RedisInviteStore(redis, { onError: backgroundError('the invitations\' deadlines') }),
      },
    };
  } catch (e) {
    for (const c of connections) c.disconnect();
    throw e instanceof ClusterUnavailable ? e : new ClusterUnavailable(`starting a node on ${describeTarget(target)}`, e);
  }
}

export type { RedisTarget };
