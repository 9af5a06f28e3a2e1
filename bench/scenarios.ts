/** The scenario runs of one benchmark: which scenario with which sizes, quick or full. */
import type { ScenarioName, ScenarioParams } from './loadgen-options';

export interface ScenarioRun {
  /** Names the run in the table, the chart and the results file. */
  id: string;
  scenario: ScenarioName;
  params: Partial<ScenarioParams>;
  /** Longest the load generator may take. */
  timeoutMs: number;
  /**
   * Parameters of an unmeasured load generator run against the same server first. A server is
   * long-running; a fresh Node process compiles its code paths during the first burst, which a
   * one-second scenario would otherwise measure.
   */
  warmup?: Partial<ScenarioParams>;
}

export type Sizes = 'default' | 'quick';

/**
 * Default sizes run the throughput scenarios for seconds, not fractions of one: a sub-second run
 * of a fresh Node server measures its JIT warming up more than its steady state (p2p-throughput
 * gave 220,000 msg/s at 2,000 messages per pair and 330,000 at 10,000; Socket.IO 61,000 and
 * 63,000). Every target runs the same sizes.
 */
export function scenarioRuns(sizes: Sizes): ScenarioRun[] {
  const quick = sizes === 'quick';
  return [
    {
      id: 'p2p-latency@1000/s',
      scenario: 'p2p-latency',
      params: { rate: 1000, messages: quick ? 2000 : 20000, size: 100 },
      timeoutMs: quick ? 30000 : 90000,
      // Unmeasured first, every target: the first thousand messages of a fresh process are its JIT.
      warmup: { rate: 1000, messages: quick ? 1000 : 5000, size: 100 },
    },
    {
      id: 'p2p-latency@max/2',
      scenario: 'p2p-latency',
      params: { rate: 0, messages: quick ? 5000 : 20000, size: 100 },
      timeoutMs: quick ? 30000 : 120000,
    },
    {
      id: 'p2p-throughput',
      scenario: 'p2p-throughput',
      params: { pairs: quick ? 20 : 100, 'messages-per-pair': quick ? 1000 : 10000, size: 100 },
      // Socket.IO on Redis carries about 5,000 msg/s here: a full run takes 200 s of it.
      timeoutMs: quick ? 60000 : 420000,
      // Unmeasured first (every target): a fresh Node process measured cold spends much of a short
      // run compiling its message path (two cluster nodes did 3,600 msg/s over 4,000 messages
      // cold, 22,000-38,000 warm).
      warmup: { pairs: quick ? 20 : 100, 'messages-per-pair': quick ? 500 : 1000, size: 100 },
    },
    {
      id: `fanout-${quick ? 100 : 1000}`,
      scenario: 'fanout',
      params: { members: quick ? 100 : 1000, messages: quick ? 50 : 2000, size: 100 },
      timeoutMs: quick ? 30000 : 120000,
      warmup: { members: quick ? 100 : 1000, messages: quick ? 50 : 200, size: 100 },
    },
    {
      id: `fanout-${quick ? 1000 : 10000}`,
      scenario: 'fanout',
      params: { members: quick ? 1000 : 10000, messages: quick ? 20 : 300, size: 100 },
      timeoutMs: quick ? 30000 : 300000,
      warmup: { members: quick ? 1000 : 10000, messages: quick ? 20 : 30, size: 100 },
    },
    {
      id: 'login-storm',
      scenario: 'login-storm',
      params: { accounts: quick ? 1000 : 10000 },
      timeoutMs: quick ? 30000 : 120000,
      // The same storm once before, unmeasured (every target): measured cold, our server did
      // 10,000-12,000 logins/s, warm up to 19,800 (docs/performance.md).
      warmup: { accounts: quick ? 1000 : 10000 },
    },
    {
      id: `idle-${quick ? 1000 : 10000}`,
      scenario: 'idle',
      params: { sessions: quick ? 1000 : 10000 },
      timeoutMs: quick ? 30000 : 120000,
    },
    ...(quick
      ? []
      : [{ id: 'idle-50000', scenario: 'idle' as const, params: { sessions: 50000 }, timeoutMs: 300000 }]),
  ];
}

/** File descriptors a run needs in one process (server or load generator), beyond a few spare. */
export function socketsNeeded(run: ScenarioRun): number {
  const p = run.params;
  switch (run.scenario) {
    case 'p2p-latency':
      return 2;
    case 'p2p-throughput':
      return 2 * (p.pairs ?? 0);
    case 'fanout':
      return (p.members ?? 0) + 1;
    case 'login-storm':
      return p.accounts ?? 0;
    case 'idle':
      return p.sessions ?? 0;
  }
}
