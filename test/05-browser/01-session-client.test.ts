// lib/client's SessionClient in Node (with `ws`) against a real SignalServer: login, requests and
// events, ACKs, resume without loss, a fresh login after a server restart, giving up, logout.
import { expect } from 'chai';
import { ClientStatus, SessionClient, SessionClientListener } from '../../lib/client';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { SignalServer } from '../../lib/server';
import { freePort, sleep, startServer } from '../04-e2e/harness';
import { RecordingSockets } from './ws-sockets';

interface Heard {
  name: string;
  args: unknown[];
}

/** A SessionClient whose listener records everything it hears. */
class Probe {
  readonly heard: Heard[] = [];
  readonly sockets = new RecordingSockets();
  readonly client: SessionClient;

  constructor(wsPort: number, account: string, limits = { reconnectCount: 10, reconnectTimeS: 30 }) {
    const record = (name: string) => (...args: unknown[]) => this.heard.push({ name, args });
    const listener: SessionClientListener = {
      loginSuccess: record('loginSuccess'),
      loginFailed: record('loginFailed'),
      logout: record('logout'),
      reconnecting: record('reconnecting'),
      reconnected: record('reconnected'),
      sessionLost: record('sessionLost'),
      event: (kind, fields) => this.heard.push({ name: 'event', args: [kind, fields.map((f) => utf8Decode(f))] }),
    };
    this.client = new SessionClient(
      { appId: 'demo', account, token: '_no_need_token', url: `ws://127.0.0.1:${wsPort}`, createSocket: this.sockets.factory, clientName: 'test', ...limits },
      listener,
    );
  }

  named(name: string): Heard[] {
    return this.heard.filter((h) => h.name === name);
  }

  /** Text messages received (INSTANT_MSG events), in order. */
  messages(): string[] {
    return this.named('event')
      .filter((h) => h.args[0] === EventKind.InstantMsg)
      .map((h) => (h.args[1] as string[])[2]);
  }

