// The runtime matrix's result document, as DESIGN.md ("Results") writes it, field for field:
// `{ run, aggregates: [...], comparisons: [...] }`. The report reads it at its boundary.
//
// Interim: the matrix suite (issue 11) will export the one schema of this document from
// harness/matrix/result-document.ts; once that lands, this file re-exports it instead.
import { z } from "zod";

const Distribution = z.object({
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

export const MatrixAggregate = z.object({
  runtime: z.string().min(1),
  architecture: z.enum(["arm64", "x86_64"]),
  workload: z.string().min(1),
  memory_mb: z.number().int().positive(),
  kind: z.enum(["cold", "warm"]),
  n: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  misclassified: z.number().int().nonnegative(),
  duration_ms: Distribution,
  billed_duration_ms: Distribution,
  init_duration_ms: Distribution.nullable(),
  max_memory_used_mb: z.number(),
  cost_per_million_usd: z.number(),
});
export type MatrixAggregate = z.infer<typeof MatrixAggregate>;

export const MatrixComparison = z.object({
  runtime: z.string().min(1),
  workload: z.string().min(1),
  memory_mb: z.number().int().positive(),
  kind: z.enum(["cold", "warm"]),
  arm_vs_x86_speedup: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  cost_ratio: z.number(),
});
export type MatrixComparison = z.infer<typeof MatrixComparison>;

/**
 * DESIGN.md names `run` without its fields; the report reads the ones that label a figure (where
 * and when it was measured) when present, and keeps the rest as they are.
 */
export const MatrixRun = z.looseObject({
  id: z.string().optional(),
  mode: z.string().optional(),
  engine: z.string().optional(),
  region: z.string().optional(),
  host: z.string().optional(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
});

export const MatrixResultDocument = z.object({
  run: MatrixRun,
  aggregates: z.array(MatrixAggregate),
  comparisons: z.array(MatrixComparison),
});
export type MatrixResultDocument = z.infer<typeof MatrixResultDocument>;
