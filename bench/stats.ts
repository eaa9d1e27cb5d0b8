/**
 * Summaries of latency samples.
 */

export interface LatencySummary {
  samples: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** The nearest-rank percentile `p` (0..100) of sorted values. */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('no samples')
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** p50/p90/p99/max/mean of some latencies, in their unit, rounded to microseconds. */
export function summarise (values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b)
  const round = (x: number): number => Math.round(x * 1000) / 1000
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length)
  }
}
