/** The performance targets of this project, checked against the figures of one run. */
import { Figure, MACHINE_BOUND } from './figures';

export interface GoalResult {
  goal: string;
  /** Where the figure came from and the number compared. */
  observed: string;
  verdict: 'PASS' | 'FAIL' | 'N/A';
}

function find(figures: Figure[], run: (id: string) => boolean, metric: string): Figure[] {
  return figures.filter((f) => run(f.run) && f.metric === metric);
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2);
}

function ratioGoal(goal: string, figures: Figure[], other: 'floor' | 'socketio', test: (ratio: number) => boolean): GoalResult[] {
  if (figures.length === 0) return [{ goal, observed: 'scenario not run', verdict: 'N/A' }];
  return figures.map((f) => {
    const a = f.values.agora;
    const b = f.values[other];
    if (a === undefined || b === undefined || b === 0) {
      return { goal: `${goal} [${f.run}]`, observed: `missing ${a === undefined ? 'agora' : other} figure`, verdict: 'N/A' };
    }
    const ratio = a / b;
    return {
      goal: `${goal} [${f.run}]`,
      observed: `agora/${other} = ${ratio.toFixed(2)} (${fmt(a)} vs ${fmt(b)} ${f.unit})`,
      verdict: test(ratio) ? 'PASS' : 'FAIL',
    };
  });
}

/**
 * `all`: every figure of the run; a rate is quoted with its machine bound (figures.ts cpuShares),
 * which tells a target the machine cannot reach at this CPU cost from one the server does not.
 */
function absoluteGoal(goal: string, figures: Figure[], test: (value: number) => boolean, all: Figure[] = []): GoalResult[] {
  if (figures.length === 0) return [{ goal, observed: 'scenario not run', verdict: 'N/A' }];
  return figures.map((f) => {
    const a = f.values.agora;
    if (a === undefined) return { goal: `${goal} [${f.run}]`, observed: 'missing agora figure', verdict: 'N/A' };
    const bound = all.find((b) => b.run === f.run && b.metric === MACHINE_BOUND)?.values.agora;
    const boundText = bound === undefined ? '' : ` (${MACHINE_BOUND}: ${fmt(bound)} ${f.unit})`;
    return { goal: `${goal} [${f.run}]`, observed: `${fmt(a)} ${f.unit}${boundText}`, verdict: test(a) ? 'PASS' : 'FAIL' };
  });
}

/**
 * The agora-metrics target's throughput against the agora target's: metrics must cost under 2 %.
 * The server CPU per message of both is quoted too: on a shared machine it varies less between
 * two runs than the rate does.
 */
function metricsCostGoal(figures: Figure[], all: Figure[]): GoalResult[] {
  const goal = 'serving /metrics (scraped every second) costs under 2% of p2p throughput';
  if (figures.length === 0) return [{ goal, observed: 'scenario not run', verdict: 'N/A' }];
  return figures.map((f) => {
    const on = f.values['agora-metrics'];
    const off = f.values.agora;
    if (on === undefined || off === undefined || off === 0) return { goal, observed: `missing ${on === undefined ? 'agora-metrics' : 'agora'} figure`, verdict: 'N/A' };
    const ratio = on / off;
    const cpu = all.find((c) => c.run === f.run && c.metric === 'server CPU');
    const cpuOn = cpu?.values['agora-metrics'];
    const cpuOff = cpu?.values.agora;
    const cpuText = cpuOn !== undefined && cpuOff !== undefined && cpuOff > 0 ? `; server CPU per message on/off = ${(cpuOn / cpuOff).toFixed(3)}` : '';
    return { goal, observed: `metrics on/off = ${ratio.toFixed(3)} (${fmt(on)} vs ${fmt(off)} ${f.unit})${cpuText}`, verdict: ratio >= 0.98 ? 'PASS' : 'FAIL' };
  });
}

export function checkGoals(figures: Figure[]): GoalResult[] {
  const lowRate = (id: string): boolean => id === 'p2p-latency@1000/s';
  const fanout = (id: string): boolean => id.startsWith('fanout-');
  return [
    ...ratioGoal('p2p latency p50 at low rate within 2x of the floor', find(figures, lowRate, 'latency p50'), 'floor', (r) => r <= 2),
    ...ratioGoal('p2p latency p99 at low rate within 5x of the floor', find(figures, lowRate, 'latency p99'), 'floor', (r) => r <= 5),
    ...ratioGoal('p2p throughput at least 5x Socket.IO', find(figures, (id) => id === 'p2p-throughput', 'delivered'), 'socketio', (r) => r >= 5),
    ...ratioGoal('channel fan-out at least 5x Socket.IO', find(figures, fanout, 'deliveries'), 'socketio', (r) => r >= 5),
    ...absoluteGoal('channel fan-out at least 1,000,000 deliveries/s', find(figures, fanout, 'deliveries'), (v) => v >= 1e6, figures),
    ...absoluteGoal('at most 10 KB (10,240 bytes) of server memory per idle session', find(figures, (id) => id.startsWith('idle-'), 'RSS per session'), (v) => v <= 10240),
    ...metricsCostGoal(find(figures, (id) => id === 'p2p-throughput', 'delivered'), figures),
    ...absoluteGoal('at least 20,000 logins per second', find(figures, (id) => id === 'login-storm', 'logins'), (v) => v >= 20000, figures),
  ];
}
