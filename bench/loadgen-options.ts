/**
 * The command line shared by the load generators (see bench/README of docs/performance.md):
 *   --target agora|floor|socketio|java|addon --server host:port [--server2 host:port]
 *   --scenario NAME [scenario params]
 * With --server2 the clients are placed over two server nodes (see nodeOf); without it all of
 * them talk to --server.
 */
export const SCENARIO_NAMES = ['p2p-latency', 'p2p-throughput', 'fanout', 'login-storm', 'idle'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The protocols a load generator speaks (its --target). */
export const LOADGEN_TARGETS = ['agora', 'socketio', 'floor', 'java', 'addon'] as const;
export type LoadgenTarget = (typeof LOADGEN_TARGETS)[number];

/**
 * The systems the benchmark compares: the protocols on one server, our server with its /metrics
 * scraped, and two nodes of ours and of Socket.IO on Redis.
 */
export const TARGET_NAMES = [...LOADGEN_TARGETS, 'agora-metrics', 'agora-cluster', 'socketio-cluster'] as const;
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

export interface ServerAddress {
  host: string;
  port: number;
}

export interface LoadgenOptions {
  target: LoadgenTarget;
  host: string;
  port: number;
  /** The second node of a two-node cluster, when given. */
  server2?: ServerAddress;
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
  let server2: string | undefined;
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
    else if (name === 'server2') server2 = value;
    else if (name === 'scenario') scenario = value;
    else if (name in PARAM_DEFAULTS) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got ${value}`);
      raw[name] = n;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  if (!LOADGEN_TARGETS.includes(target as LoadgenTarget)) throw new UsageError(`--target must be one of ${LOADGEN_TARGETS.join(', ')}`);
  if (!SCENARIO_NAMES.includes(scenario as ScenarioName)) throw new UsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
  const first = parseAddress('--server', server);
  const second = server2 === undefined ? undefined : parseAddress('--server2', server2);
  const name = scenario as ScenarioName;
  const params: Partial<ScenarioParams> = {};
  for (const key of SCENARIO_PARAMS[name]) {
    params[key] = raw[key] ?? SCENARIO_DEFAULTS[name]?.[key] ?? PARAM_DEFAULTS[key];
  }
  return { target: target as LoadgenTarget, host: first.host, port: first.port, server2: second, scenario: name, params };
}

function parseAddress(flag: string, text: string | undefined): ServerAddress {
  const match = /^([^:]+):(\d+)$/.exec(text ?? '');
  const port = match === null ? 0 : Number(match[2]);
  if (match === null || port < 1 || port > 65535) throw new UsageError(`${flag} must be host:port (port 1-65535)`);
  return { host: match[1], port };
}

/**
 * Which node (0: --server, 1: --server2) client `index` of a scenario talks to when there are two:
 * p2p senders on the first and their receivers on the second, so every message crosses nodes;
 * fan-out's sender (index 0) on the first and the other members alternating, so the channel has
 * members on both; logins and idle sessions alternating. The C++ load generator places its
 * clients the same way (bench/native/agora_scenarios.cpp nodeOf).
 */
export function nodeOf(scenario: ScenarioName, params: Partial<ScenarioParams>, index: number): 0 | 1 {
  switch (scenario) {
    case 'p2p-latency':
      return index === 0 ? 0 : 1;
    case 'p2p-throughput':
      return index < (params.pairs ?? 0) ? 0 : 1;
    default:
      return (index % 2) as 0 | 1;
  }
}
