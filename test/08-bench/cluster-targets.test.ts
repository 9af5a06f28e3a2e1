import { expect } from 'chai';
import { join } from 'path';
import { startBounded } from '../../bench/bounded-process';
import { commandsBetween } from '../../bench/redis-server';
import { BenchPaths, RunningServer, Target, TARGETS } from '../../bench/targets';

const root = join(__dirname, '..', '..', '..');
const paths: BenchPaths = {
  root,
  nativeLoadgen: join(root, 'build-bench/bench/native/agora_sig_loadgen'),
  floorRelay: join(root, 'build-bench/bench/native/agora_sig_floor_relay'),
};

/** Runs the target's load generator against `server`; answers its metrics. */
async function loadgen(target: Target, server: RunningServer, args: string[]): Promise<Record<string, number>> {
  let result: string | undefined;
  const run = startBounded(`${target.name} loadgen`, [...target.loadgenCommand(paths, server), ...args], 60000, (line) => {
    if (line.startsWith('{')) result = line;
  });
  const code = await run.exited;
  expect(code, run.stderrTail()).to.equal(0);
  return JSON.parse(result!).metrics;
}

for (const name of ['socketio-cluster', 'agora-cluster'] as const) {
  describe(`bench: the ${name} target, two nodes on one Redis`, function () {
    this.timeout(120000);
    const target = TARGETS.find((t) => t.name === name)!;
    let server: RunningServer | undefined;

    before(async function () {
      const missing = target.missing(paths);
      // The bench skips such a target with this reason; the tests say it as pending.
      if (missing !== undefined) this.skip();
      server = await target.startServer(paths, 110000);
    });

    after(async () => {
      await server?.stop();
    });

    it('starts two server processes on their own ports and one redis-server', () => {
      expect(server!.processes).to.have.length(2);
      expect(server!.second).to.not.equal(undefined);
      expect(server!.second!.port).to.not.equal(server!.port);
      expect(server!.redis!.port).to.not.equal(6379);
    });

    it('delivers every p2p message from the senders on one node to the receivers on the other, through Redis', async () => {
      const before = await server!.redis!.commandCalls();
      const bytesBefore = await server!.redis!.netInputBytes();
      const metrics = await loadgen(target, server!, ['--scenario', 'p2p-throughput', '--pairs', '3', '--messages-per-pair', '50', '--size', '100']);
      const commands = commandsBetween(before, await server!.redis!.commandCalls());
      const bytes = (await server!.redis!.netInputBytes()) - bytesBefore;
      expect(metrics.delivered).to.equal(150);
      expect(metrics.lost ?? 0).to.equal(0);
      // Each message crossed the nodes, so Redis took in each 100-byte payload at least once (ours
      // several in one publish, Socket.IO's one publish each).
      expect(Object.values(commands).reduce((a, b) => a + b, 0), JSON.stringify(commands)).to.be.greaterThan(0);
      expect(bytes, JSON.stringify(commands)).to.be.at.least(150 * 100);
    });

    it('delivers every channel message to the members on both nodes', async () => {
      const metrics = await loadgen(target, server!, ['--scenario', 'fanout', '--members', '10', '--messages', '5', '--size', '100']);
      expect(metrics.lost ?? 0).to.equal(0);
      // Our load generator has 10 receivers besides the sender, Socket.IO's 9 (its members count the sender).
      expect(metrics.deliveries).to.equal(name === 'agora-cluster' ? 50 : 45);
    });
  });
}
