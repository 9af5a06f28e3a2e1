/**
 * The reliability soak (docs/reliability.md): a real SignalServer (in this process or a child
 * process of its own, soak-server.ts), many session
 * clients (lib/client) over TCP and WebSocket, each behind a relay that cuts its connection now and
 * then (some cuts outlast the resume window), a slow reader that stops reading while others flood
 * it, and a hostile client, all for a given time at a steady, bounded rate. At the end every message
 * is accounted for (soak-ledger.ts) and the server's memory compared with its budget.
 *
 * Everything is bounded: each client sends at most `messagesPerSecond` with at most `maxInFlight`
 * unanswered, every phase has a deadline, and all traffic goes to 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ClientStatus, SessionClient, WebSocketLike } from '../../lib/client';
import { EventKind, Op, utf8Decode } from '../../lib/protocol';
import { BudgetSnapshot } from '../../lib/server/state/memory-budget';
import { TcpProxy } from '../04-e2e/tcp-proxy';
import { abusiveRound, attrFlood, emptyHostileFigures, HostileFigures, idleConnections } from './soak-hostile';
import { LedgerFigures, SoakLedger } from './soak-ledger';
import { startChildProcess, startInProcess } from './soak-server';
import { TcpFrameSocket, tcpFrameSocketFactory } from './tcp-frame-socket';

export interface SoakOptions {
  /** How long traffic runs (setup and the settling at the end come on top). */
  seconds: number;
  /** Ordinary clients (the slow reader comes on top). */
  clients: number;
  /** Share of the ordinary clients on WebSocket; the others use TCP. */
  webSocketShare: number;
  /** Channels the clients are spread over (one channel per session, as the protocol has it). */
  channels: number;
  /** Messages each ordinary client sends per second, and the share of them that are channel messages. */
  messagesPerSecond: number;
  channelShare: number;
  /** Unanswered requests a client may have before it waits. */
  maxInFlight: number;
  /** Padding of a body, chosen at random in this range (the tag and checksum come on top). */
  minPadBytes: number;
  maxPadBytes: number;
  /** A cut of a random client's relay every this many ms; this share of them outlast the resume window. */
  cutEveryMs: number;
  longCutShare: number;
  /** The slow reader stops reading for `stallMs` every `stallEveryMs`; meanwhile `flooders` clients send it `floodPerSecond` each. */
  stallMs: number;
  stallEveryMs: number;
  flooders: number;
  floodPerSecond: number;
  floodPadBytes: number;
  /** A hostile round every this many ms (0: none); idle connections opened once. */
  hostileEveryMs: number;
  hostileAttrSets: number;
  idleConnections: number;
  /** Server settings that make the run interesting (short heartbeat and resume window, small bounds). */
  heartbeatMs: number;
  resumeWindowMs: number;
  loginTimeoutMs: number;
  memoryBudgetBytes: number;
  maxKeptFrames: number;
  maxKeptBytes: number;
  maxFrameBytes: number;
  /**
   * Allowed growth of the RSS over its value before traffic, beyond the budget; 0: 96 MiB for a
   * server process of its own, 256 MiB in process (where the clients and relays count too).
   */
  rssMarginBytes: number;
  /** 1: the server runs in a child process (a clean server RSS); 0: in this process. */
  serverProcess: number;
  seed: number;
  /** Deliberate faults, to see the soak fail: a receiver that ignores one message, or records one twice. */
  fault?: 'drop-one' | 'duplicate-one';
  /** Progress lines (every few seconds); none when absent. */
  progress?: (line: string) => void;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  seconds: 60,
  clients: 60,
  webSocketShare: 0.3,
  channels: 5,
  messagesPerSecond: 4,
  channelShare: 0.2,
  maxInFlight: 32,
  minPadBytes: 16,
  maxPadBytes: 600,
  cutEveryMs: 500,
  longCutShare: 0.15,
  // Under 3 heartbeats, or the client would call its own connection dead; long enough that the
  // flood takes it over the kept bound and the server's grace of 2 heartbeats runs out.
  stallMs: 4200,
  stallEveryMs: 8000,
  flooders: 3,
  floodPerSecond: 150,
  floodPadBytes: 2000,
  hostileEveryMs: 5000,
  hostileAttrSets: 2400,
  idleConnections: 100,
  heartbeatMs: 1500,
  resumeWindowMs: 4000,
  loginTimeoutMs: 4000,
  memoryBudgetBytes: 32 * 1024 * 1024,
  maxKeptFrames: 300,
  maxKeptBytes: 1024 * 1024,
  maxFrameBytes: 64 * 1024,
  rssMarginBytes: 0,
  serverProcess: 1,
  seed: 1,
};

