/** The figures the benchmark reports: which number of which scenario, and what it measures. */
import type { ScenarioName, TargetName } from './loadgen-options';
import type { ScenarioRun } from './scenarios';

/** What one load generator run against one target produced (or why it did not). */
export interface Outcome {
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  /** The load generator's `metrics` object. */
  metrics?: Record<string, unknown>;
  /** Measured by the runner from /proc of the server process. */
  server?: {
    cpu_seconds: number;
    rss_before_bytes: number;
    rss_at_result_bytes?: number;
    rss_peak_bytes: number;
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
    {
      metric: 'server CPU',
      unit: 's/M msg',
      better: 'lower',
      what: 'server process user+system CPU seconds (/proc/<pid>/stat) during the load generator run, per million delivered messages',
      value: (o) => {
        const delivered = num(o.metrics?.delivered);
        return o.server && delivered ? (o.server.cpu_seconds / delivered) * 1e6 : undefined;
      },
    },
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
  ],
  'login-storm': [
    {
      metric: 'logins',
      unit: '/s',
      better: 'higher',
      what: 'accounts / seconds until every account is logged in (login confirmed to the client)',
      value: metric('logins_per_s'),
    },
  ],
  idle: [
    {
      metric: 'RSS per session',
      unit: 'bytes',
      better: 'lower',
      what: 'server VmRSS (/proc/<pid>/status) with all sessions logged in, minus VmRSS before the first connection, / sessions',
      value: (o, run) => {
        const sessions = num(o.metrics?.sessions) ?? run.params.sessions;
        const after = o.server?.rss_at_result_bytes ?? o.server?.rss_peak_bytes;
        return o.server && after !== undefined && sessions ? (after - o.server.rss_before_bytes) / sessions : undefined;
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
