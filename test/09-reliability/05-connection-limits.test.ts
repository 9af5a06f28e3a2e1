/**
 * Issue 11, case 5: connection limits. On main idle sockets could use up the file descriptors and
 * lock every login out without a log line, sockets could send 1 MiB each before HELLO, a logged-in
 * client could trickle an unfinished frame for ever, and an HTTP request that never finishes its
 * headers was held for over a minute. Now: a total, a per-address limit and a reserve, refused
 * sockets closed at once (TCP) or answered 503 (WebSocket/HTTP) with a summary log line, a
 * handshake deadline from accept that covers the HTTP upgrade, 16 KiB frames before login, and a
 * deadline for a started frame.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, encodeFrameWithLength, Frame, FrameType, PROTOCOL_VERSION, utf8Decode, utf8Encode } from '../../lib/protocol';
import { defaultMaxConnections } from '../../lib/server/connection-limits';
import { loadConfig } from '../../lib/server/config';
import { ServerFixture } from '../02-server/server-fixture';

const APP = 'app-limits';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw socket that records whether (and when) the server closed it and what it sent. */
class Idle {
  closedAtMs = 0;
  received = Buffer.alloc(0);
  readonly openedMs = Date.now();
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => (this.received = Buffer.concat([this.received, d])));
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closedAtMs = Date.now()));
  }

  static connect(port: number, localAddress = '127.0.0.1'): Promise<Idle> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress });
      socket.once('connect', () => resolve(new Idle(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedAtMs !== 0;
  }

  async waitClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await sleep(10);
  }
}

