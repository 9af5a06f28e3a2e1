import { expect } from 'chai';
import { ConfigError, loadConfig, resolveConfig } from '../../lib/server/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';

describe('11-cluster: the cluster settings', () => {
  it('takes --redis, --redis-cluster, --workers, --node-timeout-ms from flags, the environment and the config file', () => {
    const fromFlags = loadConfig(['--redis', 'redis://10.0.0.5:6380/2', '--workers', '3', '--node-timeout-ms', '4000'], {});
    expect(fromFlags).to.include({ redis: 'redis://10.0.0.5:6380/2', workers: 3, nodeTimeoutMs: 4000 });
    const fromEnv = loadConfig([], { AGORA_SIG_REDIS_CLUSTER: 'a:7000,b:7001', AGORA_SIG_WORKERS: 'auto', AGORA_SIG_REDIS_COMMAND_TIMEOUT_MS: '750' });
    expect(fromEnv).to.include({ redisCluster: 'a:7000,b:7001', workers: availableParallelism(), redisCommandTimeoutMs: 750 });
    const dir = mkdtempSync(path.join(tmpdir(), 'sig-cluster-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ redis: 'redis://127.0.0.1:7777', workers: 2, nodeTimeoutMs: 3000 }));
    try {
      expect(loadConfig(['--config', file], {})).to.include({ redis: 'redis://127.0.0.1:7777', workers: 2, nodeTimeoutMs: 3000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(resolveConfig({})).to.include({ workers: 1, nodeTimeoutMs: 10000, redisCommandTimeoutMs: 2000 });
    expect(resolveConfig({}).redis).to.equal(undefined);
  });

  it('refuses bad values with a readable ConfigError', () => {
    expect(() => loadConfig(['--redis', 'http://x:1'], {})).to.throw(ConfigError, /--redis must be redis:\/\/host:port\[\/db\], got "http:\/\/x:1": the scheme is http:/);
    expect(() => loadConfig(['--redis', 'redis://x:1/a/b'], {})).to.throw(ConfigError, /not a database number/);
    expect(() => loadConfig(['--redis', 'not a url'], {})).to.throw(ConfigError, /not a URL/);
    expect(() => loadConfig(['--redis-cluster', 'a:1,b'], {})).to.throw(ConfigError, /--redis-cluster must be host:port,host:port,...: "b" is not host:port/);
    expect(() => loadConfig(['--workers', 'many', '--redis', 'redis://x:1'], {})).to.throw(ConfigError, /--workers \(a number or auto\) must be an integer from 1 to 1024/);
    expect(() => loadConfig(['--redis', 'redis://x:1', '--redis-cluster', 'a:1'], {})).to.throw(ConfigError, /redis and redisCluster exclude each other/);
  });

  it('refuses more than one worker without Redis, saying why', () => {
    expect(() => loadConfig(['--workers', '2'], {})).to.throw(ConfigError, /workers 2 needs redis or redisCluster: separate processes share their state only through Redis/);
    expect(loadConfig(['--workers', '1'], {}).workers).to.equal(1);
  });
});
