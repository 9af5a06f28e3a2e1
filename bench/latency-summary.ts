/** Percentiles of latency samples, in microseconds rounded to 0.1. */
export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
}

export function summarizeLatency(samplesUs: number[]): LatencySummary {
  if (samplesUs.length === 0) return { p50: NaN, p99: NaN, p999: NaN };
  const sorted = Float64Array.from(samplesUs).sort();
  // Nearest-rank percentile: the smallest sample with at least q of all samples at or below it.
  const at = (q: number): number => {
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
    return Math.round(sorted[rank - 1] * 10) / 10;
  };
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}
