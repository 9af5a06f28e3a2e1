#!/usr/bin/env node
/**
 * `npm run bench`: runs every scenario against this project, Socket.IO and the floor relay, each
 * against a fresh server (a fresh Redis and two nodes for the cluster targets), then prints one
 * table with the targets' verdicts and writes bench/results/. Usage: node dist/bench/run.js
 *   [--quick] [--only agora,socketio,floor,java,addon,agora-metrics,agora-cluster,socketio-cluster]
 *   [--scenarios id,id] [--loadgen PATH] [--floor-relay PATH] [--note TEXT]
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { killAllStarted, startBounded } from './bounded-process';
import { Figure, figuresOf, medianFigures, Outcome } from './figures';
import { checkGoals } from './goals';
import type { TargetName } from './loadgen-options';
import { gitCommit, machineInfo } from './machine';
import { cpuSeconds, rssBytes } from './process-stats';
import { commandsBetween } from './redis-server';
import { RunRecord, writeResults } from './results';
import { ScenarioRun, scenarioRuns, Sizes, socketsNeeded } from './scenarios';
import { goalsText, redisCommandsText, textTable } from './table';
import { BenchPaths, RunningServer, Target, TARGETS } from './targets';

let sourceRuns = 0;
/** 127.0.1, 127.0.2, ...: the source addresses of each load generator run (see clients.ts). */
function nextSourcePrefix(): string {
  sourceRuns = (sourceRuns % 250) + 1;
  return `127.0.${sourceRuns}`;
}

interface RunnerOptions {
  sizes: Sizes;
  only: TargetName[] | undefined;
  scenarios: string[] | undefined;
  paths: BenchPaths;
  note: string;
  /** Rounds of every scenario run; the figures are the medians (medianFigures). */
  repeat: number;
}

const USAGE = `Usage: node dist/bench/run.js [--quick] [--scenarios id,id] [--loadgen PATH] [--floor-relay PATH]
       [--note TEXT] [--repeat N] [--only agora,socketio,floor,java,addon,agora-metrics,agora-cluster,socketio-cluster]`;

/** Descriptors a process keeps besides the benchmark's sockets (stdio, epoll, timers, listeners). */
const SPARE_FILE_DESCRIPTORS = 200;
const RSS_SAMPLE_MS = 100;
/** The lines a load generator prints around its measured interval (bench/native/measurements.h). */
const MEASURE_BEGIN = '@measure-begin';
const MEASURE_END = '@measure-end';
/** After a warm-up run, before the measured one. */
const WARMUP_SETTLE_MS = 1000;
/**
 * How long a load generator waits at each mark of its measured interval when the target has a
 * Redis (AGORA_SIG_BENCH_MARK_SETTLE_MS): the runner's INFO to Redis must be answered before the
 * first message of the interval and after its last one. Idle time, so no CPU to speak of.
 */
const MARK_SETTLE_MS = 300;

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function parseOptions(argv: string[]): RunnerOptions {
  const root = resolve(__dirname, '..', '..');
  const options: RunnerOptions = {
    sizes: 'default',
    only: undefined,
    scenarios: undefined,
    paths: {
      root,
      nativeLoadgen: join(root, 'build-bench/bench/native/agora_sig_loadgen'),
      floorRelay: join(root, 'build-bench/bench/native/agora_sig_floor_relay'),
    },
    note: '',
    repeat: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--quick') options.sizes = 'quick';
    else if (flag === '--only') {
      const names = value().split(',');
      for (const n of names) if (!TARGETS.some((t) => t.name === n)) throw new Error(`--only: unknown target ${n}`);
      options.only = names as TargetName[];
    } else if (flag === '--scenarios') options.scenarios = value().split(',');
    else if (flag === '--loadgen') options.paths.nativeLoadgen = resolve(value());
    else if (flag === '--floor-relay') options.paths.floorRelay = resolve(value());
    else if (flag === '--note') options.note = value();
    else if (flag === '--repeat') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`--repeat must be an integer from 1 to 100\n${USAGE}`);
      options.repeat = n;
    }
    else if (flag === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return options;
}