  async waitFor(name: string, timeoutMs = 10000, predicate: (h: Heard) => boolean = () => true): Promise<Heard> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.heard.find((h) => h.name === name && predicate(h));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}; heard ${this.heard.map((h) => h.name).join(', ')}`);
      await sleep(20);
    }
  }

  async until(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await sleep(20);
    }
  }

  request(op: Op, args: string[]): Promise<{ code: number; text: string; values: string[] }> {
    return new Promise((resolve) =>
      this.client.request(op, args, (r) => resolve({ code: r.code, text: r.text, values: r.values.map((v) => utf8Decode(v)) })),
    );
  }
}

describe('05 browser: the session client (lib/client) in Node', function () {
  this.timeout(60000);
  const probes: Probe[] = [];
  const servers: SignalServer[] = [];

  async function probe(wsPort: number, account: string, limits?: { reconnectCount: number; reconnectTimeS: number }): Promise<Probe> {
    const p = new Probe(wsPort, account, limits);
    probes.push(p);
    p.client.start();
    await p.waitFor('loginSuccess');
    return p;
  }

  async function server(options: Record<string, unknown> = {}): Promise<Awaited<ReturnType<typeof startServer>>> {
    const s = await startServer(options);
    servers.push(s.server);
    return s;
  }

  afterEach(async () => {
    for (const p of probes.splice(0)) p.client.logout();
    for (const s of servers.splice(0)) await s.close();
  });

  it('logs in (HELLO + LOGIN), gets a uid, answers requests and delivers events both ways', async () => {
    const { wsPort } = await server();
    const alice = await probe(wsPort, 'alice');
    const bob = await probe(wsPort, 'bob');
    expect(alice.client.status).to.equal(ClientStatus.LoggedIn);
    expect(alice.client.uid).to.be.greaterThan(0);
    expect(alice.sockets.sent.slice(0, 2).map((f) => f.type)).to.deep.equal([FrameType.Hello, FrameType.Login]);

    const sent = await alice.request(Op.MsgInstant, ['bob', '0', 'hi bob', '']);
    expect(sent.code).to.equal(0);
    await bob.until(() => bob.messages().length === 1, 'bob has the message');
    const [, fields] = bob.named('event')[0].args as [number, string[]];
    expect(fields.slice(0, 3)).to.deep.equal(['alice', String(alice.client.uid), 'hi bob']);

    const status = await bob.request(Op.QueryUserStatus, ['alice']);
    expect(status.values).to.deep.equal(['1']);
    const offline = await bob.request(Op.MsgInstant, ['nobody', '0', 'x', '']);
    expect(offline.code).to.equal(400);
  });

  it('refuses a bad login with the server code and a request when logged out with 1003', async () => {
    const { wsPort } = await server();
    const p = new Probe(wsPort, 'has space');
    probes.push(p);
    p.client.start();
    const failed = await p.waitFor('loginFailed');
    expect(failed.args[0]).to.equal(209);
    expect(p.client.status).to.equal(ClientStatus.LoggedOut);
    const r = await p.request(Op.QueryUserStatus, ['x']);
    expect(r.code).to.equal(1003);
  });

  it('ACKs at least every 64 sequenced frames', async () => {
    const { wsPort } = await server();
    const alice = await probe(wsPort, 'alice');
    const bob = await probe(wsPort, 'bob');
    for (let i = 0; i < 140; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `m${i}`, ''], () => undefined);
    await bob.until(() => bob.messages().length === 140, 'bob has 140 messages');
    const acks = bob.sockets.sent.filter((f) => f.type === FrameType.Ack).map((f) => (f as { seq: number }).seq);
    expect(acks).to.include.members([64, 128]);
  });

  it('sends a PING every heartbeatMs and ACKs what is new at each heartbeat', async () => {
    const { wsPort } = await server({ heartbeatMs: 200 });
    const alice = await probe(wsPort, 'alice');
    const bob = await probe(wsPort, 'bob');
    for (let i = 0; i < 3; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `m${i}`, ''], () => undefined);
    await bob.until(() => bob.messages().length === 3, 'bob has 3 messages');
    await sleep(700);
    const pings = bob.sockets.sent.filter((f) => f.type === FrameType.Ping);
    expect(pings.length).to.be.within(2, 5);
    const acks = bob.sockets.sent.filter((f) => f.type === FrameType.Ack).map((f) => (f as { seq: number }).seq);
    expect(acks).to.deep.equal([3]);
  });

  it('treats a server that goes silent as dead (3 heartbeats) and reconnects', async () => {
    const { wsPort } = await server({ heartbeatMs: 200 });
    const alice = await probe(wsPort, 'alice');
    // Freeze what the client hears: its socket stops delivering messages, as a hung peer would.
    const ws = alice.sockets.sockets[0] as unknown as { onmessage: unknown };
    ws.onmessage = null;
    const startedAt = Date.now();
    await alice.waitFor('reconnecting', 5000);
    expect(Date.now() - startedAt).to.be.within(400, 1500);
    const reconnected = await alice.waitFor('reconnected', 5000);
    expect(reconnected.args).to.deep.equal([true]);
  });

  it('resumes a cut connection: reconnecting, reconnected, the gap delivered once and in order, a request made meanwhile answered', async () => {
    const { wsPort } = await server();
    const alice = await probe(wsPort, 'alice');
    const bob = await probe(wsPort, 'bob');
    for (let i = 0; i < 20; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `before-${i}`, ''], () => undefined);
    await bob.until(() => bob.messages().length === 20, 'bob has the first 20');

    bob.sockets.cutLatest(1500);
    await bob.waitFor('reconnecting');
    expect(bob.client.status).to.equal(ClientStatus.Reconnecting);
    for (let i = 0; i < 20; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `gap-${i}`, ''], () => undefined);
    const whileAway = bob.request(Op.MsgInstant, ['alice', '0', 'sent while away', '']);

    const reconnected = await bob.waitFor('reconnected');
    expect(reconnected.args).to.deep.equal([true]);
    expect((await whileAway).code).to.equal(0);
    await alice.until(() => alice.messages().includes('sent while away'), 'alice has bob\'s message');
    await bob.until(() => bob.messages().length === 40, 'bob has 40 messages');
    await sleep(200);
    const want = [...Array.from({ length: 20 }, (_, i) => `before-${i}`), ...Array.from({ length: 20 }, (_, i) => `gap-${i}`)];
    expect(bob.messages()).to.deep.equal(want);
    expect(alice.messages()).to.deep.equal(['sent while away']);
    expect(bob.sockets.sent.filter((f) => f.type === FrameType.Resume)).to.have.length(1);
    expect(bob.named('logout')).to.have.length(0);
  });

  it('logs in afresh when the server restarted (RESUME_FAIL), then gives up with 102 when the server stays away', async () => {
    const tcpPort = await freePort();
    const wsPort = await freePort();
    let first: SignalServer | undefined = (await server({ tcpPort, wsPort })).server;
    const alice = await probe(wsPort, 'alice', { reconnectCount: 30, reconnectTimeS: 8 });
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    first = undefined;
    await alice.waitFor('reconnecting');
    const asked = alice.request(Op.QueryUserStatus, ['alice']);
    await sleep(400);
    const second = (await server({ tcpPort, wsPort })).server;
    const reconnected = await alice.waitFor('reconnected', 20000);
    expect(reconnected.args).to.deep.equal([false]);
    expect(alice.named('sessionLost')).to.have.length(1);
    expect(alice.client.status).to.equal(ClientStatus.LoggedIn);
    // The request made while away was kept and went to the new session.
    expect((await asked).values).to.deep.equal(['1']);

    await second.close();
    servers.splice(servers.indexOf(second), 1);
    const startedAt = Date.now();
    const logout = await alice.waitFor('logout', 15000);
    expect(logout.args[0]).to.equal(102);
    expect(alice.client.status).to.equal(ClientStatus.LoggedOut);
    expect(Date.now() - startedAt).to.be.lessThan(9000);
  });

  it('stops after reconnect_count tries', async () => {
    const tcpPort = await freePort();
    const wsPort = await freePort();
    const s = (await server({ tcpPort, wsPort })).server;
    const alice = await probe(wsPort, 'alice', { reconnectCount: 2, reconnectTimeS: 30 });
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const logout = await alice.waitFor('logout', 10000);
    expect(logout.args[0]).to.equal(102);
    expect(alice.named('reconnecting').map((h) => h.args[0])).to.deep.equal([1, 2]);
  });

  it('fails the first login with 201 when no server answers', async () => {
    const wsPort = await freePort();
    const p = new Probe(wsPort, 'alice', { reconnectCount: 2, reconnectTimeS: 5 });
    probes.push(p);
    p.client.start();
    expect(p.client.status).to.equal(ClientStatus.LoggingIn);
    const failed = await p.waitFor('loginFailed', 10000);
    expect(failed.args[0]).to.equal(201);
    expect(p.named('reconnecting')).to.have.length(0);
  });

  it('logs out with 101 and goes offline at once', async () => {
    const { wsPort } = await server();
    const alice = await probe(wsPort, 'alice');
    const bob = await probe(wsPort, 'bob');
    alice.client.logout();
    const logout = await alice.waitFor('logout');
    expect(logout.args[0]).to.equal(101);
    expect(alice.client.status).to.equal(ClientStatus.LoggedOut);
    expect((await bob.request(Op.QueryUserStatus, ['alice'])).values).to.deep.equal(['0']);
  });

  it('a second login of the same account elsewhere ends the first with 103 and no reconnection', async () => {
    const { wsPort } = await server();
    const first = await probe(wsPort, 'alice');
    await probe(wsPort, 'alice');
    const logout = await first.waitFor('logout');
    expect(logout.args[0]).to.equal(103);
    await sleep(600);
    expect(first.named('reconnecting')).to.have.length(0);
  });
});
