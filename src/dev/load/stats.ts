/** Summaries of measured times: exact percentiles over every sample. */

export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The value at percentile `p` (0 to 100) of `values`, by rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(values: readonly number[]): Distribution {
  const sum = values.reduce((total, value) => total + value, 0);
  return {
    count: values.length,
    min: values.reduce((low, value) => Math.min(low, value), values.length ? Infinity : Number.NaN),
    mean: values.length ? sum / values.length : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.reduce((high, value) => Math.max(high, value), values.length ? -Infinity : Number.NaN),
  };
}
