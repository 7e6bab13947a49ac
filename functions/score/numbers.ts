// Statistics and the rounding policy of the result document.
//
// Rounding policy: everything is computed in full double precision and rounded ONCE, when a
// field is written to the result document (never an intermediate value):
// - milliseconds (duration / billed duration stats, init duration): 3 decimals (1 µs; REPORT
//   itself has 2);
// - GB-seconds: 10 decimals;
// - USD prices: 13 decimals (0.1 pico-dollar; keeps e.g. 106.3155 GB-s x $0.0000133334 =
//   $0.0014175470877 exact, and >= 6 significant digits for the smallest storage prices);
// - rates: written as the constants of harness/pricing.ts, unrounded.
// run_price_usd is the rounded sum of the unrounded parts, so it can differ from the sum of the
// rounded parts by at most 1e-13.

export interface Stats {
  mean: number;
  /** Population standard deviation (divide by n): the runs are the whole population measured. */
  stddev: number;
  min: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error("stats of an empty list");
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n;
  return { mean, stddev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

export function roundTo(value: number, decimals: number): number {
  // toFixed rounds the exact binary value, so the result is the nearest decimal of what we hold.
  return Number(value.toFixed(decimals));
}

export const MS_DECIMALS = 3;
export const GB_SECOND_DECIMALS = 10;
export const USD_DECIMALS = 13;

export function roundMs(value: number): number {
  return roundTo(value, MS_DECIMALS);
}

export function roundStats(s: Stats): Stats {
  return { mean: roundMs(s.mean), stddev: roundMs(s.stddev), min: roundMs(s.min), max: roundMs(s.max) };
}
