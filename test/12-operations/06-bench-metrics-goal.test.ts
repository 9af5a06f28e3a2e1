import { expect } from 'chai';
import { Figure, medianFigures } from '../../bench/figures';
import { checkGoals } from '../../bench/goals';

function figure(metric: string, unit: string, values: Figure['values']): Figure {
  return { run: 'p2p-throughput', scenario: 'p2p-throughput', metric, unit, better: metric === 'delivered' ? 'higher' : 'lower', what: '', values };
}

function metricsGoal(on: number, off: number): { observed: string; verdict: string } {
  const goals = checkGoals([figure('delivered', 'msg/s', { agora: off, 'agora-metrics': on }), figure('server CPU', 's/M msg', { agora: 6.0, 'agora-metrics': 6.06 })]);
  const goal = goals.find((g) => g.goal.startsWith('serving /metrics'));
  if (goal === undefined) throw new Error('no metrics goal');
  return goal;
}

describe('12 operations: the benchmark goal of the cost of metrics', () => {
  it('passes when metrics cost under 2% of p2p throughput and fails above, quoting both rates and the CPU ratio', () => {
    expect(metricsGoal(99000, 100000)).to.deep.equal({
      goal: 'serving /metrics (scraped every second) costs under 2% of p2p throughput',
      observed: 'metrics on/off = 0.990 (99,000 vs 100,000 msg/s); server CPU per message on/off = 1.010',
      verdict: 'PASS',
    });
    expect(metricsGoal(97000, 100000).verdict).to.equal('FAIL');
  });

  it('says N/A when the agora-metrics target did not run', () => {
    const goals = checkGoals([figure('delivered', 'msg/s', { agora: 100000 })]);
    expect(goals.find((g) => g.goal.startsWith('serving /metrics'))).to.include({ verdict: 'N/A', observed: 'missing agora-metrics figure' });
  });
});

describe('12 operations: the benchmark rounds of --repeat', () => {
  it('takes the median of each figure per target over the rounds', () => {
    const round = (agora: number, metrics: number | undefined): Figure[] => [figure('delivered', 'msg/s', metrics === undefined ? { agora } : { agora, 'agora-metrics': metrics })];
    const median = medianFigures([round(100, 90), round(300, 110), round(200, undefined)]);
    expect(median).to.have.length(1);
    expect(median[0].values).to.deep.equal({ agora: 200, 'agora-metrics': 100 });
    expect(medianFigures([round(7, 8)])[0].values).to.deep.equal({ agora: 7, 'agora-metrics': 8 });
  });
});
