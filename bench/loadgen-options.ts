/**
 * The command line shared by the load generators (see bench/README of docs/performance.md):
 *   --target agora|floor|socketio|java --server host:port --scenario NAME [scenario params]
 */
export const SCENARIO_NAMES = ['p2p-latency', 'p2p-throughput', 'fanout', 'login-storm', 'idle'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const TARGET_NAMES = ['agora', 'socketio', 'floor', 'java', 'addon', 'agora-metrics'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Every scenario parameter with its default; a scenario reads only the ones it needs. */
export interface ScenarioParams {
  rate: number;
  messages: number;
  size: number;
  pairs: number;
  'messages-per-pair': number;
  members: number;
  accounts: number;
  sessions: number;
}

export const PARAM_DEFAULTS: ScenarioParams = {
  rate: 1000,
  messages: 20000,
  size: 100,
  pairs: 100,
  'messages-per-pair': 2000,
  members: 1000,
  accounts: 10000,
  sessions: 10000,
};

/** Which parameters each scenario takes (and reports back in its output). */
export const SCENARIO_PARAMS: Record<ScenarioName, (keyof ScenarioParams)[]> = {
  'p2p-latency': ['rate', 'messages', 'size'],
  'p2p-throughput': ['pairs', 'messages-per-pair', 'size'],
  fanout: ['members', 'messages', 'size'],
  'login-storm': ['accounts'],
  idle: ['sessions'],
};

/** Defaults that differ per scenario (fan-out sends fewer messages than p2p-latency). */
export const SCENARIO_DEFAULTS: Partial<Record<ScenarioName, Partial<ScenarioParams>>> = {
  fanout: { messages: 200 },
};

export interface LoadgenOptions {
  target: TargetName;
  host: string;
  port: number;
  scenario: ScenarioName;
  params: Partial<ScenarioParams>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseLoadgenOptions(argv: string[]): LoadgenOptions {
  let target: string | undefined;
  let server: string | undefined;
  let scenario: string | undefined;
  const raw: Record<string, number> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!flag.startsWith('--')) throw new UsageError(`unexpected argument ${flag}`);
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    const name = flag.slice(2);
    if (name === 'target') target = value;
    else if (name === 'server') server = value;
    else if (name === 'scenario') scenario = value;
    else if (name in PARAM_DEFAULTS) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got ${value}`);
      raw[name] = n;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  if (!TARGET_NAMES.includes(target as TargetName)) throw new UsageError(`--target must be one of ${TARGET_NAMES.join(', ')}`);
  if (!SCENARIO_NAMES.includes(scenario as ScenarioName)) throw new UsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
  const match = /^([^:]+):(\d+)$/.exec(server ?? '');
  if (match === null) throw new UsageError('--server must be host:port');
  const name = scenario as ScenarioName;
  const params: Partial<ScenarioParams> = {};
  for (const key of SCENARIO_PARAMS[name]) {
    params[key] = raw[key] ?? SCENARIO_DEFAULTS[name]?.[key] ?? PARAM_DEFAULTS[key];
  }
  return { target: target as TargetName, host: match[1], port: Number(match[2]), scenario: name, params };
}
