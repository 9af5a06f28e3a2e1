import { expect } from 'chai';
import { Figure, figuresOf, MACHINE_BOUND, Outcome } from '../../bench/figures';
import { checkGoals } from '../../bench/goals';
import { nodeOf, parseLoadgenOptions, TargetName, UsageError } from '../../bench/loadgen-options';
import { commandsBetween, parseCommandStats } from '../../bench/redis-server';
import { scenarioRuns } from '../../bench/scenarios';
import { redisCommandsText, textTable } from '../../bench/table';

const loginStorm = scenarioRuns('default').find((r) => r.id === 'login-storm')!;

/** 10,000 logins in 0.5 s; server 0.6 and load generator 0.2 CPU seconds of 2 cores. */
function stormOutcome(interval: Outcome['interval']): Outcome {
  return {
    status: 'ok',
    metrics: { logins_per_s: 20000 * 0.8, seconds: 0.5 },
    interval,
    server: { cpu_seconds: 1.5, rss_before_bytes: 0, rss_peak_bytes: 0 },
  };
}

describe('bench: where the CPU of a run went', () => {
  it('reports each process’s cores, the machine’s busy share and the rate bound at a full machine', () => {
    const outcome = stormOutcome({ server_cpu_seconds: 0.6, loadgen_cpu_seconds: 0.2, machine_cores: 2 });
    const byMetric = new Map(figuresOf(loginStorm, { agora: outcome }).map((f) => [f.metric, f.values.agora]));
    expect(byMetric.get('logins')).to.equal(16000);
    expect(byMetric.get('server cores used')).to.be.closeTo(1.2, 1e-9);
    expect(byMetric.get('loadgen cores used')).to.be.closeTo(0.4, 1e-9);
    expect(byMetric.get('machine CPU busy')).to.be.closeTo(80, 1e-9);
    // 16,000/s with 80% of the machine busy: at most 20,000/s with the same CPU per login.
    expect(byMetric.get(MACHINE_BOUND)).to.be.closeTo(20000, 1e-6);
  });

  it('leaves the CPU figures out when the load generator marked no interval', () => {
    const figures = figuresOf(loginStorm, { agora: stormOutcome(undefined) });
    const cpu = figures.filter((f) => f.metric !== 'logins');
    expect(cpu.map((f) => f.metric)).to.include.members(['server cores used', 'machine CPU busy', MACHINE_BOUND]);
    for (const f of cpu) expect(f.values, f.metric).to.deep.equal({});
  });

  it('quotes the machine bound beside a rate target', () => {
    const outcome = stormOutcome({ server_cpu_seconds: 0.7, loadgen_cpu_seconds: 0.3, machine_cores: 2 });
    const goal = checkGoals(figuresOf(loginStorm, { agora: outcome })).find((g) => g.goal.includes('logins per second'))!;
    expect(goal.verdict).to.equal('FAIL');
    expect(goal.observed).to.equal(`16,000 /s (${MACHINE_BOUND}: 16,000 /s)`);
  });
});

const fanout100 = scenarioRuns('quick').find((r) => r.id === 'fanout-100')!;
const fanout1000 = scenarioRuns('quick').find((r) => r.id === 'fanout-1000')!;
const throughput = scenarioRuns('quick').find((r) => r.id === 'p2p-throughput')!;
const lowRate = scenarioRuns('quick').find((r) => r.id === 'p2p-latency@1000/s')!;

/** A fan-out run of `deliveries` in 0.5 s, with the CPU and Redis figures given. */
function fanoutOutcome(deliveries: number, interval: Outcome['interval']): Outcome {
  return {
    status: 'ok',
    metrics: { deliveries, deliveries_per_s: deliveries / 0.5, seconds: 0.5, latency_us: { p50: 100, p99: 200 } },
    interval,
    server: { cpu_seconds: 9, rss_before_bytes: 0, rss_peak_bytes: 0 },
  };
}

function valueOf(figures: Figure[], metric: string, target: TargetName): number | undefined {
  return figures.find((f) => f.metric === metric)?.values[target];
}

