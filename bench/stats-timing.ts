/** Latency figures over a series of timed requests, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  median: number;
  mean: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The p-quantile (0 to 1) of the values, interpolated linearly between the closest ranks
 * (what Postgres's percentile_cont does); NaN for no values.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function summarise(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    min: values.length ? Math.min(...values) : Number.NaN,
    median: quantile(values, 0.5),
    mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN,
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/**
 * Splits paired series into `rounds` runs of consecutive pairs and gives each run's
 * median(measured) / median(baseline): how steady the ratio is over the measurement.
 */
export function roundRatios(measured: readonly number[], baseline: readonly number[], rounds: number): number[] {
  const pairs = Math.min(measured.length, baseline.length);
  const count = Math.max(1, Math.min(rounds, pairs));
  const ratios: number[] = [];
  for (let round = 0; round < count; round += 1) {
    const from = Math.floor((round * pairs) / count);
    const to = Math.floor(((round + 1) * pairs) / count);
    if (to <= from) continue;
    ratios.push(quantile(measured.slice(from, to), 0.5) / quantile(baseline.slice(from, to), 0.5));
  }
  return ratios;
}