describe('09-reliability: connection limits', function () {
  this.timeout(30000);
  const fixture = new ServerFixture();
  let sockets: Idle[] = [];
  afterEach(async () => {
    for (const s of sockets) s.socket.destroy();
    sockets = [];
    await fixture.stop();
  });

  async function idle(count: number, localAddress?: string): Promise<Idle[]> {
    const made: Idle[] = [];
    for (let i = 0; i < count; i++) made.push(await Idle.connect(fixture.address.tcpPort, localAddress));
    sockets.push(...made);
    await sleep(200);
    return made;
  }

  it('derives the default total from the open-files limit, leaving a margin', () => {
    expect(defaultMaxConnections(1024)).to.equal(960);
    expect(defaultMaxConnections(1048576)).to.equal(1048576 - 52428);
    const openFiles = Number(/Max open files\s+(\d+)/.exec(fs.readFileSync('/proc/self/limits', 'latin1'))?.[1]);
    expect(loadConfig([], {}).maxConnections).to.equal(defaultMaxConnections(openFiles)).and.to.be.lessThan(openFiles);
    expect(loadConfig(['--max-connections', '50', '--reserved-connections', '5'], { AGORA_SIG_MAX_CONNECTIONS_PER_ADDRESS: '7' })).to.deep.include({
      maxConnections: 50,
      reservedConnections: 5,
      maxConnectionsPerAddress: 7,
    });
  });

  it('a flood of idle sockets cannot lock logins out: past the total minus the reserve the oldest idle socket makes room, with one summary line', async () => {
    await fixture.start({ maxConnections: 10, reservedConnections: 4 });
    const users = [await fixture.loggedIn(APP, 'u1'), await fixture.loggedIn(APP, 'u2'), await fixture.loggedIn(APP, 'u3')];
    const flood = await idle(10);
    // 3 logged in + 6 without a session (10 - 4 reserved): each of the last 4 pushed out the oldest.
    expect(flood.map((s) => s.closed)).to.deep.equal([true, true, true, true, false, false, false, false, false, false]);
    expect(flood.filter((s) => s.closed).every((s) => s.received.length === 0)).to.equal(true);
    expect(fixture.server.connectionLimits.count).to.equal(9);
    // A user logs in while the flood holds the pool: it gets in, and the oldest idle socket goes.
    await fixture.loggedIn(APP, 'u4');
    await sleep(100);
    expect(flood.filter((s) => s.closed).length).to.equal(5);
    await sleep(1200);
    const summary = fixture.logLines.filter((l) => l.includes('refused or closed'));
    expect(summary.length).to.equal(1);
    expect(summary[0]).to.match(/WARN refused or closed 5 connections: 5 closed the oldest connection without a session to make room \(10 - 4 reserved\)/);
    // The logged-in users were not disturbed.
    for (const u of users) expect(u.client.closed).to.equal(false);
  });

  it('refuses a new socket only when the total is full of sessions', async () => {
    await fixture.start({ maxConnections: 3, reservedConnections: 1 });
    for (const name of ['u1', 'u2', 'u3']) await fixture.loggedIn(APP, name);
    const [late] = await idle(1);
    await late.waitClosed(1000);
    expect(late.closed).to.equal(true);
    expect(late.received.length).to.equal(0);
    await sleep(1100);
    expect(fixture.logLines.some((l) => /refused or closed 1 connection: 1 over the connection limit \(3\)/.test(l))).to.equal(true);
  });

  it('refuses a source address over its limit while others still log in, and answers a WebSocket over a limit 503', async () => {
    await fixture.start({ maxConnections: 12, reservedConnections: 2, maxConnectionsPerAddress: 5 });
    const flood = await idle(8, '127.0.0.1');
    expect(flood.filter((s) => !s.closed).length).to.equal(5);
    // Another address logs in.
    const other = await Idle.connect(fixture.address.tcpPort, '127.0.0.2');
    sockets.push(other);
    other.socket.write(encodeFrameWithLength({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('t') }));
    other.socket.write(encodeFrameWithLength({ type: FrameType.Login, appId: utf8Encode(APP), account: utf8Encode('eve'), token: utf8Encode('_no_need_token'), uid: 0, deviceId: utf8Encode('t') }));
    await sleep(200);
    expect(other.closed).to.equal(false);
    expect(other.received.length).to.be.greaterThan(0);
    // A WebSocket from the address over its limit is told 503.
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${fixture.address.wsPort}/`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    expect(status).to.equal(503);
    // Idle sockets from more addresses push the oldest idle ones out rather than being refused.
    const more: Idle[] = [];
    for (let i = 3; i < 12; i++) more.push(await Idle.connect(fixture.address.tcpPort, `127.0.0.${i}`));
    sockets.push(...more);
    await sleep(100);
    expect(other.closed).to.equal(false);
    await sleep(1100);
    expect(fixture.logLines.some((l) => /refused or closed .*over the per-address limit \(5\)/.test(l))).to.equal(true);
  });

  it('closes an HTTP request that never completes its upgrade at the handshake deadline (slowloris)', async () => {
    await fixture.start({ loginTimeoutMs: 600 });
    const slow = await Idle.connect(fixture.address.wsPort);
    sockets.push(slow);
    slow.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => slow.closed || slow.socket.write('X-Slow: 1\r\n'), 100);
    try {
      await slow.waitClosed(3000);
    } finally {
      clearInterval(trickle);
    }
    expect(slow.closed).to.equal(true);
    expect(slow.closedAtMs - slow.openedMs).to.be.lessThan(1200);
    await sleep(1100);
    expect(fixture.logLines.some((l) => /refused or closed 1 connection: 1 closed without a WebSocket upgrade within 600 ms/.test(l))).to.equal(true);
  });

  it('accepts only a small frame before login, over TCP and WebSocket, and charges partial frames to the budget', async () => {
    await fixture.start();
    const big = await Idle.connect(fixture.address.tcpPort);
    sockets.push(big);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1024 * 1024);
    big.socket.write(header);
    big.socket.write(Buffer.alloc(8000));
    await big.waitClosed(2000);
    expect(big.closed).to.equal(true);
    expect(big.received.toString('latin1')).to.contain('frame too large: 1048576 bytes (at most 16384 bytes before login)');

    const ws = new WebSocket(`ws://127.0.0.1:${fixture.address.wsPort}/`);
    const code = await new Promise<number>((resolve) => {
      ws.on('open', () => ws.send(Buffer.alloc(100 * 1024)));
      ws.on('close', (c) => resolve(c));
      ws.on('error', () => undefined);
    });
    expect(code).to.equal(1009);

    // A logged-in client may send large frames; the part received of one is charged as inputBuffers.
    const { client } = await fixture.loggedIn(APP, 'frank');
    const partial = Buffer.alloc(4 + 50000);
    partial.writeUInt32BE(100000);
    client.sendRaw(partial);
    await sleep(200);
    expect(fixture.server.memoryBudget.snapshot().byCategory.inputBuffers).to.equal(50004);
    client.destroy();
    await sleep(200);
    expect(fixture.server.memoryBudget.snapshot().byCategory.inputBuffers).to.equal(0);
  });

  it('disconnects a logged-in client that trickles an unfinished frame, with BYE(104) and a log line naming it', async () => {
    await fixture.start({ frameTimeoutMs: 600 });
    const { client } = await fixture.loggedIn(APP, 'mallory');
    const start = Buffer.alloc(4 + 10);
    start.writeUInt32BE(1024 * 1024);
    client.sendRaw(start);
    // A byte every 100 ms: never silent, never done.
    const trickle = setInterval(() => client.closed || client.sendRaw(Buffer.alloc(1)), 100);
    try {
      const bye = await client.expect(FrameType.Bye, 3000);
      expect(bye.code).to.equal(104);
      expect(utf8Decode(bye.text)).to.equal('a frame was not completed within 600 ms of its first bytes');
      await client.waitClosed();
    } finally {
      clearInterval(trickle);
    }
    expect(fixture.logLines.some((l) => /WARN tcp 127\.0\.0\.1:\d+ \(session \w+ \(mallory@app-limits\)\): disconnecting: a frame was not completed/.test(l))).to.equal(true);
  });

  it('disconnects a logged-in WebSocket client that trickles an unfinished message', async () => {
    await fixture.start({ frameTimeoutMs: 600 });
    const ws = new WebSocket(`ws://127.0.0.1:${fixture.address.wsPort}/`);
    const frames: Frame[] = [];
    let closedAt = 0;
    ws.on('message', (data) => frames.push(decodeFrame(new Uint8Array(data as Buffer))));
    ws.on('close', () => (closedAt = Date.now()));
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('t') }));
    ws.send(encodeFrame({ type: FrameType.Login, appId: utf8Encode(APP), account: utf8Encode('trudy'), token: utf8Encode('_no_need_token'), uid: 0, deviceId: utf8Encode('t') }));
    while (!frames.some((f) => f.type === FrameType.LoginOk)) await sleep(10);
    // A masked binary frame of 1,000 bytes whose payload comes a byte every 100 ms.
    const socket = (ws as unknown as { _socket: net.Socket })._socket;
    socket.write(Buffer.from([0x82, 0x80 | 126, 0x03, 0xe8, 1, 2, 3, 4]));
    const trickle = setInterval(() => closedAt !== 0 || socket.write(Buffer.alloc(1)), 100);
    try {
      const deadline = Date.now() + 3000;
      while (closedAt === 0 && Date.now() < deadline) await sleep(20);
    } finally {
      clearInterval(trickle);
    }
    expect(closedAt).to.not.equal(0);
    const bye = frames.find((f) => f.type === FrameType.Bye);
    expect(bye !== undefined && bye.type === FrameType.Bye && utf8Decode(bye.text)).to.equal('a frame was not completed within 600 ms of its first bytes');
  });
});