function log(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/**
 * The command line of one load generator run with `params`; the run gets source addresses of its
 * own (AGORA_SIG_BENCH_SOURCE_PREFIX, which the load generator reads).
 */
function loadgenRun(target: Target, paths: BenchPaths, server: RunningServer, scenario: ScenarioRun['scenario'], params: ScenarioRun['params']): string[] {
  process.env.AGORA_SIG_BENCH_SOURCE_PREFIX = nextSourcePrefix();
  if (server.redis !== undefined) process.env.AGORA_SIG_BENCH_MARK_SETTLE_MS = String(MARK_SETTLE_MS);
  else delete process.env.AGORA_SIG_BENCH_MARK_SETTLE_MS;
  const args = Object.entries(params).flatMap(([k, v]) => [`--${k}`, String(v)]);
  return [...target.loadgenCommand(paths, server), '--scenario', scenario, ...args];
}

/** Sums a /proc reading over the server's processes. */
function sumOver(pids: number[], read: (pid: number) => number): number {
  return pids.reduce((total, pid) => total + read(pid), 0);
}

/** The /proc readings of the server's processes and of its Redis, if any, at one moment. */
interface Reading {
  serverCpu: number;
  redisCpu?: number;
}

/** Runs one scenario against one target: fresh server, load generator, server's CPU and memory. */
async function runOne(target: Target, run: ScenarioRun, paths: BenchPaths): Promise<Outcome> {
  const server = await target.startServer(paths, 2 * run.timeoutMs + 60000);
  const pids = server.processes.map((p) => p.pid);
  const redis = server.redis;
  const read = (): Reading => ({ serverCpu: sumOver(pids, cpuSeconds), redisCpu: redis && cpuSeconds(redis.process.pid) });
  const rss = (): number => sumOver(pids, rssBytes);
  try {
    if (run.warmup !== undefined) {
      const failure = await warmUp(target, run, run.warmup, paths, server);
      if (failure !== null) return { status: 'failed', reason: failure };
    }
    const rssBefore = rss();
    const redisRssBefore = redis && rssBytes(redis.process.pid);
    const before = read();
    let rssPeak = rssBefore;
    let rssAtResult: number | undefined;
    let redisRssAtResult: number | undefined;
    let resultLine: string | undefined;
    const sampler = setInterval(() => {
      try {
        rssPeak = Math.max(rssPeak, rss());
      } catch {
        // The server ended; the load generator's exit reports it.
      }
    }, RSS_SAMPLE_MS);
    const command = loadgenRun(target, paths, server, run.scenario, run.params);
    let atBegin: Reading | undefined;
    let atEnd: Reading | undefined;
    // Redis' counters at the two marks; the load generator waits MARK_SETTLE_MS at each for them.
    let commandsAtBegin: Promise<Record<string, number> | undefined> | undefined;
    let commandsAtEnd: Promise<Record<string, number> | undefined> | undefined;
    // A failed reading leaves the command figures out (the run may have failed anyway).
    const commandCalls = (): Promise<Record<string, number> | undefined> | undefined => redis?.commandCalls().catch(() => undefined);
    const loadgen = startBounded(`${target.name} loadgen`, command, run.timeoutMs, (line) => {
      // The load generator marks its measured interval, so both processes' CPU covers the same time.
      if (line === MEASURE_BEGIN || line === MEASURE_END) {
        try {
          if (line === MEASURE_BEGIN) {
            atBegin = read();
            commandsAtBegin = commandCalls();
          } else {
            atEnd = read();
            commandsAtEnd = commandCalls();
          }
        } catch {
          // The server ended; the load generator's exit reports it.
        }
      } else if (line.startsWith('{')) {
        resultLine = line;
        // The idle scenario holds its sessions for a moment after this line.
        try {
          rssAtResult = rss();
          redisRssAtResult = redis && rssBytes(redis.process.pid);
        } catch {
          // Reported below as a missing figure.
        }
      }
    });
    const code = await loadgen.exited;
    clearInterval(sampler);
    const after = read();
    if (code !== 0 || resultLine === undefined) {
      return { status: 'failed', reason: `load generator exit ${code}: ${loadgen.stderrTail().trim().split('\n').slice(-3).join(' | ')}` };
    }
    let parsed: { metrics?: Record<string, unknown> };
    try {
      parsed = JSON.parse(resultLine);
    } catch {
      return { status: 'failed', reason: `result line is not JSON: ${resultLine.slice(0, 200)}` };
    }
    const metrics = parsed.metrics ?? {};
    const loadgenCpu = metrics.loadgen_cpu_s;
    let interval: Outcome['interval'];
    if (atBegin !== undefined && atEnd !== undefined && typeof loadgenCpu === 'number') {
      interval = { server_cpu_seconds: round2(atEnd.serverCpu - atBegin.serverCpu), loadgen_cpu_seconds: round2(loadgenCpu), machine_cores: cpus().length };
      if (atBegin.redisCpu !== undefined && atEnd.redisCpu !== undefined) interval.redis_cpu_seconds = round2(atEnd.redisCpu - atBegin.redisCpu);
      const [callsAtBegin, callsAtEnd] = [await commandsAtBegin, await commandsAtEnd];
      if (callsAtBegin !== undefined && callsAtEnd !== undefined) {
        const calls = commandsBetween(callsAtBegin, callsAtEnd);
        interval.redis_commands = Object.values(calls).reduce((a, b) => a + b, 0);
        interval.redis_command_calls = calls;
      }
    }
    return {
      status: 'ok',
      metrics,
      interval,
      server: {
        cpu_seconds: round2(after.serverCpu - before.serverCpu),
        rss_before_bytes: rssBefore,
        rss_at_result_bytes: rssAtResult,
        rss_peak_bytes: rssPeak,
      },
      redis:
        redis && before.redisCpu !== undefined && after.redisCpu !== undefined && redisRssBefore !== undefined
          ? { cpu_seconds: round2(after.redisCpu - before.redisCpu), rss_before_bytes: redisRssBefore, rss_at_result_bytes: redisRssAtResult }
          : undefined,
    };
  } finally {
    await server.stop();
  }
}

/** The unmeasured run before a scenario (ScenarioRun.warmup); answers why it failed, or null. */
async function warmUp(target: Target, run: ScenarioRun, params: ScenarioRun['params'], paths: BenchPaths, server: RunningServer): Promise<string | null> {
  const command = loadgenRun(target, paths, server, run.scenario, params);
  const loadgen = startBounded(`${target.name} warm-up`, command, run.timeoutMs);
  const code = await loadgen.exited;
  if (code !== 0) return `warm-up run: load generator exit ${code}: ${loadgen.stderrTail().trim().split('\n').slice(-3).join(' | ')}`;
  // Let the server finish with the warm-up's sessions (they log out as the load generator ends).
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SETTLE_MS));
  return null;
}

