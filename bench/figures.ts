/** The figures the benchmark reports: which number of which scenario, and what it measures. */
import type { ScenarioName, TargetName } from './loadgen-options';
import type { ScenarioRun } from './scenarios';

/** What one load generator run against one target produced (or why it did not). */
export interface Outcome {
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  /** The load generator's `metrics` object. */
  metrics?: Record<string, unknown>;
  /**
   * CPU seconds over the load generator's measured interval (first send to last delivery, first
   * connect to last login): the server's read by the runner from /proc at the load generator's
   * marks, the load generator's own (getrusage / process.cpuUsage). Only the throughput scenarios
   * mark one.
   */
  interval?: {
    /** All the server's processes together (both nodes of a cluster). */
    server_cpu_seconds: number;
    loadgen_cpu_seconds: number;
    machine_cores: number;
    /** The cluster targets: redis-server's CPU seconds over the interval (/proc). */
    redis_cpu_seconds?: number;
    /** The cluster targets: the commands Redis processed over the interval (INFO commandstats). */
    redis_commands?: number;
    /** The same by command name. */
    redis_command_calls?: Record<string, number>;
  };
  /** Measured by the runner from /proc of the server's processes (summed over a cluster's nodes). */
  server?: {
    cpu_seconds: number;
    rss_before_bytes: number;
    rss_at_result_bytes?: number;
    rss_peak_bytes: number;
  };
  /** The cluster targets: redis-server's CPU over the whole load generator run and its memory. */
  redis?: {
    cpu_seconds: number;
    rss_before_bytes: number;
    rss_at_result_bytes?: number;
  };
}

export interface FigureDefinition {
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  what: string;
  value(outcome: Outcome, run: ScenarioRun): number | undefined;
}

