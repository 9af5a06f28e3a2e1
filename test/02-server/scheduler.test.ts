import { expect } from 'chai';
import { MemoryChannelStore } from '../../lib/server/state/memory-channel-store';
import { Scheduler } from '../../lib/server/state/scheduler';
import { sleep } from './channel-helpers';

describe('02-server: the scheduler (one timer for every TTL)', () => {
  it('runs tasks in deadline order, scheduling order for equal deadlines, and skips cancelled ones', async () => {
    const scheduler = new Scheduler();
    const ran: string[] = [];
    const now = Date.now();
    scheduler.at(now + 30, () => ran.push('c'));
    scheduler.at(now + 10, () => ran.push('a1'));
    scheduler.at(now + 10, () => ran.push('a2'));
    const cancelled = scheduler.at(now + 20, () => ran.push('b'));
    scheduler.cancel(cancelled);
    scheduler.at(now + 5, () => {
      throw new Error('a failing task does not stop the others');
    });
    expect(scheduler.size).to.equal(4);
    await sleep(60);
    expect(ran).to.deep.equal(['a1', 'a2', 'c']);
    expect(scheduler.size).to.equal(0);
    scheduler.stop();
  });

  it('keeps 100,000 channel TTLs in one heap and retires them on time', async function () {
    this.timeout(20000);
    const scheduler = new Scheduler();
    const store = new MemoryChannelStore(scheduler, { userMessagesPerSecond: 60, channelMessagesPerSecond: 200, defaultChannelTtlSeconds: 0.3 });
    const value = new Uint8Array([0x31]);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100000; i++) store.setAttr('app', `channel-${i}`, 'a', value);
    const setupMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(store.channelCount).to.equal(100000);
    expect(scheduler.size).to.equal(100000);
    await sleep(1200);
    expect(store.channelCount).to.equal(0);
    expect(scheduler.size).to.equal(0);
    console.log(`      100,000 channels with a TTL set up in ${setupMs.toFixed(0)} ms, all retired by one timer`);
    scheduler.stop();
  });
});
