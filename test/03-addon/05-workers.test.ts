import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createAgoraSDKInstanceWin, IAgoraAPI } from '../../lib';
import { sleep, UNREACHABLE_SERVER } from './helpers';

interface WorkerReport {
  errors?: number;
  version?: number;
  alive?: boolean;
  failure?: string;
}

function startWorker(mode: string): { worker: Worker; report: Promise<WorkerReport>; exit: Promise<number> } {
  const worker = new Worker(path.join(__dirname, 'fixtures', 'worker-instances.js'), {
    workerData: { mode },
    env: { ...process.env, AGORA_SIG_SERVER: UNREACHABLE_SERVER },
  });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, report, exit };
}

describe('03-addon: worker_threads', function () {
  this.timeout(30000);

  it('loads in two workers and the main thread at once; workers end by themselves', async () => {
    const a = startWorker('destroy');
    const b = startWorker('destroy');
    // Meanwhile the main thread uses its own instances.
    const mine: IAgoraAPI[] = [];
    for (let i = 0; i < 5; i++) {
      const api = createAgoraSDKInstanceWin('');
      api.channelJoin('main');
      mine.push(api);
      await sleep(5);
    }
    for (const api of mine) api.destroy();

    const [ra, rb] = await Promise.all([a.report, b.report]);
    expect(ra.failure).to.equal(undefined);
    expect(rb.failure).to.equal(undefined);
    expect(ra.errors).to.equal(10);
    expect(rb.errors).to.equal(10);
    const exitCodes = await Promise.race([
      Promise.all([a.exit, b.exit]),
      sleep(10000).then(() => 'still running'),
    ]);
    expect(exitCodes).to.deep.equal([0, 0]);
  });

  /** Threads of this process (Linux only: undefined elsewhere). */
  function threadCount(): number | undefined {
    try {
      return fs.readdirSync('/proc/self/task').length;
    } catch {
      return undefined;
    }
  }

  it('destroys the instances a terminated worker left alive', async () => {
    const threadsBefore = threadCount();
    const w = startWorker('leave-alive');
    const report = await w.report;
    expect(report.failure).to.equal(undefined);
    expect(report.alive).to.equal(true);
    expect(report.version).to.equal(1000100000);
    // The pending logins keep the worker alive; terminating it tears its environment down.
    await sleep(100);
    const code = await w.worker.terminate();
    expect(code).to.equal(1);
    // The worker's instances had network threads; its teardown must have stopped them.
    if (threadsBefore !== undefined) {
      const deadline = Date.now() + 5000;
      while (threadCount()! > threadsBefore && Date.now() < deadline) await sleep(50);
      expect(threadCount()).to.be.at.most(threadsBefore);
    }
    // The main thread's addon state is untouched.
    const api = createAgoraSDKInstanceWin('');
    expect(api.getSdkVersion()).to.equal(1000100000);
    api.destroy();
  });
});