describe('bench: the cluster targets’ figures', () => {
  it('gives CPU per million deliveries for the server and for Redis, and Redis commands per channel message', () => {
    // 50 channel messages to 100 members: 5,000 deliveries; 150 commands are 3 per message.
    const outcome = fanoutOutcome(5000, {
      server_cpu_seconds: 0.4,
      loadgen_cpu_seconds: 0.2,
      redis_cpu_seconds: 0.1,
      machine_cores: 2,
      redis_commands: 150,
      redis_command_calls: { publish: 50, incr: 100 },
    });
    const figures = figuresOf(fanout100, { 'agora-cluster': outcome });
    expect(valueOf(figures, 'server CPU', 'agora-cluster')).to.be.closeTo(80, 1e-9);
    expect(valueOf(figures, 'Redis CPU', 'agora-cluster')).to.be.closeTo(20, 1e-9);
    expect(valueOf(figures, 'Redis commands', 'agora-cluster')).to.be.closeTo(3, 1e-9);
    expect(valueOf(figures, 'Redis cores used', 'agora-cluster')).to.be.closeTo(0.2, 1e-9);
    // Redis runs on the same machine: (0.4 + 0.2 + 0.1) s over 0.5 s of 2 cores.
    expect(valueOf(figures, 'machine CPU busy', 'agora-cluster')).to.be.closeTo(70, 1e-9);
  });

  it('gives every target the server CPU per million deliveries, and Redis figures only to a target with a Redis', () => {
    const single = fanoutOutcome(5000, { server_cpu_seconds: 0.25, loadgen_cpu_seconds: 0.2, machine_cores: 2 });
    const unmarked = fanoutOutcome(5000, undefined);
    const figures = figuresOf(fanout100, { agora: single, floor: unmarked });
    expect(valueOf(figures, 'server CPU', 'agora')).to.be.closeTo(50, 1e-9);
    // No interval marked: the whole run's server CPU (9 s) per million deliveries.
    expect(valueOf(figures, 'server CPU', 'floor')).to.be.closeTo(1800, 1e-9);
    for (const metric of ['Redis CPU', 'Redis commands', 'Redis cores used']) {
      expect(figures.find((f) => f.metric === metric)!.values, metric).to.deep.equal({});
    }
  });

  it('gives Redis commands per cross-node p2p message from the delivered messages', () => {
    const outcome: Outcome = {
      status: 'ok',
      metrics: { delivered: 4000, delivered_per_s: 8000, seconds: 0.5 },
      interval: { server_cpu_seconds: 0.2, loadgen_cpu_seconds: 0.1, machine_cores: 2, redis_cpu_seconds: 0.05, redis_commands: 8000 },
    };
    const figures = figuresOf(throughput, { 'agora-cluster': outcome });
    expect(valueOf(figures, 'Redis commands', 'agora-cluster')).to.equal(2);
    expect(valueOf(figures, 'server CPU', 'agora-cluster')).to.be.closeTo(50, 1e-9);
    expect(valueOf(figures, 'Redis CPU', 'agora-cluster')).to.be.closeTo(12.5, 1e-9);
  });

  it('checks the cluster targets: 5x Socket.IO on Redis, latency within 2x of one node, commands not growing with members', () => {
    const fig = (run: Figure['run'], metric: string, values: Figure['values']): Figure => ({
      run,
      scenario: 'fanout',
      metric,
      unit: '/s',
      better: 'higher',
      what: '',
      values,
    });
    const figures: Figure[] = [
      { ...fig('p2p-throughput', 'delivered', { 'agora-cluster': 60000, 'socketio-cluster': 10000 }), scenario: 'p2p-throughput' },
      fig('fanout-100', 'deliveries', { 'agora-cluster': 40000, 'socketio-cluster': 10000 }),
      { ...fig('p2p-latency@1000/s', 'latency p50', { 'agora-cluster': 250, agora: 100 }), scenario: 'p2p-latency' },
      { ...fig('p2p-throughput', 'Redis commands', { 'agora-cluster': 2, 'socketio-cluster': 1 }), scenario: 'p2p-throughput' },
      fig('fanout-100', 'Redis commands', { 'agora-cluster': 3, 'socketio-cluster': 1 }),
      fig('fanout-1000', 'Redis commands', { 'agora-cluster': 30, 'socketio-cluster': 1 }),
    ];
    const goals = checkGoals(figures);
    const verdict = (prefix: string): string => {
      const g = goals.find((x) => x.goal.startsWith(prefix));
      expect(g, prefix).to.not.equal(undefined);
      return `${g!.verdict} ${g!.observed}`;
    };
    expect(verdict('cross-node p2p throughput at least 5x')).to.equal('PASS agora-cluster/socketio-cluster = 6.00 (60,000 vs 10,000 /s)');
    expect(verdict('cross-node channel fan-out at least 5x')).to.equal('FAIL agora-cluster/socketio-cluster = 4.00 (40,000 vs 10,000 /s)');
    expect(verdict('cross-node p2p latency p50')).to.equal('FAIL agora-cluster/agora = 2.50 (250 vs 100 /s)');
    expect(verdict('Redis commands per cross-node p2p message')).to.equal('INFO 2.00 /s (socketio-cluster: 1.00)');
    expect(verdict('Redis commands per channel message do not grow')).to.equal('FAIL 30.00 /s at 1000 members vs 3.00 at 100 (10.00x)');
    figures[5].values['agora-cluster'] = 3.5;
    const again = checkGoals(figures).find((g) => g.goal.startsWith('Redis commands per channel message do not grow'))!;
    expect(again.verdict).to.equal('PASS');
  });

  it('says N/A, not PASS, when the cluster targets did not run', () => {
    const figures = figuresOf(lowRate, { agora: { status: 'ok', metrics: { latency_us: { p50: 100, p99: 300, p999: 900 }, rate: 1000 } } });
    const goal = checkGoals(figures).find((g) => g.goal.startsWith('cross-node p2p latency p50'))!;
    expect(goal.verdict).to.equal('N/A');
    expect(goal.observed).to.equal('missing agora-cluster figure');
  });

  it('prints the cluster columns and their ratios in the table', () => {
    const outcome = (deliveries: number): Outcome => fanoutOutcome(deliveries, undefined);
    const table = textTable(figuresOf(fanout1000, { agora: outcome(8000), 'agora-cluster': outcome(6000), 'socketio-cluster': outcome(1000) }));
    const [header, , deliveries] = table.split('\n');
    expect(header).to.match(/agora-cluster\s+socketio-cluster\s+agora\/socketio\s+agora\/floor\s+metrics\/agora\s+agora-cluster\/socketio-cluster\s+agora-cluster\/agora$/);
    // 12,000 and 2,000 deliveries/s: 6.00x Socket.IO on Redis, 0.75x our single node.
    expect(deliveries).to.match(/deliveries .* 12,000\s+2,000\s+—\s+—\s+—\s+6\.00x\s+0\.75x$/);
  });
});