export interface MemoryFigures {
  budgetLimitBytes: number;
  budgetPeakBytes: number;
  /** The budget's account at the sample where it was highest, and the refusals at the end. */
  budgetAtPeak: BudgetSnapshot['byCategory'];
  budgetRefusals: BudgetSnapshot['refusals'];
  budgetUsedAtEnd: number;
  /** Whose RSS and heap these are: the server's own process, or the test process with everything in it. */
  rssOf: string;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  heapUsedPeakBytes: number;
}

export interface SoakReport {
  options: SoakOptions;
  trafficSeconds: number;
  ledger: LedgerFigures;
  misdelivered: number;
  cuts: { short: number; long: number };
  stalls: number;
  resumes: number;
  freshLogins: number;
  logouts: Record<string, number>;
  /** What happened to the slow reader's connection and sessions. */
  slowReader: { resumes: number; freshLogins: number };
  notLoggedInAtEnd: number;
  /** Sessions that ended although their client was not cut for longer than the resume window. */
  unexpectedSessionEnds: number;
  /** Which clients those were, and how many each. */
  unexpectedBy: string;
  serverWarnings: number;
  hostile: HostileFigures;
  memory: MemoryFigures;
  /** Each broken expectation, in words; empty when the run passed. */
  failures: string[];
}

/** A small deterministic PRNG (mulberry32), so a run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APP_ID = 'soak';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface SoakClient {
  account: string;
  channel: string;
  transport: 'tcp' | 'ws';
  proxy: TcpProxy | null;
  client: SessionClient;
  joined: boolean;
  tokens: number;
  /** Sockets opened since the current login began (more than one: a session may have been left behind). */
  loginSockets: number;
  socket: TcpFrameSocket | null;
  flooder: boolean;
  /** Cuts of this client's relay longer than the resume window, and fresh logins it made after losing a session. */
  longCuts: number;
  freshLogins: number;
}

/** Runs one soak and returns its figures; throws only when it cannot set up. */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const o: SoakOptions = { ...DEFAULT_SOAK_OPTIONS, ...overrides };
  // What to undo if the run throws half-way, newest first: a server process left running would keep
  // mocha alive through its IPC channel.
  const undo: Array<() => unknown> = [];
  try {
    return await soak(o, undo);
  } catch (e) {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // Best effort: the first error is the one to report.
      }
    }
    throw e;
  }
}

