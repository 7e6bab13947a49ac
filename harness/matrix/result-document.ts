// The runtime matrix's result document (DESIGN.md, "The runtime matrix"): what `bench matrix
// --out` writes and the report builder reads. `{ run, aggregates, comparisons }`.
//
// Every aggregate is one (runtime, architecture, workload, memory, cold|warm) configuration:
// n = samples averaged in (correctly classified, correct answer), failed = function errors, wrong
// checksums or unreadable REPORT lines, misclassified = cold samples without Init Duration or warm
// ones with it (retried, never averaged in). With n = 0 the distributions are null.
// Comparisons: arm_vs_x86_speedup = median x86 duration / median arm64 duration (> 1: arm64 is
// faster), ci95 its percentile-bootstrap 95% interval (10,000 resamples, seeded: reproducible);
// cost_ratio = arm64 cost / x86_64 cost of one invocation at each side's median billed duration
// (< 1: arm64 is cheaper).
import { z } from "zod";
import { Architecture } from "../contracts";
import { RunEngine, SampleKind } from "./contracts";

export const Distribution = z.strictObject({
  mean: z.number(),
  median: z.number(),
  /** Sample standard deviation (n - 1). */
  stddev: z.number(),
  min: z.number(),
  max: z.number(),
  /** Type-7 (linear interpolation) percentiles. */
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  /** 10% dropped at each end. */
  trimmed_mean: z.number(),
});
export type Distribution = z.infer<typeof Distribution>;

export const Aggregate = z.strictObject({
  runtime: z.string(),
  architecture: Architecture,
  workload: z.string(),
  memory_mb: z.number().int(),
  kind: SampleKind,
  n: z.number().int().min(0),
  failed: z.number().int().min(0),
  misclassified: z.number().int().min(0),
  duration_ms: Distribution.nullable(),
  billed_duration_ms: Distribution.nullable(),
  /** Cold samples only (null for warm, and for cold with n = 0). */
  init_duration_ms: Distribution.nullable(),
  /** Highest Max Memory Used of the configuration's samples. */
  max_memory_used_mb: z.number().nullable(),
  /** Mean billed duration x memory x architecture rate + request charge, x 1e6 (harness/pricing.ts). */
  cost_per_million_usd: z.number().nullable(),
});
export type Aggregate = z.infer<typeof Aggregate>;

export const Comparison = z.strictObject({
  runtime: z.string(),
  workload: z.string(),
  memory_mb: z.number().int(),
  kind: SampleKind,
  arm_vs_x86_speedup: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  cost_ratio: z.number(),
});
export type Comparison = z.infer<typeof Comparison>;

export const RunSummary = z.strictObject({
  run_id: z.string(),
  mode: z.string(),
  status: z.enum(["running", "complete"]),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  /** Prices are this region's (locally: the region the prices are quoted for). */
  region: z.string(),
  engine: RunEngine,
  cold: z.number().int(),
  warm: z.number().int(),
  configurations: z.number().int(),
  skipped: z.array(z.strictObject({ runtime: z.string(), reason: z.string() })),
  methods: z.strictObject({
    stddev: z.literal("sample (n - 1)"),
    percentiles: z.literal("Hyndman-Fan type 7 (linear interpolation)"),
    trimmed_mean: z.literal("10% trimmed at each end"),
    ci95: z.string(),
  }),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const MatrixResultDocument = z.strictObject({
  run: RunSummary,
  aggregates: z.array(Aggregate),
  comparisons: z.array(Comparison),
});
export type MatrixResultDocument = z.infer<typeof MatrixResultDocument>;
