/**
 * The server's Prometheus metrics (`GET /metrics` of the admin listener, docs/operations.md):
 * prom-client's default process metrics and the server's own, read from its counters and state
 * when scraped, so that serving metrics costs the message path nothing but TrafficCounters' adds.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { EventKind, Op, OP_NAMES } from '../../protocol/ops';
import { BUDGET_CATEGORIES } from '../state/memory-budget';
import type { SignalServer } from '../signal-server';

export interface ServerMetricsOptions {
  /** Count sessions per App ID too (one label value per App ID: for a bounded number of them). */
  perAppId?: boolean;
  /**
   * This node's name in a cluster: every metric carries it as the label `node`, so the series of
   * several nodes scraped by one Prometheus stay apart.
   */
  node?: string;
  /** Prefix of the server's own metric names. */
  prefix?: string;
}

const OPS: readonly [number, string][] = (Object.keys(OP_NAMES) as unknown as Op[]).map((op) => [Number(op), OP_NAMES[op]]);

/** EventKind's names as snake case: InstantMsg -> instant_msg. */
const EVENT_KINDS: readonly [number, string][] = Object.keys(EventKind)
  .filter((k) => !/^\d+$/.test(k))
  .map((k) => [EventKind[k as keyof typeof EventKind], k.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()]);

/**
 * Default metrics whose collection walks every socket or handle of the process (a readdir of
 * /proc/self/fd, a list of every handle): with 2,000 sessions they took 7 and 4 ms per scrape,
 * growing with the clients. `agora_sig_connections` counts the sockets instead.
 */
export const DROPPED_DEFAULT_METRICS: readonly string[] = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

export class ServerMetrics {
  readonly registry = new Registry();
  /** Of the server's own metric names (agora_sig_ unless told otherwise). */
  readonly prefix: string;
  private redisRoundTrip: Gauge | null = null;

