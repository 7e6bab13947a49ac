// Golden tests of the matrix statistics: every expected number was worked out by hand (shown).
import { describe as group, expect, it } from "vitest";
import { describe, percentileSorted, roundDistribution, sampleStddev } from "../functions/matrix-aggregate/statistics";
import { ratioOfMediansCi, resampleMedian, SeededRandom, seedFromText } from "../functions/matrix-aggregate/bootstrap";
import { costPerMillionUsd } from "../functions/matrix-aggregate/cost";

group("describe", () => {
  it("skewed five values: type-7 percentiles, sample stddev, no trimming below 10 values", () => {
    // sorted 1 3 7 10 100; p90: h = 4 x 0.9 = 3.6 -> 10 + 0.6 x 90 = 64; p95: h = 3.8 -> 82;
    // p99: h = 3.96 -> 96.4; squared deviations from 24.2 sum to 7230.8, / 4 = 1807.7.
    const d = describe([10, 1, 100, 3, 7]);
    expect(d.mean).toBeCloseTo(24.2, 12);
    expect(d.median).toBe(7);
    expect(d.p50).toBe(7);
    expect(d.p90).toBeCloseTo(64, 12);
    expect(d.p95).toBeCloseTo(82, 12);
    expect(d.p99).toBeCloseTo(96.4, 12);
    expect(d.stddev).toBeCloseTo(Math.sqrt(1807.7), 12);
    expect(d.min).toBe(1);
    expect(d.max).toBe(100);
    expect(d.trimmed_mean).toBeCloseTo(24.2, 12);
  });

  it("even count: the median interpolates; 10% trimmed from each end", () => {
    // 1..19 and 1000: floor(20 x 0.1) = 2 dropped at each end (1, 2 and 19, 1000): mean of 3..18 = 10.5.
    const values = [...Array.from({ length: 19 }, (_, i) => i + 1), 1000];
    const d = describe(values);
    expect(d.median).toBe(10.5);
    expect(d.trimmed_mean).toBe(10.5);
    expect(d.mean).toBeCloseTo((190 + 1000) / 20, 12);
    // h = 19 x 0.95 = 18.05 -> 19 + 0.05 x 981 = 68.05
    expect(d.p95).toBeCloseTo(68.05, 10);
  });

  it("one value: every figure is that value, stddev 0", () => {
    expect(describe([42])).toEqual({ mean: 42, median: 42, stddev: 0, min: 42, max: 42, p50: 42, p90: 42, p95: 42, p99: 42, trimmed_mean: 42 });
    expect(sampleStddev([42])).toBe(0);
  });

  it("refuses empty lists, non-finite values and percentiles outside [0, 1]", () => {
    expect(() => describe([])).toThrow(/empty/);
    expect(() => describe([1, Number.NaN])).toThrow(/non-finite value: NaN/);
    expect(() => percentileSorted([1], 1.5)).toThrow(/outside \[0, 1\]/);
  });

  it("rounds to 1 µs only when asked", () => {
    expect(roundDistribution(describe([1.23456, 1.23456])).mean).toBe(1.235);
  });
});

group("bootstrap", () => {
  it("the seeded generator is deterministic and about uniform", () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(new SeededRandom(8).nextUint32()).not.toBe(first[0]);
    const r = new SeededRandom(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.below(10)]!++;
    // Each bucket expects 10,000; 5 sigma of a binomial(1e5, 0.1) is 5 x 94.9 = 474.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(475);
  });

  it("the counting median of a resample equals the median of the drawn values", () => {
    const sorted = [1, 2, 4, 8, 16, 32, 64];
    for (const n of [7, 6]) {
      const values = sorted.slice(0, n);
      const counting = new SeededRandom(99);
      const brute = new SeededRandom(99);
      for (let round = 0; round < 200; round++) {
        const got = resampleMedian(values, counting, new Uint32Array(n));
        const drawn = Array.from({ length: n }, () => values[brute.below(n)]!).sort((x, y) => x - y);
        const h = (n - 1) / 2;
        const want = drawn[Math.floor(h)]! + (h - Math.floor(h)) * (drawn[Math.ceil(h)]! - drawn[Math.floor(h)]!);
        expect(got).toBe(want);
      }
    }
  });

  it("constant groups give the exact ratio and a zero-width interval", () => {
    const r = ratioOfMediansCi([10, 10, 10], [5, 5], 1, 500);
    expect(r).toEqual({ estimate: 2, ci95: [2, 2], resamples: 500 });
  });

  it("reproducible for a seed, covers the true ratio, narrows with more samples", () => {
    const noise = new SeededRandom(2024);
    const draw = (n: number, centre: number) => Array.from({ length: n }, () => centre * (0.9 + 0.2 * (noise.nextUint32() / 2 ** 32)));
    const x86 = draw(300, 150);
    const arm = draw(300, 100);
    const seed = seedFromText("nodejs22.x/cpu/1024/warm");
    const r = ratioOfMediansCi(x86, arm, seed);
    expect(ratioOfMediansCi(x86, arm, seed)).toEqual(r);
    expect(r.resamples).toBe(10_000);
    expect(r.ci95[0]).toBeLessThan(1.5);
    expect(r.ci95[1]).toBeGreaterThan(1.5);
    expect(r.ci95[0]).toBeLessThanOrEqual(r.estimate);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(r.estimate);
    const small = ratioOfMediansCi(x86.slice(0, 10), arm.slice(0, 10), seed);
    expect(small.ci95[1] - small.ci95[0]).toBeGreaterThan(r.ci95[1] - r.ci95[0]);
  });

  it("refuses empty groups and non-positive denominators", () => {
    expect(() => ratioOfMediansCi([], [1], 1)).toThrow(/samples in both groups/);
    expect(() => ratioOfMediansCi([1], [0], 1)).toThrow(/must be positive/);
  });
});

group("cost per 1M invocations", () => {
  it("billed ms x GB x architecture rate + $0.20 per 1M requests (us-east-1)", () => {
    // 1000 ms at 1024 MB = 1 GB-s: x86 $0.0000166667 x 1e6 = $16.6667, + $0.20 = $16.8667
    expect(costPerMillionUsd(1000, 1024, "x86_64", "us-east-1")).toBeCloseTo(16.8667, 9);
    // 250 ms at 512 MB = 0.125 GB-s: arm $0.0000133334 x 0.125 x 1e6 = $1.666675, + 0.2
    expect(costPerMillionUsd(250, 512, "arm64", "us-east-1")).toBeCloseTo(1.866675, 9);
    expect(() => costPerMillionUsd(1, 128, "arm64", "xx-nowhere-1")).toThrow(/no Lambda prices/);
  });
});
