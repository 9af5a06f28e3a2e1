import { expect } from 'chai';
import { EventKind, Op } from '../../lib/protocol';
import { createLogger, Logger, logEvent } from '../../lib/server/logger';
import { makeSignalingToken } from '../../lib/server/token';
import { SignalServer } from '../../lib/server/signal-server';
import { RawClient } from '../02-server/raw-client';
import { event, join, ok, say } from '../02-server/channel-helpers';

const CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b';
const SECRET_BODY = 'the-secret-message-body-42';

/** Logs in two users of an App ID with a certificate, sends a message and a channel message, ends. */
async function traffic(logger: Logger): Promise<{ token: string }> {
  const server = new SignalServer({ tcpPort: 0, wsPort: 0, apps: { acceptAnyAppId: false, apps: [{ appId: 'locked', certificate: CERTIFICATE }] } }, { logger });
  const { tcpPort } = await server.listen();
  const token = makeSignalingToken('locked', CERTIFICATE, 'alice', Math.floor(Date.now() / 1000) + 600);
  const alice = await RawClient.tcp(tcpPort);
  const bob = await RawClient.tcp(tcpPort);
  try {
    await alice.login('locked', 'alice', token);
    await bob.login('locked', 'bob', makeSignalingToken('locked', CERTIFICATE, 'bob', Math.floor(Date.now() / 1000) + 600));
    await ok(alice, Op.MsgInstant, ['bob', '0', SECRET_BODY, '']);
    await event(bob, EventKind.InstantMsg);
    await join(alice, 'room');
    await say(alice, 'room', SECRET_BODY);
    const wrong = await RawClient.tcp(tcpPort);
    await wrong.hello();
    wrong.sendLogin('locked', 'mallory', `1:locked:9999999999:${'0'.repeat(32)}`);
    await wrong.waitClosed();
  } finally {
    alice.destroy();
    bob.destroy();
    await server.close();
  }
  return { token };
}

describe('12 operations: log lines', () => {
  it('JSON lines: each parses, has level, time and event, the login carries App ID, account and address, and no token or message body', async () => {
    const lines: string[] = [];
    const { token } = await traffic(createLogger('debug', (line) => lines.push(line), 'json'));
    expect(lines.length).to.be.greaterThan(5);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of parsed) {
      expect(entry.level).to.be.oneOf(['error', 'warn', 'info', 'debug']);
      expect(new Date(entry.time as string).toISOString()).to.equal(entry.time);
      expect(entry.event).to.be.a('string');
      expect(entry.msg).to.be.a('string');
    }
    const login = parsed.find((e) => e.event === 'login' && e.account === 'alice');
    expect(login).to.include({ level: 'info', appId: 'locked', account: 'alice' });
    expect(login?.address).to.match(/^tcp 127\.0\.0\.1:\d+$/);
    const refusedLogin = parsed.find((e) => e.event === 'login_refused');
    expect(refusedLogin).to.include({ code: 206 });
    expect(parsed.some((e) => e.event === 'session_ended' || e.event === 'connection_closing')).to.equal(true);
    const all = lines.join('\n');
    expect(all).not.to.include(token);
    expect(all).not.to.include(token.split(':')[3]);
    expect(all).not.to.include('0'.repeat(32));
    expect(all).not.to.include(SECRET_BODY);
    expect(all).not.to.include(CERTIFICATE);
  });

  it('text lines keep their form: time, level in capitals, the text', async () => {
    const lines: string[] = [];
    const { token } = await traffic(createLogger('info', (line) => lines.push(line)));
    for (const line of lines) expect(line).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN|INFO|DEBUG) \S/);
    expect(lines.some((l) => /^\S+ INFO session [0-9a-f]{8} \(alice@locked\): logged in from tcp 127\.0\.0\.1:\d+ as uid \d+$/.test(l))).to.equal(true);
    expect(lines.some((l) => /^\S+ INFO tcp 127\.0\.0\.1:\d+: login refused \(206 wrong token: token signature does not match\)$/.test(l))).to.equal(true);
    expect(lines.join('\n')).not.to.include(token);
    expect(lines.join('\n')).not.to.include(SECRET_BODY);
  });

  it('logEvent writes the text through a logger without structured output, and nothing below its level', () => {
    const seen: string[] = [];
    const plain: Logger = {
      level: 'info',
      error: (m) => seen.push(`E ${m}`),
      warn: (m) => seen.push(`W ${m}`),
      info: (m) => seen.push(`I ${m}`),
      debug: (m) => seen.push(`D ${m}`),
      enabled: (l) => l !== 'debug',
    };
    logEvent(plain, 'info', 'login', { account: 'a' }, 'a logged in');
    logEvent(plain, 'debug', 'noise', {}, 'not shown');
    expect(seen).to.deep.equal(['I a logged in']);
    const json: string[] = [];
    const logger = createLogger('warn', (line) => json.push(line), 'json');
    logEvent(logger, 'info', 'login', {}, 'below warn');
    logger.warn('plain text');
    expect(json.map((l) => JSON.parse(l))).to.have.length(1);
    expect(JSON.parse(json[0])).to.include({ level: 'warn', event: 'log', msg: 'plain text' });
  });
});
