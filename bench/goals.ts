/** The performance targets of this project, checked against the figures of one run. */
import { Figure, MACHINE_BOUND } from './figures';
import type { TargetName } from './loadgen-options';

export interface GoalResult {
  goal: string;
  /** Where the figure came from and the number compared. */
  observed: string;
  /** INFO: a figure the targets ask to see reported, with no threshold of its own. */
  verdict: 'PASS' | 'FAIL' | 'N/A' | 'INFO';
}

function find(figures: Figure[], run: (id: string) => boolean, metric: string): Figure[] {
  return figures.filter((f) => run(f.run) && f.metric === metric);
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2);
}

/** Each figure's value of `a` / its value of `b`, against `test`. */
function ratioGoal(goal: string, figures: Figure[], a: TargetName, b: TargetName, test: (ratio: number) => boolean): GoalResult[] {
  if (figures.length === 0) return [{ goal, observed: 'scenario not run', verdict: 'N/A' }];
  return figures.map((f) => {
    const x = f.values[a];
    const y = f.values[b];
    if (x === undefined || y === undefined || y === 0) {
      return { goal: `${goal} [${f.run}]`, observed: `missing ${x === undefined ? a : b} figure`, verdict: 'N/A' };
    }
    const ratio = x / y;
    return {
      goal: `${goal} [${f.run}]`,
      observed: `${a}/${b} = ${ratio.toFixed(2)} (${fmt(x)} vs ${fmt(y)} ${f.unit})`,
      verdict: test(ratio) ? 'PASS' : 'FAIL',
    };
  });
}

/** Redis commands per operation of each run, ours beside Socket.IO's on Redis: reported, no threshold. */
function redisCommandsReport(goal: string, figures: Figure[]): GoalResult[] {
  if (figures.length === 0) return [{ goal, observed: 'scenario not run', verdict: 'N/A' }];
  return figures.map((f) => {
    const ours = f.values['agora-cluster'];
    const theirs = f.values['socketio-cluster'];
    if (ours === undefined) return { goal: `${goal} [${f.run}]`, observed: 'missing agora-cluster figure', verdict: 'N/A' };
    const beside = theirs === undefined ? '' : ` (socketio-cluster: ${fmt(theirs)})`;
    return { goal: `${goal} [${f.run}]`, observed: `${fmt(ours)} ${f.unit}${beside}`, verdict: 'INFO' };
  });
}

/**
 * Redis commands per channel message must stay a constant as the channel grows: the fan-out run
 * of the most members against the one of the fewest (run ids fanout-N), at most `factor` apart.
 */
function notGrowingWithMembers(goal: string, figures: Figure[], factor: number): GoalResult[] {
  const members = (f: Figure): number => Number(f.run.slice(f.run.lastIndexOf('-') + 1));
  const measured = figures.filter((f) => f.values['agora-cluster'] !== undefined).sort((x, y) => members(x) - members(y));
  if (measured.length < 2) return [{ goal, observed: 'needs agora-cluster figures of two fan-out runs', verdict: 'N/A' }];
  const small = measured[0];
  const large = measured[measured.length - 1];
  const ratio = large.values['agora-cluster']! / small.values['agora-cluster']!;
  return [
    {
      goal,
      observed: `${fmt(large.values['agora-cluster']!)} ${large.unit} at ${members(large)} members vs ${fmt(small.values['agora-cluster']!)} at ${members(small)} (${ratio.toFixed(2)}x)`,
      verdict: ratio <= factor ? 'PASS' : 'FAIL',
    },
  ];
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
    ...ratioGoal('p2p latency p50 at low rate within 2x of the floor', find(figures, lowRate, 'latency p50'), 'agora', 'floor', (r) => r <= 2),
    ...ratioGoal('p2p latency p99 at low rate within 5x of the floor', find(figures, lowRate, 'latency p99'), 'agora', 'floor', (r) => r <= 5),
    ...ratioGoal('p2p throughput at least 5x Socket.IO', find(figures, (id) => id === 'p2p-throughput', 'delivered'), 'agora', 'socketio', (r) => r >= 5),
    ...ratioGoal('channel fan-out at least 5x Socket.IO', find(figures, fanout, 'deliveries'), 'agora', 'socketio', (r) => r >= 5),
    ...absoluteGoal('channel fan-out at least 1,000,000 deliveries/s', find(figures, fanout, 'deliveries'), (v) => v >= 1e6, figures),
    ...absoluteGoal('at most 10 KB (10,240 bytes) of server memory per idle session', find(figures, (id) => id.startsWith('idle-'), 'RSS per session'), (v) => v <= 10240),
    ...metricsCostGoal(find(figures, (id) => id === 'p2p-throughput', 'delivered'), figures),
    ...absoluteGoal('at least 20,000 logins per second', find(figures, (id) => id === 'login-storm', 'logins'), (v) => v >= 20000, figures),
    // Two nodes on one Redis (issue 12): every p2p message crosses nodes, channels span both.
    ...ratioGoal('cross-node p2p throughput at least 5x Socket.IO on Redis', find(figures, (id) => id === 'p2p-throughput', 'delivered'), 'agora-cluster', 'socketio-cluster', (r) => r >= 5),
    ...ratioGoal('cross-node channel fan-out at least 5x Socket.IO on Redis', find(figures, fanout, 'deliveries'), 'agora-cluster', 'socketio-cluster', (r) => r >= 5),
    ...ratioGoal('cross-node p2p latency p50 at low rate within 2x of one node', find(figures, lowRate, 'latency p50'), 'agora-cluster', 'agora', (r) => r <= 2),
    ...redisCommandsReport('Redis commands per cross-node p2p message', find(figures, (id) => id === 'p2p-throughput', 'Redis commands')),
    ...redisCommandsReport('Redis commands per channel message', find(figures, fanout, 'Redis commands')),
    ...notGrowingWithMembers('Redis commands per channel message do not grow with members (at most 1.5x)', find(figures, fanout, 'Redis commands'), 1.5),
  ];
}
