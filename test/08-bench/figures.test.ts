import { expect } from 'chai';
import { figuresOf, MACHINE_BOUND, Outcome } from '../../bench/figures';
import { checkGoals } from '../../bench/goals';
import { scenarioRuns } from '../../bench/scenarios';

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