async function soak(o: SoakOptions, undo: Array<() => unknown>): Promise<SoakReport> {
  const rand = random(o.seed);
  const ledger = new SoakLedger();
  const progress = o.progress ?? ((): void => undefined);
  const serverConfig = {
    heartbeatMs: o.heartbeatMs,
    resumeWindowMs: o.resumeWindowMs,
    loginTimeoutMs: o.loginTimeoutMs,
    memoryBudgetBytes: o.memoryBudgetBytes,
    maxKeptFrames: o.maxKeptFrames,
    maxKeptBytes: o.maxKeptBytes,
    maxFrameBytes: o.maxFrameBytes,
  };
  const server = o.serverProcess ? await startChildProcess(serverConfig) : await startInProcess(serverConfig);
  undo.push(() => server.close());
  const address = { tcpPort: server.tcpPort, wsPort: server.wsPort };
  const target = { tcpPort: address.tcpPort, wsPort: address.wsPort, appId: APP_ID };

  let running = true;
  let faultDone = false;
  let trafficStartedAt = 0;
  const counts = { shortCuts: 0, longCuts: 0, stalls: 0, resumes: 0, freshLogins: 0 };
  const logouts: Record<string, number> = {};
  const slowCounts = { resumes: 0, freshLogins: 0 };
  const clients: SoakClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  undo.push(() => {
    running = false;
    for (const t of timers) clearInterval(t);
  });

  const makeClient = async (account: string, transport: 'tcp' | 'ws', viaRelay: boolean, channel: string, flooder: boolean): Promise<SoakClient> => {
    let proxy: TcpProxy | null = null;
    const port = transport === 'tcp' ? address.tcpPort : address.wsPort;
    if (viaRelay) {
      const relay = new TcpProxy(port);
      proxy = relay;
      await relay.listen();
      undo.push(() => relay.close());
    }
    const relayPort = proxy?.port ?? port;
    const url = transport === 'tcp' ? `tcp://127.0.0.1:${relayPort}` : `ws://127.0.0.1:${relayPort}/`;
    const entry = { account, channel, transport, proxy, joined: false, tokens: 0, loginSockets: 0, socket: null, flooder, longCuts: 0, freshLogins: 0 } as Omit<SoakClient, 'client'> as SoakClient;
    const tcpFactory = tcpFrameSocketFactory((socket) => {
      entry.socket = socket;
    });
    const createSocket = (u: string): WebSocketLike => {
      entry.loginSockets++;
      return transport === 'tcp' ? tcpFactory(u) : (new WebSocket(u) as unknown as WebSocketLike);
    };
    const sessionStarted = (): void => {
      ledger.sessionStarted(account, performance.now(), entry.loginSockets > 1);
      entry.joined = false;
      entry.client.request(Op.ChannelJoin, [channel], () => undefined);
    };
    entry.client = new SessionClient(
      { appId: APP_ID, account, token: '_no_need_token', url, createSocket, reconnectCount: 1_000_000, reconnectTimeS: 3600, clientName: 'soak/1' },
      {
        loginSuccess: () => sessionStarted(),
        reconnected: (resumed) => {
          const mine = account === 'soak-slow' ? slowCounts : null;
          if (resumed) {
            counts.resumes++;
            if (mine) mine.resumes++;
          } else {
            counts.freshLogins++;
            entry.freshLogins++;
            if (mine) mine.freshLogins++;
            sessionStarted();
          }
          entry.loginSockets = 0;
        },
        sessionLost: () => {
          ledger.sessionEnded(account);
          ledger.senderSessionEnded(account);
          // The fresh LOGIN goes out on the socket that is open now.
          entry.loginSockets = 1;
        },
        logout: (code) => {
          ledger.sessionEnded(account);
          ledger.senderLoggedOut(account);
          logouts[String(code)] = (logouts[String(code)] ?? 0) + 1;
          if (running) {
            timers.push(
              setTimeout(() => {
                entry.loginSockets = 0;
                entry.client.start();
              }, 500),
            );
          }
        },
        event: (kind, fields) => {
          if (kind === EventKind.ChannelJoined) {
            entry.joined = true;
            return;
          }
          let channelName = '';
          let sender: Uint8Array;
          let msg: Uint8Array;
          let id: Uint8Array;
          if (kind === EventKind.InstantMsg) [sender, , msg, id] = fields;
          else if (kind === EventKind.ChannelMsg) {
            let name: Uint8Array;
            [name, sender, , msg, id] = fields;
            channelName = utf8Decode(name);
          } else return;
          const messageKind = kind === EventKind.InstantMsg ? 'p2p' : 'channel';
          const record = (): void => ledger.received(account, messageKind, channelName, utf8Decode(sender), utf8Decode(msg), Number(utf8Decode(id)));
          if (o.fault !== undefined && !faultDone && messageKind === 'p2p' && trafficStartedAt > 0 && performance.now() - trafficStartedAt > 2000) {
            faultDone = true;
            if (o.fault === 'drop-one') return;
            record();
          }
          record();
        },
      },
    );
    undo.push(() => entry.client.logout());
    return entry;
  };

  // --- set-up: every client logged in and in its channel -------------------------------------
  const webSocketCount = Math.round(o.clients * o.webSocketShare);
  for (let i = 0; i < o.clients; i++) {
    const transport = i < o.clients - webSocketCount ? 'tcp' : 'ws';
    clients.push(await makeClient(`soak-${i}`, transport, true, `room-${i % o.channels}`, i < o.flooders));
  }
  // The slow reader talks to the server directly, so that its stalls reach the server's socket.
  const slow = await makeClient('soak-slow', 'tcp', false, `room-0`, false);
  clients.push(slow);
  const accounts = clients.map((c) => c.account);
  for (const c of clients) {
    c.loginSockets = 0;
    c.client.start();
  }
  const setupDeadline = Date.now() + 30_000;
  while (clients.some((c) => c.client.status !== ClientStatus.LoggedIn || !c.joined)) {
    if (Date.now() > setupDeadline) throw new Error('soak set-up: clients did not all log in and join within 30 s');
    await sleep(100);
  }

  // --- memory sampling ---------------------------------------------------------------------------
  const first = server.sample();
  const memory: MemoryFigures = {
    budgetLimitBytes: o.memoryBudgetBytes,
    budgetPeakBytes: 0,
    budgetAtPeak: first.budget.byCategory,
    budgetRefusals: first.budget.refusals,
    budgetUsedAtEnd: 0,
    rssOf: server.rssOf,
    rssBeforeBytes: first.rss,
    rssPeakBytes: 0,
    heapUsedPeakBytes: 0,
  };
  let sampledPeak = -1;
  const sample = (): void => {
    const { budget, rss, heapUsed } = server.sample();
    if (budget.usedBytes > sampledPeak) {
      sampledPeak = budget.usedBytes;
      memory.budgetAtPeak = budget.byCategory;
    }
    memory.budgetPeakBytes = budget.peakBytes;
    memory.rssPeakBytes = Math.max(memory.rssPeakBytes, rss);
    memory.heapUsedPeakBytes = Math.max(memory.heapUsedPeakBytes, heapUsed);
  };
  sample();

  // --- traffic -----------------------------------------------------------------------------------
  const hostile = emptyHostileFigures();
  const stalled = { until: 0 };
  const sendOne = (c: SoakClient, kind: 'p2p' | 'channel', to: string, pad: number): void => {
    const { message, body } = ledger.send(kind, c.account, to, pad, performance.now());
    const op = kind === 'p2p' ? Op.MsgInstant : Op.MsgChannel;
    const args = kind === 'p2p' ? [to, '0', body, ''] : [to, body];
    c.client.request(op, args, (r) => ledger.answered(message, r.code, r.code === 0 ? Number(utf8Decode(r.values[0])) : undefined));
  };
  const tickMs = 50;
  let lastTick = performance.now();
  const tick = (): void => {
    const now = performance.now();
    const dt = Math.min(0.5, (now - lastTick) / 1000);
    lastTick = now;
    const flooding = Date.now() < stalled.until;
    for (const c of clients) {
      if (c === slow) continue;
      c.tokens = Math.min(c.tokens + o.messagesPerSecond * dt, 10);
      if (c.flooder && flooding) c.tokens = Math.min(c.tokens + o.floodPerSecond * dt, 50);
      while (c.tokens >= 1 && ledger.pendingOf(c.account) < o.maxInFlight) {
        c.tokens--;
        if (c.flooder && flooding) {
          sendOne(c, 'p2p', slow.account, o.floodPadBytes);
          continue;
        }
        const pad = o.minPadBytes + Math.floor(rand() * (o.maxPadBytes - o.minPadBytes + 1));
        if (rand() < o.channelShare && c.joined) sendOne(c, 'channel', c.channel, pad);
        else {
          let peer = accounts[Math.floor(rand() * accounts.length)];
          if (peer === c.account) peer = slow.account;
          sendOne(c, 'p2p', peer, pad);
        }
      }
    }
  };

  const relayed = clients.filter((c) => c.proxy !== null);
  const cutUntil = new Map<SoakClient, number>();
  const cut = (): void => {
    // Only a client that is logged in is cut. One still refused by its relay would have its cut
    // ended early by a shorter one; one still reconnecting would add this outage to the last, with
    // its back-off grown, past the resume window: a session ended by the soak, not by the server.
    const c = relayed[Math.floor(rand() * relayed.length)];
    if ((cutUntil.get(c) ?? 0) > Date.now() || c.client.status !== ClientStatus.LoggedIn) return;
    if (rand() < o.longCutShare) {
      counts.longCuts++;
      c.longCuts++;
      cutUntil.set(c, Date.now() + o.resumeWindowMs + 1500);
      c.proxy!.cut(o.resumeWindowMs + 1500);
    } else {
      counts.shortCuts++;
      const refuseMs = Math.floor(rand() * 1000);
      cutUntil.set(c, Date.now() + refuseMs);
      c.proxy!.cut(refuseMs);
    }
  };
  const stall = (): void => {
    if (slow.socket === null) return;
    counts.stalls++;
    stalled.until = Date.now() + o.stallMs;
    slow.socket.stopReading(o.stallMs);
  };

  const background: Promise<void>[] = [];
  let hostileBusy = false;
  let hostileRound = 0;
  const hostileTick = (): void => {
    if (hostileBusy || !running) return;
    hostileBusy = true;
    const round = hostileRound++;
    const work = (async () => {
      await abusiveRound(target, hostile, 3000);
      await attrFlood(target, `hostile-${round}`, o.hostileAttrSets, 4000, Math.max(1000, o.hostileEveryMs - 500), hostile);
    })()
      .catch((e: unknown) => progress(`hostile round failed: ${String(e)}`))
      .finally(() => {
        hostileBusy = false;
      });
    background.push(work);
  };

  trafficStartedAt = performance.now();
  const startedAt = Date.now();
  if (o.idleConnections > 0) background.push(idleConnections(target, o.idleConnections, o.loginTimeoutMs + 2 * o.heartbeatMs + 2000, hostile));
  timers.push(setInterval(tick, tickMs));
  timers.push(setInterval(cut, o.cutEveryMs));
  timers.push(setInterval(stall, o.stallEveryMs));
  timers.push(setInterval(sample, 250));
  if (o.hostileEveryMs > 0) timers.push(setInterval(hostileTick, o.hostileEveryMs));
  const report = (): void => {
    const t = ledger.totals;
    const { budget, rss } = server.sample();
    progress(
      `${Math.round((Date.now() - startedAt) / 1000)} s: sent ${t.sent}, acknowledged ${t.acknowledged}, received ${t.received}; ` +
        `cuts ${counts.shortCuts}+${counts.longCuts}, stalls ${counts.stalls}, fresh logins ${counts.freshLogins}; budget ${budget.usedBytes} B; rss ${Math.round(rss / 1048576)} MiB`,
    );
  };
  if (o.progress !== undefined) timers.push(setInterval(report, 10_000));
  await sleep(o.seconds * 1000);

  // --- settle: no more traffic, cuts or stalls; wait until everything sent has been answered ----
  running = false;
  for (const t of timers) {
    clearInterval(t);
    clearTimeout(t);
  }
  const trafficSeconds = (Date.now() - startedAt) / 1000;
  await Promise.all(background);
  const settleDeadline = Date.now() + o.resumeWindowMs + 30_000;
  const settled = (): boolean => clients.every((c) => c.client.status === ClientStatus.LoggedIn && ledger.pendingOf(c.account) === 0);
  while (!settled() && Date.now() < settleDeadline) await sleep(100);
  // Frames already sent may still be on their way (or in a resume's replay): a few heartbeats more.
  await sleep(2 * o.heartbeatMs);
  sample();
  const last = server.sample();
  memory.budgetUsedAtEnd = last.budget.usedBytes;
  memory.budgetRefusals = last.budget.refusals;
  const serverWarnings = last.warnings;
  const figures = ledger.figures(slow.account);
  const logoutsDuringRun = { ...logouts };
  const slowFigures = { ...slowCounts };
  // Only a cut longer than the resume window may end a session: any other fresh login means the
  // server ended a session the client would have resumed (the slow reader is never cut at all).
  const unexpectedSessionEnds = clients.reduce((n, c) => n + Math.max(0, c.freshLogins - c.longCuts), 0);
  const unexpectedBy = clients
    .filter((c) => c.freshLogins > c.longCuts)
    .map((c) => `${c.account}${c.flooder ? ' (a flooder)' : ''} ${c.freshLogins - c.longCuts}`)
    .join(', ');
  const notLoggedInAtEnd = clients.filter((c) => c.client.status !== ClientStatus.LoggedIn).length;

  // --- tear down --------------------------------------------------------------------------------
  for (const c of clients) c.client.logout();
  await sleep(200);
  for (const c of clients) await c.proxy?.close();
  await server.close();

  const result: SoakReport = {
    options: o,
    trafficSeconds,
    ledger: figures,
    misdelivered: ledger.misdelivered,
    cuts: { short: counts.shortCuts, long: counts.longCuts },
    stalls: counts.stalls,
    resumes: counts.resumes,
    freshLogins: counts.freshLogins,
    logouts: logoutsDuringRun,
    slowReader: slowFigures,
    notLoggedInAtEnd,
    unexpectedSessionEnds,
    unexpectedBy,
    serverWarnings,
    hostile,
    memory,
    failures: [],
  };
  result.failures = soakFailures(result);
  return result;
}