/** One scenario run against one target, or why it was skipped or failed. */
async function runTarget(target: Target, run: ScenarioRun, options: RunnerOptions, openFilesLimit: number, round: number): Promise<Outcome> {
  const missing = target.missing(options.paths);
  const needed = socketsNeeded(run) + SPARE_FILE_DESCRIPTORS;
  let outcome: Outcome;
  if (target.scenarios !== undefined && !target.scenarios.includes(run.scenario)) {
    outcome = { status: 'skipped', reason: `${target.name} load generator runs only ${target.scenarios.join(', ')}` };
  } else if (missing !== undefined) outcome = { status: 'skipped', reason: missing };
  else if (needed > openFilesLimit) {
    outcome = { status: 'skipped', reason: `needs about ${needed} open files per process; the hard limit here is ${openFilesLimit}` };
  } else {
    log(`${run.id} ${JSON.stringify(run.params)} -> ${target.name}${options.repeat > 1 ? ` (round ${round + 1} of ${options.repeat})` : ''}`);
    try {
      outcome = await runOne(target, run, options.paths);
    } catch (e) {
      outcome = { status: 'failed', reason: (e as Error).message };
    }
  }
  if (outcome.status !== 'ok') log(`${run.id} -> ${target.name}: ${outcome.status}: ${outcome.reason}`);
  return outcome;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  const { commit, dirty } = gitCommit(options.paths.root);
  const date = new Date().toISOString();
  const targets = TARGETS.filter((t) => options.only === undefined || options.only.includes(t.name));
  const runs = scenarioRuns(options.sizes).filter((r) => options.scenarios === undefined || options.scenarios.includes(r.id));
  log(`${options.sizes} sizes, ${runs.length} scenario runs x ${targets.length} targets; ${machine.cores} cores, Node ${machine.node_version}`);

  const records: RunRecord[] = [];
  const figures: Figure[] = [];
  for (const run of runs) {
    const rounds: Partial<Record<TargetName, Outcome>>[] = [];
    for (let round = 0; round < options.repeat; round++) {
      // Every other round runs the targets in reverse order, so that a drift of the machine's
      // load over the run does not always favour the same target.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      const outcomes: Partial<Record<TargetName, Outcome>> = {};
      for (const target of order) outcomes[target.name] = await runTarget(target, run, options, machine.open_files_limit, round);
      rounds.push(outcomes);
    }
    const record: RunRecord = { run, outcomes: rounds[0] };
    if (rounds.length > 1) record.laterRounds = rounds.slice(1);
    records.push(record);
    figures.push(...medianFigures(rounds.map((outcomes) => figuresOf(run, outcomes))));
  }

  const goals = checkGoals(figures);
  process.stdout.write(`\n${textTable(figures)}\n\nTargets of this run:\n${goalsText(goals)}\n`);
  const commands = redisCommandsText(records);
  if (commands.length > 0) process.stdout.write(`\nRedis commands over the measured intervals:\n${commands}\n`);
  const skipped = records.flatMap((r) =>
    Object.entries(r.outcomes)
      .filter(([, o]) => o.status !== 'ok')
      .map(([t, o]) => `  ${r.run.id} / ${t}: ${o.status} (${o.reason})`),
  );
  if (skipped.length > 0) process.stdout.write(`\nNot measured:\n${skipped.join('\n')}\n`);
  const files = writeResults(join(options.paths.root, 'bench/results'), {
    date,
    commit,
    working_tree_modified: dirty,
    machine,
    note: options.note,
    repeat: options.repeat,
    sizes: options.sizes,
    targets: Object.fromEntries(targets.map((t) => [t.name, t.description])),
    runs: records,
    figures,
    goals,
  });
  process.stdout.write(`\nWrote ${files.results}, ${files.latest} and ${files.chart}\n`);
}

process.on('SIGINT', () => {
  killAllStarted();
  process.exit(130);
});
main().catch((e: unknown) => {
  killAllStarted();
  process.stderr.write(`bench: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
