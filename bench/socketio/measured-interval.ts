/**
 * The measured part of a scenario, as the C++ load generator marks it (bench/native/measurements.h):
 * "@measure-begin" and "@measure-end" on stdout, so that the runner reads the server's CPU over the
 * same interval, and this process's own CPU seconds over it in the metrics (`loadgen_cpu_s`).
 *
 * AGORA_SIG_BENCH_MARK_SETTLE_MS (set by the runner for the targets on Redis) makes each mark wait
 * that long before the interval starts and before the scenario goes on after it ends: the runner
 * reads Redis' command counters over the network at each mark, and they must not yet count the
 * first messages, nor already count the logouts that follow the last delivery.
 */
const settleMs = Number(process.env.AGORA_SIG_BENCH_MARK_SETTLE_MS ?? 0) || 0;

function settle(): Promise<void> {
  return settleMs > 0 ? new Promise((resolve) => setTimeout(resolve, settleMs)) : Promise.resolve();
}

export class MeasuredInterval {
  private cpuAtBegin: NodeJS.CpuUsage | undefined;

  async begin(): Promise<void> {
    process.stdout.write('@measure-begin\n');
    await settle();
    this.cpuAtBegin = process.cpuUsage();
  }

  /** Ends the interval; answers the metric to add to the result. */
  async end(): Promise<{ loadgen_cpu_s: number }> {
    const used = process.cpuUsage(this.cpuAtBegin);
    process.stdout.write('@measure-end\n');
    await settle();
    return { loadgen_cpu_s: Math.round((used.user + used.system) / 1000) / 1000 };
  }
}