describe('bench: Redis command counts', () => {
  it('lists the commands of each measured interval by name, most first, for the targets with a Redis', () => {
    const withRedis = fanoutOutcome(5000, {
      server_cpu_seconds: 0.4,
      loadgen_cpu_seconds: 0.2,
      machine_cores: 2,
      redis_commands: 1250,
      redis_command_calls: { hmget: 250, publish: 1000 },
    });
    const text = redisCommandsText([{ run: fanout100, outcomes: { agora: fanoutOutcome(5000, undefined), 'socketio-cluster': withRedis } }]);
    expect(text).to.equal('  fanout-100 / socketio-cluster: publish 1,000, hmget 250');
  });

  const info = (calls: Record<string, number>): string =>
    ['# Commandstats', ...Object.entries(calls).map(([c, n]) => `cmdstat_${c}:calls=${n},usec=${n * 2},usec_per_call=2.00,rejected_calls=0,failed_calls=0`)].join('\r\n');

  it('reads the calls of each command from INFO commandstats', () => {
    expect(parseCommandStats(info({ publish: 12, 'client|setinfo': 2, info: 3 }))).to.deep.equal({ publish: 12, 'client|setinfo': 2, info: 3 });
  });

  it('counts the commands between two readings without the runner’s own INFO', () => {
    const before = parseCommandStats(info({ publish: 10, info: 4, get: 7 }));
    const after = parseCommandStats(info({ publish: 30, info: 5, get: 7, evalsha: 20 }));
    expect(commandsBetween(before, after)).to.deep.equal({ publish: 20, evalsha: 20 });
  });
});

describe('bench: clients over two nodes', () => {
  it('puts p2p senders on the first node and receivers on the second, and alternates channel members', () => {
    expect([0, 1].map((i) => nodeOf('p2p-latency', {}, i))).to.deep.equal([0, 1]);
    expect([0, 1, 2, 3].map((i) => nodeOf('p2p-throughput', { pairs: 2 }, i))).to.deep.equal([0, 0, 1, 1]);
    expect([0, 1, 2, 3, 4].map((i) => nodeOf('fanout', { members: 4 }, i))).to.deep.equal([0, 1, 0, 1, 0]);
    expect([0, 1, 2].map((i) => nodeOf('login-storm', { accounts: 3 }, i))).to.deep.equal([0, 1, 0]);
  });

  it('takes --server2 host:port and refuses a malformed one', () => {
    const base = ['--target', 'socketio', '--server', '127.0.0.1:1000', '--scenario', 'idle'];
    expect(parseLoadgenOptions(base).server2).to.equal(undefined);
    expect(parseLoadgenOptions([...base, '--server2', '127.0.0.1:2000']).server2).to.deep.equal({ host: '127.0.0.1', port: 2000 });
    expect(() => parseLoadgenOptions([...base, '--server2', '127.0.0.1'])).to.throw(UsageError, /--server2 must be host:port/);
    expect(() => parseLoadgenOptions([...base, '--server2', '127.0.0.1:70000'])).to.throw(UsageError, /--server2/);
  });
});
