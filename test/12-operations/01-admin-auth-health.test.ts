import { expect } from 'chai';
import { ConfigError, loadConfig, resolveConfig } from '../../lib/server/config';
import { AdminServer } from '../../lib/server/ops/admin-server';
import { SignalServer } from '../../lib/server/signal-server';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readiness } from '../../lib/server/ops/readiness';
import { ADMIN_KEY, AdminFixture } from './admin-fixture';

describe('12 operations: the admin listener, its key and the health probes', () => {
  const fx = new AdminFixture();
  afterEach(() => fx.stop());

  it('refuses to be configured without a bearer key, naming the setting', () => {
    expect(() => resolveConfig({ adminPort: 0 })).to.throw(ConfigError, /adminKey/);
    expect(() => loadConfig(['--admin-port', '9900'], {})).to.throw(ConfigError, /admin-key/);
    expect(() => loadConfig(['--admin-port', '9900', '--admin-key', 'short'], {})).to.throw(ConfigError, /16 to 256/);
    const server = new SignalServer({ tcpPort: 0, wsPort: 0, logLevel: 'silent' });
    expect(() => new AdminServer(server)).to.throw(ConfigError, /bearer key/);
  });

  it('takes its settings from flags, the environment and the config file like every other setting', () => {
    const config = loadConfig(['--admin-port', '9900', '--log-format', 'json'], { AGORA_SIG_ADMIN_KEY: 'k'.repeat(20), AGORA_SIG_ADMIN_HOST: '0.0.0.0', AGORA_SIG_SHUTDOWN_DRAIN_MS: '2500' });
    expect(config).to.include({ adminPort: 9900, adminKey: 'k'.repeat(20), adminHost: '0.0.0.0', logFormat: 'json', shutdownDrainMs: 2500, metricsPerAppId: false });
    expect(resolveConfig({}).adminPort).to.equal(undefined);
    expect(() => loadConfig(['--log-format', 'yaml'], {})).to.throw(ConfigError, /text, json/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-admin-')), 'server.json');
    fs.writeFileSync(file, JSON.stringify({ adminPort: 9901, adminKey: 'f'.repeat(16), metricsPerAppId: true, logFormat: 'json' }));
    expect(loadConfig(['--config', file], {})).to.include({ adminPort: 9901, adminKey: 'f'.repeat(16), metricsPerAppId: true, logFormat: 'json', adminHost: '127.0.0.1' });
    expect(loadConfig(['--config', file, '--admin-port', '9902'], {}).adminPort).to.equal(9902);
  });

  it('answers 401 without the key or with a wrong one, on the metrics and the API alike', async () => {
    await fx.startWithAdmin();
    for (const path of ['/metrics', '/v1/apps', '/anything']) {
      const none = await fx.http('GET', path, undefined, null);
      expect(none.status, path).to.equal(401);
      expect(none.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(none.json.error.reason).to.match(/bearer key/);
      expect((await fx.http('GET', path, undefined, 'wrong-key-0123456789')).status, path).to.equal(401);
    }
    const basic = await fx.http('GET', '/v1/apps', undefined, null, { authorization: 'Basic dGVzdDp0ZXN0' });
    expect(basic.status).to.equal(401);
    expect((await fx.http('GET', '/v1/apps')).status).to.equal(200);
    const metrics = await fx.http('GET', '/metrics');
    expect(metrics.text).to.match(/^agora_sig_admin_requests_total\{method="GET",status="401"\} 7$/m);
    expect(metrics.text).to.match(/^agora_sig_admin_requests_total\{method="GET",status="200"\} 1$/m);
    // The API's requests and the refused keys are logged, not the scrapes; never the key.
    expect(fx.logLines.filter((l) => / WARN admin 127\.0\.0\.1:\d+: GET \/v1\/apps 401$/.test(l))).to.have.length(3);
    expect(fx.logLines.filter((l) => / INFO admin 127\.0\.0\.1:\d+: GET \/v1\/apps 200$/.test(l))).to.have.length(1);
    expect(fx.logLines.some((l) => l.includes('/metrics 200'))).to.equal(false);
    expect(fx.logLines.join('\n')).not.to.include(ADMIN_KEY);
  });

  it('serves /healthz and /readyz without the key; /readyz says 503 once the server is told to go', async () => {
    await fx.startWithAdmin();
    const health = await fx.http('GET', '/healthz', undefined, null);
    expect(health.status).to.equal(200);
    expect(health.text).to.equal('ok\n');
    const ready = await fx.http('GET', '/readyz', undefined, null);
    expect(ready.status).to.equal(200);
    expect(ready.json).to.deep.equal({ ready: true, checks: { listening: 'ok' } });
    fx.server.goAway();
    const draining = await fx.http('GET', '/readyz', undefined, null);
    expect(draining.status).to.equal(503);
    expect(draining.json.checks.listening).to.equal('shutting down');
    expect((await fx.http('GET', '/healthz', undefined, null)).status).to.equal(200);
  });

  it('takes readiness checks from the cluster code: a failing, throwing or silent one makes /readyz 503', async () => {
    await fx.startWithAdmin();
    let redisUp = true;
    fx.admin.readiness.register('redis', async () => redisUp || 'redis does not answer PING');
    expect((await fx.http('GET', '/readyz', undefined, null)).json).to.deep.equal({ ready: true, checks: { listening: 'ok', redis: 'ok' } });
    redisUp = false;
    const down = await fx.http('GET', '/readyz', undefined, null);
    expect(down.status).to.equal(503);
    expect(down.json.checks).to.deep.equal({ listening: 'ok', redis: 'redis does not answer PING' });
    fx.admin.readiness.register('redis', () => {
      throw new Error('connection refused');
    });
    expect((await fx.http('GET', '/readyz', undefined, null)).json.checks.redis).to.equal('failed: connection refused');
    fx.admin.readiness.unregister('redis');
    const quick = new Readiness(50);
    quick.register('silent', () => new Promise<boolean>(() => undefined));
    expect(await quick.evaluate()).to.deep.equal({ ready: false, checks: { silent: 'no answer within 50 ms' } });
    expect((await fx.http('GET', '/readyz', undefined, null)).status).to.equal(200);
  });

  it('answers unknown routes 404, wrong methods 405, bad bodies 400 or 415, and oversized ones 413', async () => {
    await fx.startWithAdmin();
    expect((await fx.http('GET', '/v2/apps')).status).to.equal(404);
    expect((await fx.http('GET', '/v1/nothing')).status).to.equal(404);
    expect((await fx.http('GET', '/v1/apps/demo/whatever/x/y/z')).status).to.equal(404);
    const wrongMethod = await fx.http('DELETE', '/v1/apps');
    expect(wrongMethod.status).to.equal(405);
    expect(wrongMethod.json.error.reason).to.match(/allowed: GET/);
    const notJson = await fx.http('POST', '/v1/apps/demo/online', '{"accounts": [');
    expect(notJson.status).to.equal(400);
    expect(notJson.json.error.reason).to.match(/not valid JSON/);
    const wrongType = await fx.http('POST', '/v1/apps/demo/online', 'accounts=a', ADMIN_KEY, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).to.equal(415);
    const big = await fx.http('POST', '/v1/apps/demo/online', { accounts: ['x'.repeat(70 * 1024)] });
    expect(big.status).to.equal(413);
    expect(big.json.error.reason).to.match(/over 65536 bytes/);
    const badPath = await fx.http('GET', '/v1/apps/%E0%A4%A/channels/x');
    expect(badPath.status).to.equal(400);
    // The listener still serves after all of these.
    expect((await fx.http('GET', '/v1/apps')).status).to.equal(200);
  });
});
