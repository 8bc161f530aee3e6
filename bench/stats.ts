// Summary statistics for benchmark samples: median and nearest-rank percentiles.
// Not for anything statistical beyond that; the bench reports medians on purpose (noisy hosts).

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Nearest-rank percentile; NaN for an empty sample, so a missing figure stays visible. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** NaN for an empty sample, like `percentile`. */
export function max(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => Math.max(a, b));
}
