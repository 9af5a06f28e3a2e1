/**
 * The server's own suites of user attributes, held messages and invitations (02-server), run
 * again with the Redis stores in place of the in-memory ones (one node, one redis-server): what
 * a client sees must not change.
 */
import { resolveConfig, ServerConfigInput } from '../../lib/server/config';
import { createLogger } from '../../lib/server/logger';
import { openRedis, RedisClient } from '../../lib/server/redis/redis-connection';
import { redisStateStores } from '../../lib/server/redis/redis-state-stores';
import { SignalServer } from '../../lib/server/signal-server';
import { ServerFixture } from '../02-server/server-fixture';
import { RedisProcess, startRedis } from '../support/redis-server';

const SUITES = ['user-attrs', 'offline-messages', 'invites'];

describe('11-cluster: the server on the Redis stores', function () {
  let redis: RedisProcess;
  let client: RedisClient;
  const originalStart = ServerFixture.prototype.start;

  before(async () => {
    redis = await startRedis();
    client = openRedis({ kind: 'single', url: redis.url }, 'server-on-redis-stores');
    // Each fixture's server gets the Redis stores, with the bounds its configuration sets.
    ServerFixture.prototype.start = async function (this: ServerFixture, config: ServerConfigInput = {}): Promise<void> {
      const full = { tcpPort: 0, wsPort: 0, logLevel: 'silent' as const, ...config };
      const settings = resolveConfig(full);
      const logger = createLogger('error', (line) => this.logLines.push(line));
      this.server = new SignalServer(full, { logger, ...redisStateStores(client, settings, (e) => logger.error(String(e))) });
      this.address = await this.server.listen();
    };
  });

  after(async () => {
    ServerFixture.prototype.start = originalStart;
    await client.quit();
    await redis.stop();
  });

  beforeEach(function () {
    // The defaults' 20 and 30 s do not depend on the store: waited for once, in 02-server.
    if (this.currentTest?.parent?.title.startsWith('02-server: invitation timers at the real defaults')) this.skip();
    return client.flushall();
  });

  // Loaded afresh inside this describe, so that their tests run here too (and again in 02-server).
  for (const suite of SUITES) {
    const path = require.resolve(`../02-server/${suite}.test`);
    delete require.cache[path];
    require(path);
  }
});