export interface Figure {
  run: string;
  scenario: ScenarioName;
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  what: string;
  values: Partial<Record<TargetName, number>>;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function metric(path: string): (o: Outcome) => number | undefined {
  return (o) => {
    let v: unknown = o.metrics;
    for (const key of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[key];
    return num(v);
  };
}

/**
 * Where the CPU of a throughput scenario went. Server and load generator share this machine, so a
 * rate is bounded by what the two together need per operation as much as by the server: the last
 * figure is the rate the run would have reached had the same CPU per operation filled every core,
 * an upper bound for any spreading of the work over more threads or processes on this machine.
 */
function cpuShares(ratePath: string, rateUnit: string): FigureDefinition[] {
  /** CPU seconds of the interval (of its processes, as `cpu` picks them) per second of it. */
  const cores = (o: Outcome, cpu: (i: NonNullable<Outcome['interval']>) => number): number | undefined => {
    const seconds = num(o.metrics?.seconds);
    return o.interval && seconds ? cpu(o.interval) / seconds : undefined;
  };
  const busyFraction = (o: Outcome): number | undefined => {
    const all = cores(o, (i) => i.server_cpu_seconds + i.loadgen_cpu_seconds + (i.redis_cpu_seconds ?? 0));
    return all === undefined ? undefined : all / o.interval!.machine_cores;
  };
  const rate = metric(ratePath);
  return [
    {
      metric: 'server cores used',
      unit: 'cores',
      better: 'lower',
      what: "server process user+system CPU seconds over the measured interval (read from /proc/<pid>/stat at the load generator's marks; a cluster's nodes summed) / its seconds",
      value: (o) => cores(o, (i) => i.server_cpu_seconds),
    },
    {
      metric: 'Redis cores used',
      unit: 'cores',
      better: 'lower',
      what: 'cluster targets: redis-server user+system CPU seconds over the measured interval (/proc/<pid>/stat) / its seconds',
      value: (o) => (o.interval?.redis_cpu_seconds === undefined ? undefined : cores(o, (i) => i.redis_cpu_seconds!)),
    },
    {
      metric: 'loadgen cores used',
      unit: 'cores',
      better: 'lower',
      what: 'load generator process user+system CPU seconds over the measured interval (its own getrusage / process.cpuUsage) / its seconds',
      value: (o) => cores(o, (i) => i.loadgen_cpu_seconds),
    },
    {
      metric: 'machine CPU busy',
      unit: '%',
      better: 'lower',
      what: 'server + load generator (+ Redis) CPU seconds over the measured interval / (cores x seconds): near 100%, the processes together take the whole machine',
      value: (o) => {
        const busy = busyFraction(o);
        return busy === undefined ? undefined : busy * 100;
      },
    },
    {
      metric: MACHINE_BOUND,
      unit: rateUnit,
      better: 'higher',
      what: 'the rate / machine CPU busy: what the same server + load generator (+ Redis) CPU per operation would reach using every core of this machine (an upper bound, assuming perfect scaling)',
      value: (o) => {
        const busy = busyFraction(o);
        const r = rate(o);
        return busy && r !== undefined ? r / busy : undefined;
      },
    },
  ];
}

/**
 * CPU per million operations over the measured interval: the server's processes (a cluster's
 * nodes summed; the whole load generator run when it marks no interval), and Redis' apart. CPU
 * per operation is the figure that carries over to a machine of more cores.
 */
function cpuPerMillion(operations: string, count: (o: Outcome, run: ScenarioRun) => number | undefined): FigureDefinition[] {
  const perMillion = (seconds: number | undefined, n: number | undefined): number | undefined =>
    seconds !== undefined && n ? (seconds / n) * 1e6 : undefined;
  const unit = `s/M ${operations}`;
  return [
    {
      metric: 'server CPU',
      unit,
      better: 'lower',
      what: `server process user+system CPU seconds (/proc/<pid>/stat; a cluster's nodes summed, Redis not) over the measured interval (the whole load generator run when it marks none), per million ${operations}`,
      value: (o, run) => perMillion(o.interval?.server_cpu_seconds ?? o.server?.cpu_seconds, count(o, run)),
    },
    {
      metric: 'Redis CPU',
      unit,
      better: 'lower',
      what: `cluster targets: redis-server user+system CPU seconds (/proc/<pid>/stat) over the measured interval, per million ${operations}`,
      value: (o, run) => perMillion(o.interval?.redis_cpu_seconds, count(o, run)),
    },
  ];
}

/** Redis' own count of the commands it processed over the measured interval, per operation. */
function redisCommandsPer(operation: string, count: (o: Outcome, run: ScenarioRun) => number | undefined): FigureDefinition {
  return {
    metric: 'Redis commands',
    unit: `/${operation}`,
    better: 'lower',
    what: `cluster targets: commands Redis processed over the measured interval (INFO commandstats read at the load generator's marks, the runner's own INFO left out) / ${operation}s; the commands by name are in the results file (interval.redis_command_calls)`,
    value: (o, run) => {
      const n = count(o, run);
      const commands = o.interval?.redis_commands;
      return commands !== undefined && n ? commands / n : undefined;
    },
  };
}

/** The name of the machine-bound figure (cpuShares), which the goals quote beside a rate. */
export const MACHINE_BOUND = 'bound at full machine';

const latency = (scope: string, keys: ('p50' | 'p99' | 'p999')[]): FigureDefinition[] =>
  keys.map((k) => ({
    metric: `latency ${k === 'p999' ? 'p99.9' : k}`,
    unit: 'µs',
    better: 'lower' as const,
    what: `${k === 'p999' ? '99.9th' : k.slice(1) + 'th'} percentile of ${scope}`,
    value: metric(`latency_us.${k}`),
  }));

export const FIGURES: Record<ScenarioName, FigureDefinition[]> = {
  'p2p-latency': [
    ...latency(
      'one-way latency: send time written into the 100-byte payload by the sender, read by the receiver in the same process (one clock)',
      ['p50', 'p99', 'p999'],
    ),
    {
      metric: 'rate',
      unit: 'msg/s',
      better: 'higher',
      what: 'send rate of the measured messages (fixed, or half the maximum measured first with 100 unacknowledged messages in flight)',
      value: metric('rate'),
    },
  ],
  'p2p-throughput': [
    {
      metric: 'delivered',
      unit: 'msg/s',
      better: 'higher',
      what: 'messages received by all receivers / seconds from the first send to the last delivery; each sender keeps at most 100 unacknowledged (floor: undelivered) messages in flight',
      value: metric('delivered_per_s'),
    },
    ...cpuPerMillion('msg', (o) => num(o.metrics?.delivered)),
    redisCommandsPer('msg', (o) => num(o.metrics?.delivered)),
    ...cpuShares('delivered_per_s', 'msg/s'),
  ],
  fanout: [
    {
      metric: 'deliveries',
      unit: '/s',
      better: 'higher',
      what: 'channel messages received by all members / seconds from the first send to the last delivery; one sender',
      value: metric('deliveries_per_s'),
    },
    ...latency('delivery latency (send to receipt, one clock) over all deliveries', ['p50', 'p99']),
    ...cpuPerMillion('deliveries', (o) => num(o.metrics?.deliveries)),
    // Per channel message sent, whatever the number of members: the figure that must not grow with them.
    redisCommandsPer('channel msg', (_o, run) => run.params.messages),
    ...cpuShares('deliveries_per_s', '/s'),
  ],
  'login-storm': [
    {
      metric: 'logins',
      unit: '/s',
      better: 'higher',
      what: 'accounts / seconds until every account is logged in (login confirmed to the client)',
      value: metric('logins_per_s'),
    },
    redisCommandsPer('login', (_o, run) => run.params.accounts),
    ...cpuShares('logins_per_s', '/s'),
  ],
  idle: [
    {
      metric: 'RSS per session',
      unit: 'bytes',
      better: 'lower',
      what: "server VmRSS (/proc/<pid>/status; a cluster's nodes summed) with all sessions logged in, minus VmRSS before the first connection, / sessions",
      value: (o, run) => {
        const sessions = num(o.metrics?.sessions) ?? run.params.sessions;
        const after = o.server?.rss_at_result_bytes ?? o.server?.rss_peak_bytes;
        return o.server && after !== undefined && sessions ? (after - o.server.rss_before_bytes) / sessions : undefined;
      },
    },
    {
      metric: 'Redis RSS per session',
      unit: 'bytes',
      better: 'lower',
      what: 'cluster targets: redis-server VmRSS with all sessions logged in, minus its VmRSS before the first connection, / sessions (the server RSS above is the nodes only)',
      value: (o, run) => {
        const sessions = num(o.metrics?.sessions) ?? run.params.sessions;
        const after = o.redis?.rss_at_result_bytes;
        return o.redis && after !== undefined && sessions ? (after - o.redis.rss_before_bytes) / sessions : undefined;
      },
    },
    {
      metric: 'connect time',
      unit: 's',
      better: 'lower',
      what: 'seconds until every session is logged in',
      value: metric('seconds_to_connect'),
    },
  ],
};

export function figuresOf(run: ScenarioRun, outcomes: Partial<Record<TargetName, Outcome>>): Figure[] {
  return FIGURES[run.scenario].map((def) => {
    const values: Partial<Record<TargetName, number>> = {};
    for (const [target, outcome] of Object.entries(outcomes) as [TargetName, Outcome][]) {
      if (outcome.status !== 'ok') continue;
      const v = def.value(outcome, run);
      if (v !== undefined) values[target] = v;
    }
    return { run: run.id, scenario: run.scenario, metric: def.metric, unit: def.unit, better: def.better, what: def.what, values };
  });
}

/**
 * The figures of several rounds of one run (`--repeat`): each figure's median per target over the
 * rounds that produced it, so that one round disturbed by the machine's other load does not decide.
 */
export function medianFigures(rounds: Figure[][]): Figure[] {
  if (rounds.length === 1) return rounds[0];
  return rounds[0].map((first, i) => {
    const values: Partial<Record<TargetName, number>> = {};
    const targets = new Set(rounds.flatMap((r) => Object.keys(r[i].values) as TargetName[]));
    for (const target of targets) {
      const seen = rounds.map((r) => r[i].values[target]).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
      const mid = Math.floor(seen.length / 2);
      values[target] = seen.length % 2 === 1 ? seen[mid] : (seen[mid - 1] + seen[mid]) / 2;
    }
    return { ...first, values };
  });
}