/** The expectations of docs/reliability.md, each broken one in words. */
export function soakFailures(r: SoakReport): string[] {
  const failures: string[] = [];
  const { p2p, channel } = r.ledger;
  const check = (ok: boolean, text: string): void => {
    if (!ok) failures.push(text);
  };
  for (const [name, f] of [['p2p', p2p], ['channel', channel]] as const) {
    const refused = Object.values(f.refused).reduce((a, b) => a + b, 0);
    check(f.sent === f.acknowledged + refused + f.abandoned + f.pending, `${name}: sent ${f.sent} != acknowledged + refused + abandoned + pending`);
    check(f.pending === 0, `${name}: ${f.pending} requests still unanswered at the end`);
    check(f.lost === 0, `${name}: ${f.lost} acknowledged messages lost`);
    check(f.duplicated === 0, `${name}: ${f.duplicated} duplicated deliveries`);
    check(f.outOfOrder === 0, `${name}: ${f.outOfOrder} deliveries out of order`);
    check(f.corrupted === 0, `${name}: ${f.corrupted} corrupted or unknown bodies`);
    check(f.acknowledged > 0, `${name}: nothing was acknowledged`);
  }
  check(p2p.acknowledged === p2p.delivered + p2p.droppedWithSession + p2p.lost, 'p2p: acknowledged != delivered + dropped with session + lost');
  check(r.ledger.sessionsEnded > 0 || p2p.droppedWithSession === 0, `p2p: ${p2p.droppedWithSession} dropped although no receiving session ended`);
  check(
    r.unexpectedSessionEnds === 0,
    `${r.unexpectedSessionEnds} sessions ended without a cut longer than the resume window (${r.unexpectedBy}; ` +
      `${r.ledger.p2pTo.droppedWithSession} acknowledged messages to the slow reader dropped)`,
  );
  check(r.misdelivered === 0, `${r.misdelivered} messages reached the wrong account or channel`);
  check(r.notLoggedInAtEnd === 0, `${r.notLoggedInAtEnd} clients not logged in at the end`);
  check(r.hostile.closedByServer === r.hostile.abusiveConnections, `${r.hostile.abusiveConnections - r.hostile.closedByServer} abusive connections not closed by the server`);
  check(r.hostile.idleClosedByServer === r.hostile.idleConnections, `${r.hostile.idleConnections - r.hostile.idleClosedByServer} idle connections not closed by the server`);
  const m = r.memory;
  check(m.budgetLimitBytes === 0 || m.budgetPeakBytes <= m.budgetLimitBytes, `memory budget peak ${m.budgetPeakBytes} B over its limit ${m.budgetLimitBytes} B`);
  const keptAttrs = r.hostile.attrResults['0'] ?? 0;
  check(keptAttrs === 0 || m.budgetPeakBytes > 0, `the memory budget accounted for nothing although the server kept ${keptAttrs} attributes of the hostile client`);
  const growth = m.rssPeakBytes - m.rssBeforeBytes;
  const allowed = m.budgetLimitBytes + rssMargin(r.options);
  check(growth <= allowed, `RSS of the ${m.rssOf} grew by ${growth} B, over the budget + margin (${allowed} B)`);
  return failures;
}

