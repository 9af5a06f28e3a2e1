/**
 * The measured part of a scenario, as the C++ load generator marks it (bench/native/measurements.h):
 * "@measure-begin" and "@measure-end" on stdout, so that the runner reads the server's CPU over the
 * same interval, and this process's own CPU seconds over it in the metrics (`loadgen_cpu_s`).
 */
export class MeasuredInterval {
  private cpuAtBegin: NodeJS.CpuUsage | undefined;

  begin(): void {
    process.stdout.write('@measure-begin\n');
    this.cpuAtBegin = process.cpuUsage();
  }

  /** Ends the interval; answers the metric to add to the result. */
  end(): { loadgen_cpu_s: number } {
    const used = process.cpuUsage(this.cpuAtBegin);
    process.stdout.write('@measure-end\n');
    return { loadgen_cpu_s: Math.round((used.user + used.system) / 1000) / 1000 };
  }
}
