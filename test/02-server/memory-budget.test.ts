import { expect } from 'chai';
import { loadConfig } from '../../lib/server/config';
import { MemoryBudget } from '../../lib/server/state/memory-budget';

describe('02-server: memory budget', () => {
  it('charges within the bound, refuses past it and counts the refusal', () => {
    const budget = new MemoryBudget(1000);
    expect(budget.tryCharge('channelAttrs', 600)).to.equal(true);
    expect(budget.tryCharge('userAttrs', 401)).to.equal(false);
    expect(budget.tryCharge('userAttrs', 400)).to.equal(true);
    expect(budget.usedBytes).to.equal(1000);
    expect(budget.freeBytes).to.equal(0);
    budget.release('channelAttrs', 600);
    const snapshot = budget.snapshot();
    expect(snapshot.usedBytes).to.equal(400);
    expect(snapshot.peakBytes).to.equal(1000);
    expect(snapshot.byCategory.channelAttrs).to.equal(0);
    expect(snapshot.byCategory.userAttrs).to.equal(400);
    expect(snapshot.refusals.userAttrs).to.equal(1);
  });

  it('has no bound at 0 but still keeps the account', () => {
    const budget = new MemoryBudget(0);
    expect(budget.tryCharge('keptFrames', 1e12)).to.equal(true);
    expect(budget.freeBytes).to.equal(Infinity);
    expect(budget.snapshot().peakBytes).to.equal(1e12);
  });

  it('is set by --memory-budget-bytes, AGORA_SIG_MEMORY_BUDGET_BYTES and memoryBudgetBytes', () => {
    expect(loadConfig([], {}).memoryBudgetBytes).to.equal(1024 * 1024 * 1024);
    expect(loadConfig(['--memory-budget-bytes', '5000'], {}).memoryBudgetBytes).to.equal(5000);
    expect(loadConfig([], { AGORA_SIG_MEMORY_BUDGET_BYTES: '0' }).memoryBudgetBytes).to.equal(0);
    expect(() => loadConfig(['--memory-budget-bytes', '-1'], {})).to.throw(/memory-budget-bytes/);
  });
});
