import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../lib/server/config';

describe('02-server: configuration', () => {
  let dir: string;
  let file: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig-config-'));
    file = path.join(dir, 'server.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        host: '127.0.0.2',
        tcpPort: 1001,
        wsPort: 1002,
        heartbeatMs: 3000,
        resumeWindowMs: 4000,
        apps: { acceptAnyAppId: false, apps: [{ appId: 'app-a' }, { appId: 'app-b', certificate: 'cert-b' }] },
      }),
    );
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to loopback, ports 9720/9721 and any App ID', () => {
    const config = loadConfig([], {});
    expect(config).to.deep.include({ host: '127.0.0.1', tcpPort: 9720, wsPort: 9721, heartbeatMs: 10000, loginTimeoutMs: 10000, resumeWindowMs: 60000, maxFrameBytes: 1048576 });
    expect(config.apps).to.deep.equal({ acceptAnyAppId: true, apps: [] });
    expect(DEFAULT_CONFIG.tcpPort).to.equal(9720);
  });

  it('reads the config file named by --config or AGORA_SIG_CONFIG', () => {
    for (const config of [loadConfig(['--config', file], {}), loadConfig([], { AGORA_SIG_CONFIG: file })]) {
      expect(config).to.deep.include({ host: '127.0.0.2', tcpPort: 1001, wsPort: 1002, heartbeatMs: 3000, resumeWindowMs: 4000 });
      expect(config.apps).to.deep.equal({ acceptAnyAppId: false, apps: [{ appId: 'app-a' }, { appId: 'app-b', certificate: 'cert-b' }] });
    }
  });

  it('lets environment variables override the file, and flags override both', () => {
    const env = { AGORA_SIG_CONFIG: file, AGORA_SIG_TCP_PORT: '2001', AGORA_SIG_HEARTBEAT_MS: '5000', AGORA_SIG_LOG_LEVEL: 'debug' };
    const fromEnv = loadConfig([], env);
    expect(fromEnv).to.deep.include({ host: '127.0.0.2', tcpPort: 2001, wsPort: 1002, heartbeatMs: 5000, logLevel: 'debug' });
    expect(loadConfig([], { ...env, AGORA_SIG_ACCEPT_ANY_APP_ID: 'yes' }).apps).to.deep.equal({
      acceptAnyAppId: true,
      apps: [{ appId: 'app-a' }, { appId: 'app-b', certificate: 'cert-b' }],
    });
    const fromFlags = loadConfig(['--tcp-port', '3001', '--ws-port=3002', '--log-level', 'error', '--app-ids', 'x,y:cy', '--accept-any-app-id', 'true'], env);
    expect(fromFlags).to.deep.include({ host: '127.0.0.2', tcpPort: 3001, wsPort: 3002, heartbeatMs: 5000, logLevel: 'error' });
    expect(fromFlags.apps).to.deep.equal({ acceptAnyAppId: true, apps: [{ appId: 'x' }, { appId: 'y', certificate: 'cy' }] });
    expect(loadConfig(['--login-timeout-ms', '2500'], { AGORA_SIG_LOGIN_TIMEOUT_MS: '7000' }).loginTimeoutMs).to.equal(2500);
    expect(loadConfig([], { AGORA_SIG_LOGIN_TIMEOUT_MS: '7000' }).loginTimeoutMs).to.equal(7000);
  });

  it('rejects bad values with a readable error', () => {
    const bad: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--tcp-port', '70000'], {}, /--tcp-port must be an integer from 0 to 65535/],
      [[], { AGORA_SIG_WS_PORT: 'abc' }, /AGORA_SIG_WS_PORT must be an integer/],
      [['--log-level', 'loud'], {}, /--log-level must be one of/],
      [['--login-timeout-ms', '50'], {}, /--login-timeout-ms must be an integer from 100 to 3600000/],
      [['--nope'], {}, /unknown option --nope/],
      [['--host'], {}, /--host needs a value/],
      [['--config', path.join(dir, 'missing.json')], {}, /cannot read config file/],
    ];
    for (const [argv, env, message] of bad) expect(() => loadConfig(argv, env)).to.throw(ConfigError, message);
    const typo = path.join(dir, 'typo.json');
    fs.writeFileSync(typo, '{"tcpport": 1}');
    expect(() => loadConfig(['--config', typo], {})).to.throw(ConfigError, /unknown key "tcpport"/);
    fs.writeFileSync(typo, '{"apps": {"acceptAny": false}}');
    expect(() => loadConfig(['--config', typo], {})).to.throw(ConfigError, /apps has an unknown key "acceptAny"/);
    fs.writeFileSync(typo, '{not json');
    expect(() => loadConfig(['--config', typo], {})).to.throw(ConfigError, /not valid JSON/);
  });
});