  constructor(private readonly server: SignalServer, options: ServerMetricsOptions = {}) {
    this.prefix = options.prefix ?? 'agora_sig_';
    if (options.node !== undefined) this.registry.setDefaultLabels({ node: options.node });
    collectDefaultMetrics({ register: this.registry });
    for (const name of DROPPED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    const p = this.prefix;
    const registers = [this.registry];
    const counters = server.counters;

    new Gauge({
      name: `${p}sessions`,
      help: 'Sessions of this process by the transport of their connection; "detached": in their resume window, without one',
      labelNames: ['transport'],
      registers,
      collect() {
        // Connection addresses read "tcp 1.2.3.4:5" (TLS too) or "ws 1.2.3.4:5".
        let tcp = 0;
        let ws = 0;
        for (const connection of server.localConnections()) {
          if (connection.session === null) continue;
          if (connection.remote.startsWith('tcp')) tcp++;
          else ws++;
        }
        this.set({ transport: 'tcp' }, tcp);
        this.set({ transport: 'ws' }, ws);
        this.set({ transport: 'detached' }, Math.max(0, server.sessionCount - tcp - ws));
      },
    });
    if (options.perAppId === true) {
      new Gauge({
        name: `${p}app_sessions`,
        help: 'Sessions of this process by App ID',
        labelNames: ['app_id'],
        registers,
        collect() {
          const byApp = new Map<string, number>();
          for (const session of server.localSessions()) byApp.set(session.appId, (byApp.get(session.appId) ?? 0) + 1);
          this.reset();
          for (const [appId, n] of byApp) this.set({ app_id: Buffer.from(appId, 'latin1').toString('utf8') }, n);
        },
      });
    }
    new Gauge({
      name: `${p}connections`,
      help: 'Client connections of this process, logged in or not',
      registers,
      collect() {
        this.set(server.localConnections().size);
      },
    });
    new Gauge({
      name: `${p}channels`,
      help: 'Channels with members or attributes',
      registers,
      collect() {
        this.set(server.stats().channels);
      },
    });
    new Counter({
      name: `${p}logins_total`,
      help: 'LOGIN answers by code: 0 LOGIN_OK, else the LOGIN_FAIL code (206 wrong token or App ID, 204 expired, 209 invalid account)',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        this.inc({ code: '0' }, counters.logins.get(0) ?? 0);
        for (const [code, n] of counters.logins) if (code !== 0) this.inc({ code: String(code) }, n);
      },
    });
    new Counter({
      name: `${p}requests_total`,
      help: 'REQUESTs processed by op (messages: op=~"MSG_.*")',
      labelNames: ['op'],
      registers,
      collect() {
        this.reset();
        for (const [op, name] of OPS) this.inc({ op: name }, counters.requests[op]);
      },
    });
    new Counter({
      name: `${p}deliveries_total`,
      help: 'EVENTs taken by sessions (sent, or kept for a resume) by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const [kind, name] of EVENT_KINDS) this.inc({ kind: name }, counters.deliveries[kind]);
      },
    });
    new Counter({
      name: `${p}request_refusals_total`,
      help: 'REQUESTs answered with an error, by code (e.g. 400 peer offline or rate limit, 1004 bad argument, 1005 over a bound)',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of counters.refusals) this.inc({ code: String(code) }, n);
      },
    });
    new Counter({
      name: `${p}connection_refusals_total`,
      help: 'Connections refused or closed in bulk (connection limits, no LOGIN in time), by reason',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of server.refusals.totals) this.inc({ reason }, n);
      },
    });
    new Counter({
      name: `${p}memory_budget_refusals_total`,
      help: "What the server refused to keep because its memory budget was used up, by category",
      labelNames: ['category'],
      registers,
      collect() {
        const refusals = server.memoryBudget.snapshot().refusals;
        this.reset();
        for (const c of BUDGET_CATEGORIES) this.inc({ category: c }, refusals[c]);
      },
    });
    new Counter({
      name: `${p}resumes_total`,
      help: 'RESUME answers by outcome (accepted: RESUME_OK, refused: RESUME_FAIL)',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        this.inc({ outcome: 'accepted' }, counters.resumesAccepted);
        this.inc({ outcome: 'refused' }, counters.resumesRefused);
      },
    });
    new Counter({
      name: `${p}frame_bytes_total`,
      help: 'Bytes of frame bodies by direction (in: from clients, out: to clients), framing and TLS not included',
      labelNames: ['direction'],
      registers,
      collect() {
        this.reset();
        this.inc({ direction: 'in' }, counters.bytesIn);
        this.inc({ direction: 'out' }, counters.bytesOut);
      },
    });
    new Counter({
      name: `${p}frames_total`,
      help: 'Frames by direction',
      labelNames: ['direction'],
      registers,
      collect() {
        this.reset();
        this.inc({ direction: 'in' }, counters.framesIn);
        this.inc({ direction: 'out' }, counters.framesOut);
      },
    });
    new Gauge({
      name: `${p}write_backlog_bytes`,
      help: 'Bytes of RESULT and EVENT frames sent or waiting to be sent and not yet acknowledged by their client, all sessions together',
      registers,
      collect() {
        this.set(server.memoryBudget.snapshot().byCategory.keptFrames);
      },
    });
    new Gauge({
      name: `${p}queued_request_bytes`,
      help: 'Bytes of REQUESTs received and not processed yet (waiting for their client to acknowledge)',
      registers,
      collect() {
        this.set(server.memoryBudget.snapshot().byCategory.queuedRequests);
      },
    });
    new Gauge({
      name: `${p}memory_budget_used_bytes`,
      help: "Bytes clients make the server keep, by category, against the memory budget",
      labelNames: ['category'],
      registers,
      collect() {
        const used = server.memoryBudget.snapshot().byCategory;
        for (const c of BUDGET_CATEGORIES) this.set({ category: c }, used[c]);
      },
    });
    new Gauge({
      name: `${p}memory_budget_limit_bytes`,
      help: 'The memory budget (memoryBudgetBytes; 0 = no bound)',
      registers,
      collect() {
        this.set(server.memoryBudget.limitBytes);
      },
    });
    new Gauge({
      name: `${p}memory_budget_ratio`,
      help: 'Used bytes over the memory budget (0 when there is no bound)',
      registers,
      collect() {
        const limit = server.memoryBudget.limitBytes;
        this.set(limit === 0 ? 0 : server.memoryBudget.usedBytes / limit);
      },
    });
    new Gauge({
      name: `${p}stopping`,
      help: '1 once the server is shutting down (clients are told to go), else 0',
      registers,
      collect() {
        this.set(server.isStopping ? 1 : 0);
      },
    });
  }

  /**
   * The gauge of the round-trip time to Redis, in seconds, for the cluster code to set after each
   * check (`metrics.redisRoundTripSeconds().set(seconds)`); it appears in /metrics once asked for.
   */
  redisRoundTripSeconds(): Gauge {
    this.redisRoundTrip ??= new Gauge({
      name: `${this.prefix}redis_round_trip_seconds`,
      help: 'Round-trip time of the last PING to Redis (cluster mode)',
      registers: [this.registry],
    });
    return this.redisRoundTrip;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
