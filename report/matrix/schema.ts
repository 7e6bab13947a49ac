// The runtime matrix's result document `{ run, aggregates, comparisons }` (DESIGN.md, "Results").
//
// Interim mirror: the matrix suite (issue 11) owns this schema, as harness/matrix/result-document.ts
// on branch i11m (commit 4dc6bcb; RunEngine and SampleKind from harness/matrix/contracts.ts at
// 1b48a61). Until that reaches main, the report validates against this field-for-field copy of it;
// once it does, this file becomes a re-export of it so there is one schema.
import { z } from "zod";
import { Architecture } from "../../harness/contracts";

const SampleKind = z.enum(["cold", "warm"]);

const RunEngine = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("local"),
    host: z.strictObject({ cpu_model: z.string(), machine: z.string(), cpus: z.number().int().positive() }),
  }),
  z.strictObject({ kind: z.literal("aws") }),
]);

export const Distribution = z.strictObject({
  mean: z.number(),
  median: z.number(),
  stddev: z.number(),
  min: z.number(),
  max: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
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
  /** null when n = 0 (every sample failed). */
  duration_ms: Distribution.nullable(),
  billed_duration_ms: Distribution.nullable(),
  init_duration_ms: Distribution.nullable(),
  max_memory_used_mb: z.number().nullable(),
  cost_per_million_usd: z.number().nullable(),
});
export type MatrixAggregate = z.infer<typeof Aggregate>;

export const Comparison = z.strictObject({
  runtime: z.string(),
  workload: z.string(),
  memory_mb: z.number().int(),
  kind: SampleKind,
  arm_vs_x86_speedup: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  cost_ratio: z.number(),
});
export type MatrixComparison = z.infer<typeof Comparison>;

export const RunSummary = z.strictObject({
  run_id: z.string(),
  mode: z.string(),
  status: z.enum(["running", "complete"]),
  started_at: z.string(),
  finished_at: z.string().nullable(),
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
export type MatrixRunSummary = z.infer<typeof RunSummary>;

export const MatrixResultDocument = z.strictObject({
  run: RunSummary,
  aggregates: z.array(Aggregate),
  comparisons: z.array(Comparison),
});
export type MatrixResultDocument = z.infer<typeof MatrixResultDocument>;
