// The runtime matrix's descriptive statistics, in plain arithmetic so they can be checked by hand.
//
// Methods (stated once here, quoted in the README):
// - stddev: SAMPLE standard deviation (divide by n - 1): a configuration's samples are a sample of
//   the invocations it could have had, and its spread is used as an estimate (the contest's
//   scorer uses the population form because its runs are the whole population ranked). n = 1
//   gives 0.
// - percentiles: linear interpolation between closest ranks, Hyndman & Fan (1996) definition 7
//   (R's default, NumPy's "linear", Excel's PERCENTILE.INC): h = (n - 1) p, result = x[floor h]
//   + (h - floor h) (x[floor h + 1] - x[floor h]) on the sorted values (0-based). median = p50.
// - trimmed mean: drop floor(0.1 n) values at EACH end (a 10% trimmed mean, 20% trimmed in all),
//   then the mean of the rest; with n < 10 nothing is dropped and it equals the mean.

export interface Distribution {
  mean: number;
  median: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  trimmed_mean: number;
}

/** Share of the values dropped at each end by `trimmedMean`. */
export const TRIM_EACH_SIDE = 0.1;

/** Type-7 percentile of already SORTED values, p in [0, 1]. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of an empty list");
  if (!(p >= 0 && p <= 1)) throw new Error(`percentile ${p} is outside [0, 1]`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error("mean of an empty list");
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function median(values: readonly number[]): number {
  return percentileSorted(sortedCopy(values), 0.5);
}

export function sampleStddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

export function trimmedMeanSorted(sorted: readonly number[], trimEachSide = TRIM_EACH_SIDE): number {
  const cut = Math.floor(sorted.length * trimEachSide);
  return mean(sorted.slice(cut, sorted.length - cut));
}

/** Every figure of DESIGN.md's `duration_ms: {...}` block; throws on an empty list or a non-finite value. */
export function describe(values: readonly number[]): Distribution {
  if (values.length === 0) throw new Error("statistics of an empty list");
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`statistics of a non-finite value: ${bad}`);
  const sorted = sortedCopy(values);
  const p50 = percentileSorted(sorted, 0.5);
  return {
    mean: mean(sorted),
    median: p50,
    stddev: sampleStddev(sorted),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50,
    p90: percentileSorted(sorted, 0.9),
    p95: percentileSorted(sorted, 0.95),
    p99: percentileSorted(sorted, 0.99),
    trimmed_mean: trimmedMeanSorted(sorted),
  };
}

/** Rounds every field to 3 decimals (1 µs) once, when it is written to the document. */
export function roundDistribution(d: Distribution): Distribution {
  const r = (v: number) => Number(v.toFixed(3));
  return {
    mean: r(d.mean),
    median: r(d.median),
    stddev: r(d.stddev),
    min: r(d.min),
    max: r(d.max),
    p50: r(d.p50),
    p90: r(d.p90),
    p95: r(d.p95),
    p99: r(d.p99),
    trimmed_mean: r(d.trimmed_mean),
  };
}