export function rssMargin(o: SoakOptions): number {
  if (o.rssMarginBytes > 0) return o.rssMarginBytes;
  return (o.serverProcess ? 96 : 256) * 1024 * 1024;
}

const MiB = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

/** The report as text, for the test's output and the CLI. */
export function formatSoakReport(r: SoakReport): string {
  const { p2p, channel } = r.ledger;
  const codes = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  const lines = [
    `soak: ${r.trafficSeconds.toFixed(0)} s of traffic, ${r.options.clients} clients (${Math.round(r.options.clients * r.options.webSocketShare)} WebSocket) + 1 slow reader, seed ${r.options.seed}`,
    `  p2p:     sent ${p2p.sent}, acknowledged ${p2p.acknowledged}, refused ${codes(p2p.refused)}, abandoned ${p2p.abandoned}, pending ${p2p.pending}`,
    `           delivered ${p2p.delivered}, dropped with session ${p2p.droppedWithSession}, lost ${p2p.lost}, duplicated ${p2p.duplicated}, ` +
      `re-sent copies ${p2p.resentCopies}, delivered unacknowledged ${p2p.deliveredUnacknowledged}, out of order ${p2p.outOfOrder}, corrupted ${p2p.corrupted}`,
    `  channel: sent ${channel.sent}, acknowledged ${channel.acknowledged}, refused ${codes(channel.refused)}, abandoned ${channel.abandoned}, pending ${channel.pending}`,
    `           deliveries ${channel.delivered} (checked ${channel.expectedDeliveries}), lost ${channel.lost}, duplicated ${channel.duplicated}, ` +
      `re-sent copies ${channel.resentCopies}, out of order ${channel.outOfOrder}, corrupted ${channel.corrupted}`,
    `  sessions: cuts ${r.cuts.short} short + ${r.cuts.long} longer than the resume window, stalls ${r.stalls}, resumes ${r.resumes}, fresh logins ${r.freshLogins}, ` +
      `receiving sessions ended ${r.ledger.sessionsEnded} (without a long cut ${r.unexpectedSessionEnds}), logouts ${codes(r.logouts)}, not logged in at the end ${r.notLoggedInAtEnd}, misdelivered ${r.misdelivered}`,
    `  hostile: abusive connections ${r.hostile.abusiveConnections} (closed by the server ${r.hostile.closedByServer}), idle ${r.hostile.idleConnections} (closed ${r.hostile.idleClosedByServer}), ` +
      `attribute sets ${r.hostile.attrSets} (${codes(r.hostile.attrResults)}); server warnings ${r.serverWarnings}`,
    `  memory:  budget peak ${MiB(r.memory.budgetPeakBytes)} of ${MiB(r.memory.budgetLimitBytes)} (at the peak sample ${codes(r.memory.budgetAtPeak)}), ` +
      `used at the end ${r.memory.budgetUsedAtEnd} B, refusals ${codes(r.memory.budgetRefusals)}`,
    `           RSS of the ${r.memory.rssOf}: ${MiB(r.memory.rssBeforeBytes)} before traffic, peak ${MiB(r.memory.rssPeakBytes)} (growth ${MiB(r.memory.rssPeakBytes - r.memory.rssBeforeBytes)}, allowed ${MiB(r.memory.budgetLimitBytes + rssMargin(r.options))}), heap used peak ${MiB(r.memory.heapUsedPeakBytes)}`,
    `  slow reader: p2p to it acknowledged ${r.ledger.p2pTo.acknowledged}, delivered ${r.ledger.p2pTo.delivered}, dropped with session ${r.ledger.p2pTo.droppedWithSession}, ` +
      `lost ${r.ledger.p2pTo.lost}; its connection resumed ${r.slowReader.resumes} times, fresh logins ${r.slowReader.freshLogins}`,
    r.failures.length === 0 ? '  result:  every expectation held' : `  FAILED:  ${r.failures.join('; ')}`,
  ];
  return lines.join('\n');
}
